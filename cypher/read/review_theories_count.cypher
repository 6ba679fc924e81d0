// No row when the review does not exist.
MATCH (r:Review {id: $review})
OPTIONAL MATCH (t:ProgrammeTheory)-[:PART_OF]->(r)
RETURN r.id AS review, count(t) AS total
