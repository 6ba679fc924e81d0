// Full-text search in FalkorDB (RediSearch syntax in $query; the adapter builds it from plain words).
// name: excerpts
CALL db.idx.fulltext.queryNodes('Excerpt', $query) YIELD node, score
RETURN node.id AS id, score
ORDER BY score DESC, id
LIMIT $limit;
// name: cmocs
CALL db.idx.fulltext.queryNodes('CMOC', $query) YIELD node, score
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
