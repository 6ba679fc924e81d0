UNWIND $rows AS row
CREATE (n:Entity:MechanismResource {id: row.id})
SET n += row.props
RETURN count(n) AS created
