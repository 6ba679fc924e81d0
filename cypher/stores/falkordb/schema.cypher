// Schema set-up for embedded FalkorDB. Each statement runs once; "already indexed" is not an error.
// FalkorDB has no uniqueness constraints, so ingest checks id uniqueness before it writes.
// name: entity_id
CREATE INDEX FOR (n:Entity) ON (n.id);
// name: entity_review
CREATE INDEX FOR (n:Entity) ON (n.review);
// name: excerpt_text
CALL db.idx.fulltext.createNodeIndex('Excerpt', 'text');
// name: cmoc_statement
CALL db.idx.fulltext.createNodeIndex('CMOC', 'statement');
