MATCH (a:Entity {review: $review})-[r]->(b:Entity)
RETURN a.id AS source, type(r) AS type, b.id AS target, properties(r) AS props
