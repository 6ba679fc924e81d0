OPTIONAL MATCH (m:CmographMeta {id: 'schema'})
RETURN m.version AS version
