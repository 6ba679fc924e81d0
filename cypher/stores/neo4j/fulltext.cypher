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
