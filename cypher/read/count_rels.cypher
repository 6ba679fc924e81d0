MATCH ()-[r:PART_OF]->() WITH count(r) AS c RETURN 'PART_OF' AS type, c AS count
UNION ALL MATCH ()-[r:BELONGS_TO]->() WITH count(r) AS c RETURN 'BELONGS_TO' AS type, c AS count
UNION ALL MATCH ()-[r:HAS_CONTEXT]->() WITH count(r) AS c RETURN 'HAS_CONTEXT' AS type, c AS count
UNION ALL MATCH ()-[r:HAS_RESOURCE]->() WITH count(r) AS c RETURN 'HAS_RESOURCE' AS type, c AS count
UNION ALL MATCH ()-[r:HAS_REASONING]->() WITH count(r) AS c RETURN 'HAS_REASONING' AS type, c AS count
UNION ALL MATCH ()-[r:HAS_OUTCOME]->() WITH count(r) AS c RETURN 'HAS_OUTCOME' AS type, c AS count
UNION ALL MATCH ()-[r:QUOTED_FROM]->() WITH count(r) AS c RETURN 'QUOTED_FROM' AS type, c AS count
UNION ALL MATCH ()-[r:CITES]->() WITH count(r) AS c RETURN 'CITES' AS type, c AS count
UNION ALL MATCH ()-[r:SUPPORTS]->() WITH count(r) AS c RETURN 'SUPPORTS' AS type, c AS count
UNION ALL MATCH ()-[r:REFINES]->() WITH count(r) AS c RETURN 'REFINES' AS type, c AS count
UNION ALL MATCH ()-[r:CONTESTS]->() WITH count(r) AS c RETURN 'CONTESTS' AS type, c AS count
UNION ALL MATCH ()-[r:REFINED_INTO]->() WITH count(r) AS c RETURN 'REFINED_INTO' AS type, c AS count
UNION ALL MATCH ()-[r:MERGED_INTO]->() WITH count(r) AS c RETURN 'MERGED_INTO' AS type, c AS count
UNION ALL MATCH ()-[r:RECORDS_FATE]->() WITH count(r) AS c RETURN 'RECORDS_FATE' AS type, c AS count
UNION ALL MATCH ()-[r:EVIDENCE_FROM]->() WITH count(r) AS c RETURN 'EVIDENCE_FROM' AS type, c AS count
UNION ALL MATCH ()-[r:RESTS_ON]->() WITH count(r) AS c RETURN 'RESTS_ON' AS type, c AS count
