// A theory map's core: the theory, its CMOCs (with evidence) and the CMOCs they came from or went into.
MATCH (t:Entity {id: $id})
WHERE t:ProgrammeTheory
OPTIONAL MATCH (c:CMOC)-[:BELONGS_TO]->(t)
WITH t, collect(c.id) AS own
OPTIONAL MATCH (p:CMOC)-[:REFINED_INTO|MERGED_INTO]-(:CMOC)-[:BELONGS_TO]->(t)
WITH t, own, collect(DISTINCT p.id) AS linked
RETURN [t.id] AS theories, own AS evidence, own + linked AS cmocs
