// The contexts, resources, reasonings and outcomes of the given CMOCs.
UNWIND $cmocs AS cid
MATCH (c:Entity {id: cid})-[:HAS_CONTEXT|HAS_RESOURCE|HAS_REASONING|HAS_OUTCOME]->(e:Entity)
RETURN DISTINCT e.id AS id
