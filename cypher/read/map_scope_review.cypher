// A review's map: all its theories and CMOCs, each with its evidence.
MATCH (r:Entity {id: $id})
WHERE r:Review
OPTIONAL MATCH (t:ProgrammeTheory)-[:PART_OF]->(r)
WITH r, collect(t.id) AS theories
OPTIONAL MATCH (c:CMOC)-[:PART_OF]->(r)
WITH theories, collect(c.id) AS cmocs
RETURN theories, cmocs AS evidence, cmocs
