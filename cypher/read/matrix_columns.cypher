// The matrix's columns: the review's CMOCs of the given stages, refined first. No row if no such review.
MATCH (r:Review {id: $review})
OPTIONAL MATCH (c:CMOC)-[:PART_OF]->(r)
WHERE c.stage IN $stages
WITH r, c ORDER BY CASE c.stage WHEN 'refined' THEN 0 ELSE 1 END, c.id
RETURN r.id AS review, collect(c {.id, .label, .stage, .statement}) AS columns
