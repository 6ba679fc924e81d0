MATCH (r:Review)
RETURN count(r) AS total
