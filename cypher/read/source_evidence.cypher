// One page of what a source's excerpts bear on: per CMOC or element and relation, with the excerpt ids.
MATCH (:Source {id: $source})<-[:EVIDENCE_FROM]-(x:Excerpt)-[l:SUPPORTS|REFINES|CONTESTS]->(t:Entity)
WITH t, type(l) AS rel_type, collect(DISTINCT x.id) AS excerpts
WITH t, rel_type, excerpts, [n IN labels(t) WHERE n <> 'Entity'][0] AS label
ORDER BY CASE rel_type WHEN 'SUPPORTS' THEN 0 WHEN 'REFINES' THEN 1 ELSE 2 END,
         CASE label WHEN 'CMOC' THEN 0 ELSE 1 END,
         t.id
SKIP $offset LIMIT $limit
RETURN toLower(rel_type) AS relation,
       {id: t.id, label: label, text: coalesce(t.label, t.text)} AS target,
       CASE WHEN label = 'CMOC' THEN [t {.id, .label, .stage, .statement}]
         ELSE [(t)<-[:HAS_CONTEXT|HAS_RESOURCE|HAS_REASONING|HAS_OUTCOME]-(c:CMOC) | c {.id, .label, .stage, .statement}]
       END AS cmocs,
       excerpts
