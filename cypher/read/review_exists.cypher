MATCH (r:Review {id: $review})
RETURN count(r) > 0 AS exists
