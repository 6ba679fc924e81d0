// Full-text hits on CMOC statements (ids best first), with their theory.
UNWIND range(0, size($ids) - 1) AS rank
MATCH (c:CMOC {id: $ids[rank]})
WHERE $review IS NULL OR c.review = $review
WITH rank, c ORDER BY rank LIMIT $limit
RETURN rank,
       c {.id, .review, .label, .stage, .statement} AS cmoc,
       [(c)-[:BELONGS_TO]->(t:ProgrammeTheory) | t {.id, .title, .theme, .stage}][0] AS theory
ORDER BY rank
