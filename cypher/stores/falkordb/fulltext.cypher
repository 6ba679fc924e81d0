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
