// A CMOC with its elements and theory; its excerpts come from cmoc_chain_excerpts.
MATCH (c:CMOC {id: $cmoc})
OPTIONAL MATCH (c)-[:BELONGS_TO]->(t:ProgrammeTheory)
OPTIONAL MATCH (c)-[:HAS_CONTEXT]->(ctx)
OPTIONAL MATCH (c)-[:HAS_RESOURCE]->(res)
OPTIONAL MATCH (c)-[:HAS_REASONING]->(rea)
OPTIONAL MATCH (c)-[:HAS_OUTCOME]->(out)
RETURN c {.id, .review, .label, .stage, .statement, .statement_reported, .fate} AS cmoc,
       CASE WHEN t IS NULL THEN null ELSE t {.id, .title, .theme, .stage} END AS theory,
       CASE WHEN ctx IS NULL THEN null ELSE ctx {.id, .text} END AS context,
       CASE WHEN res IS NULL THEN null ELSE res {.id, .text} END AS resource,
       CASE WHEN rea IS NULL THEN null ELSE rea {.id, .text} END AS reasoning,
       CASE WHEN out IS NULL THEN null ELSE out {.id, .text} END AS outcome
