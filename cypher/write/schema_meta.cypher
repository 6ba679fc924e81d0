MERGE (m:CmographMeta {id: 'schema'})
SET m.version = $version
RETURN m.version AS version
