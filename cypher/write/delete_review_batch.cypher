MATCH (n:Entity {review: $review})
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
