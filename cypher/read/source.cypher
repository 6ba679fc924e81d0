// A source with its stored properties, how many excerpts quote or cite it, and what it bears on.
MATCH (s:Source {id: $source})
OPTIONAL MATCH (x:Excerpt)-[:EVIDENCE_FROM]->(s)
OPTIONAL MATCH (x)-[l:SUPPORTS|REFINES|CONTESTS]->(t:Entity)
WITH s, collect(DISTINCT CASE WHEN l IS NULL THEN null ELSE {relation: toLower(type(l)), target: t.id} END) AS bearings
RETURN s {.*} AS source,
       size([(q:Excerpt)-[:QUOTED_FROM]->(s) | q]) AS excerpts_quoted,
       size([(y:Excerpt)-[:CITES]->(s) | y]) AS excerpts_citing,
       bearings
