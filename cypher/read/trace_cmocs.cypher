// Full-text hits on CMOC statements (ids best first), with their theory.
UNWIND range(0, size($ids) - 1) AS rank
MATCH (c:CMOC {id: $ids[rank]})
WHERE $review IS NULL OR c.review = $review
WITH rank, c ORDER BY rank LIMIT $limit
OPTIONAL MATCH (c)-[:BELONGS_TO]->(t)
RETURN rank,
       c {.id, .review, .label, .stage, .statement} AS cmoc,
       CASE WHEN t IS NULL THEN null ELSE t {.id, .title, .theme, .stage} END AS theory
ORDER BY rank
