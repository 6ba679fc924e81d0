// The store's schema version. Never lowered: a step that upgrades part of the way, or an older
// cmograph, must not undo what a later version recorded.
MERGE (m:CmographMeta {id: 'schema'})
SET m.version = CASE WHEN m.version IS NULL OR m.version < $version THEN $version ELSE m.version END
RETURN m.version AS version
