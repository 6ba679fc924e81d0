// Full-text search in FalkorDB (RediSearch syntax in $query; the adapter builds it from plain words).
// $review, if not null, keeps one review's hits. The procedure yields every match either way (it has no
// top-k), so filtering here costs little and ranks the review's own best hits, however many others match.
// name: excerpts
CALL db.idx.fulltext.queryNodes('Excerpt', $query) YIELD node, score
WITH node, score
WHERE $review IS NULL OR node.review = $review
RETURN node.id AS id, score
ORDER BY score DESC, id
LIMIT $limit;
// name: cmocs
CALL db.idx.fulltext.queryNodes('CMOC', $query) YIELD node, score
WITH node, score
WHERE $review IS NULL OR node.review = $review
RETURN node.id AS id, score
ORDER BY score DESC, id
LIMIT $limit;
// name: excerpts_matches
// How many excerpts hold a word, up to $cap: LIMIT before any ORDER BY stops the procedure early.
CALL db.idx.fulltext.queryNodes('Excerpt', $query) YIELD node
WITH node LIMIT $cap
RETURN count(node) AS matches;
// name: cmocs_matches
CALL db.idx.fulltext.queryNodes('CMOC', $query) YIELD node
WITH node LIMIT $cap
RETURN count(node) AS matches;
