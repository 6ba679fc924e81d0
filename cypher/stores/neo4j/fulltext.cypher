// Full-text search in Neo4j (Lucene syntax in $query; the adapter builds it from plain words).
// $review, if not null, keeps one review's hits. The index's top-k cannot filter on the review, so in one
// review it is asked for $fetch hits (many more than $limit) and the review's best among them are kept.
// name: excerpts
CALL db.index.fulltext.queryNodes('excerpt_text', $query, {limit: $fetch}) YIELD node, score
WITH node, score
WHERE $review IS NULL OR node.review = $review
RETURN node.id AS id, score
ORDER BY score DESC, id
LIMIT $limit;
// name: cmocs
CALL db.index.fulltext.queryNodes('cmoc_statement', $query, {limit: $fetch}) YIELD node, score
WITH node, score
WHERE $review IS NULL OR node.review = $review
RETURN node.id AS id, score
ORDER BY score DESC, id
LIMIT $limit;
