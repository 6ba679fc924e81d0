// A CMOC with its elements and theory, and `total`: how many evidence links bear on the CMOC or its
// elements (cmoc_chain_excerpts gives them a page at a time). No row if there is no such CMOC.
// Far ends unlabelled: the relationship types fix them, and a label test costs FalkorDB a matrix step.
MATCH (c:CMOC {id: $cmoc})
OPTIONAL MATCH (c)-[:BELONGS_TO]->(t)
OPTIONAL MATCH (c)-[:HAS_CONTEXT]->(ctx)
OPTIONAL MATCH (c)-[:HAS_RESOURCE]->(res)
OPTIONAL MATCH (c)-[:HAS_REASONING]->(rea)
OPTIONAL MATCH (c)-[:HAS_OUTCOME]->(out)
UNWIND [c, ctx, res, rea, out] AS target
OPTIONAL MATCH (target)<-[l:SUPPORTS|REFINES|CONTESTS]-()
WITH c, t, ctx, res, rea, out, count(l) AS total
RETURN c {.id, .review, .label, .stage, .statement, .statement_reported, .fate} AS cmoc,
       CASE WHEN t IS NULL THEN null ELSE t {.id, .title, .theme, .stage} END AS theory,
       CASE WHEN ctx IS NULL THEN null ELSE ctx {.id, .text} END AS context,
       CASE WHEN res IS NULL THEN null ELSE res {.id, .text} END AS resource,
       CASE WHEN rea IS NULL THEN null ELSE rea {.id, .text} END AS reasoning,
       CASE WHEN out IS NULL THEN null ELSE out {.id, .text} END AS outcome,
       total
