// A theory's CMOCs with, per relation and source, the excerpts that are evidence from that source.
// Aggregated here rather than per link: a theory can rest on thousands of links.
MATCH (t:ProgrammeTheory {id: $theory})
OPTIONAL MATCH (c:CMOC)-[:BELONGS_TO]->(t)
OPTIONAL MATCH (x:Excerpt)-[l:SUPPORTS|REFINES|CONTESTS]->(c)
OPTIONAL MATCH (x)-[:EVIDENCE_FROM]->(s:Source)
WITH t, c, toLower(type(l)) AS relation, s, collect(x.id) AS excerpts
WITH t, c, collect(CASE
    WHEN s IS NULL OR ($source_kind IS NOT NULL AND s.kind <> $source_kind) THEN null
    ELSE {relation: relation, excerpts: excerpts,
          source: s {.id, .kind, .citation, .title, .year, .doi, .included}}
  END) AS groups
ORDER BY c.id
WITH t, collect(c {.id, .label, .stage, .statement, groups: groups}) AS cmocs
RETURN t {.id, .review, .title, .theme, .stage} AS theory, cmocs
