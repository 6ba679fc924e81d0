// One row per start node, with every target of this type: the start node is looked up once.
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
UNWIND row.to AS target
MATCH (b:Entity {id: target.id})
CREATE (a)-[r:HAS_OUTCOME]->(b)
SET r += target.props
