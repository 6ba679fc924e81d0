// The properties of the given nodes, with their own label.
UNWIND $ids AS nid
MATCH (n:Entity {id: nid})
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, properties(n) AS props
