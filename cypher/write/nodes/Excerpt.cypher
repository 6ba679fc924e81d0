UNWIND $rows AS row
CREATE (n:Entity:Excerpt {id: row.id})
SET n += row.props
