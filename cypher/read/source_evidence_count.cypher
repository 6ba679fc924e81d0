MATCH (:Source {id: $source})<-[:EVIDENCE_FROM]-(:Excerpt)-[l:SUPPORTS|REFINES|CONTESTS]->(t:Entity)
WITH DISTINCT t, type(l) AS rel_type
RETURN count(*) AS total
