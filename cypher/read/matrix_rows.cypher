// One page of the matrix's rows: each source with evidence on the given CMOCs, and its cells.
MATCH (:Review {id: $review})<-[:PART_OF]-(s:Source)
WHERE NOT $included_only OR s.included = true
MATCH (s)<-[:EVIDENCE_FROM]-(:Excerpt)-[l:SUPPORTS|REFINES|CONTESTS]->(c:CMOC)
WHERE c.stage IN $stages
WITH s, collect(DISTINCT {cmoc: c.id, relation: toLower(type(l))}) AS cells
ORDER BY s.id
SKIP $offset LIMIT $limit
RETURN s {.id, .kind, .citation, .title, .year, .doi, .included} AS source, cells
