// One page of the evidence links on a CMOC and on its elements: the CMOC first, then C, M-Res, M-Rea, O.
MATCH (c:CMOC {id: $cmoc})
OPTIONAL MATCH (c)-[:HAS_CONTEXT|HAS_RESOURCE|HAS_REASONING|HAS_OUTCOME]->(el)
WITH c, collect(el) AS elements
UNWIND [c] + elements AS target
MATCH (x:Excerpt)-[l:SUPPORTS|REFINES|CONTESTS]->(target)
WITH x, l, target, [n IN labels(target) WHERE n <> 'Entity'][0] AS label
WITH x, l, target, label,
     CASE label WHEN 'CMOC' THEN 0 WHEN 'Context' THEN 1 WHEN 'MechanismResource' THEN 2
       WHEN 'MechanismReasoning' THEN 3 ELSE 4 END AS rank,
     CASE type(l) WHEN 'SUPPORTS' THEN 0 WHEN 'REFINES' THEN 1 ELSE 2 END AS relation_rank
ORDER BY rank, x.id, relation_rank
SKIP $offset LIMIT $limit
RETURN x {.*} AS excerpt,
       toLower(type(l)) AS relation,
       l.rationale AS rationale,
       l.reviewer AS reviewer,
       {id: target.id, label: label, text: coalesce(target.label, target.text)} AS target,
       [(x)-[:QUOTED_FROM]->(q:Source) | q {.id, .kind, .citation, .title, .year, .doi, .included}][0] AS quoted_from,
       [(x)-[:CITES]->(s:Source) | s {.id, .kind, .citation, .title, .year, .doi, .included}] AS cites
