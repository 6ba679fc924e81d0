// How many distinct sources support each given CMOC (through the excerpts that support it).
UNWIND $cmocs AS cid
MATCH (c:Entity {id: cid})
WHERE c:CMOC
OPTIONAL MATCH (c)<-[:SUPPORTS]-(:Excerpt)-[:EVIDENCE_FROM]->(s:Source)
RETURN cid AS id, count(DISTINCT s) AS sources
