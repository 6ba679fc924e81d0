// A CMOC's neighbourhood: its theory, the CMOCs it came from or went into, and those sharing an element.
MATCH (c:Entity {id: $id})
WHERE c:CMOC
OPTIONAL MATCH (c)-[:BELONGS_TO]->(t:ProgrammeTheory)
WITH c, collect(t.id) AS theories
OPTIONAL MATCH (c)-[:REFINED_INTO|MERGED_INTO]-(p:CMOC)
WITH c, theories, [c.id] + collect(p.id) AS near
OPTIONAL MATCH (c)-[:HAS_CONTEXT|HAS_RESOURCE|HAS_REASONING|HAS_OUTCOME]->()<-[:HAS_CONTEXT|HAS_RESOURCE|HAS_REASONING|HAS_OUTCOME]-(n:CMOC)
WHERE n <> c
WITH theories, near, [c.id] AS evidence, collect(DISTINCT n.id) AS sharing
RETURN theories, evidence, near + sharing AS cmocs
