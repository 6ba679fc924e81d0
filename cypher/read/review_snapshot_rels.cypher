// A review's relationships as ingest compares them, without the support tallies: those are counted from the
// rest (write/theory_tallies), so they change exactly when it does.
MATCH (a:Entity {review: $review})-[r]->(b:Entity)
WHERE type(r) <> 'RESTS_ON'
RETURN a.id AS source, type(r) AS type, b.id AS target, properties(r) AS props
