// The sources the given excerpts are quoted from or evidence from, with each source's kind.
UNWIND $excerpts AS xid
MATCH (:Entity {id: xid})-[r:EVIDENCE_FROM|QUOTED_FROM]->(s:Source)
RETURN xid AS excerpt, type(r) AS type, s.id AS source, s.kind AS kind
