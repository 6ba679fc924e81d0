// Full-text search in Neo4j (Lucene syntax in $query; the adapter builds it from plain words).
// name: excerpts
CALL db.index.fulltext.queryNodes('excerpt_text', $query, {limit: $limit}) YIELD node, score
RETURN node.id AS id, score
ORDER BY score DESC, id
LIMIT $limit;
// name: cmocs
CALL db.index.fulltext.queryNodes('cmoc_statement', $query, {limit: $limit}) YIELD node, score
RETURN node.id AS id, score
ORDER BY score DESC, id
LIMIT $limit;
// In one review: the index's top-k cannot filter on the review, so it is asked for $fetch hits (many more
// than $limit) and the review's best among them are kept.
// name: excerpts_in_review
CALL db.index.fulltext.queryNodes('excerpt_text', $query, {limit: $fetch}) YIELD node, score
WITH node, score
WHERE node.review = $review
RETURN node.id AS id, score
ORDER BY score DESC, id
LIMIT $limit;
// name: cmocs_in_review
CALL db.index.fulltext.queryNodes('cmoc_statement', $query, {limit: $fetch}) YIELD node, score
WITH node, score
WHERE node.review = $review
RETURN node.id AS id, score
ORDER BY score DESC, id
LIMIT $limit;
