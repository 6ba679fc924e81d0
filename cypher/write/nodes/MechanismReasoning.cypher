UNWIND $rows AS row
CREATE (n:Entity:MechanismReasoning {id: row.id})
SET n += row.props
RETURN count(n) AS created
