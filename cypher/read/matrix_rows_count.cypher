MATCH (:Review {id: $review})<-[:PART_OF]-(s:Source)
WHERE NOT $included_only OR s.included = true
MATCH (s)<-[:EVIDENCE_FROM]-(:Excerpt)-[l:SUPPORTS|REFINES|CONTESTS]->(c:CMOC)
WHERE c.stage IN $stages
WITH DISTINCT s
RETURN count(s) AS total
