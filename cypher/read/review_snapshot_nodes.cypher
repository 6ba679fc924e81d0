MATCH (n:Entity {review: $review})
RETURN n.id AS id, n.h AS h, [l IN labels(n) WHERE l <> 'Entity'][0] AS label
