// One row per start node with its targets of this type. A batch names few distinct targets (the review,
// theories, elements, CMOCs): each is looked up once, and a row refers to it by its place in $targets.
// A missing target makes `found` differ from $targets and the batch writes nothing; a missing start node
// drops its row. Either way `created` falls short, and the caller fails the whole write.
UNWIND $targets AS id
MATCH (b:Entity {id: id})
WITH collect(b) AS bs, collect(id) AS found
WHERE found = $targets
UNWIND $rows AS row
MATCH (a:Entity {id: row.from})
UNWIND row.to AS target
WITH a, bs[target.at] AS b, target
CREATE (a)-[r:PART_OF]->(b)
SET r += target.props
RETURN count(r) AS created
