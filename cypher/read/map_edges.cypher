// The relationships leaving the given nodes; the caller draws those whose end is on the map (CITES only feeds the panel).
UNWIND $ids AS nid
MATCH (a:Entity {id: nid})-[r:BELONGS_TO|HAS_CONTEXT|HAS_RESOURCE|HAS_REASONING|HAS_OUTCOME|SUPPORTS|REFINES|CONTESTS|REFINED_INTO|MERGED_INTO|RECORDS_FATE|QUOTED_FROM|EVIDENCE_FROM|CITES]->(b:Entity)
RETURN a.id AS source, type(r) AS type, b.id AS target, r.reviewer AS reviewer, r.rationale AS rationale
