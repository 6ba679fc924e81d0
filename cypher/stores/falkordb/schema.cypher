// Schema set-up for embedded FalkorDB. Each statement runs once; "already indexed" is not an error.
// FalkorDB has no uniqueness constraints, so ingest checks id uniqueness before it writes.
// name: entity_id
CREATE INDEX FOR (n:Entity) ON (n.id);
// name: entity_review
CREATE INDEX FOR (n:Entity) ON (n.review);
// FalkorDB indexes are per label: point look-ups by a label's own id need their own index.
// Excerpts, the bulk of a store, are looked up as (:Entity:Excerpt {...}) and need none.
// name: review_id
CREATE INDEX FOR (n:Review) ON (n.id);
// name: theory_id
CREATE INDEX FOR (n:ProgrammeTheory) ON (n.id);
// name: cmoc_id
CREATE INDEX FOR (n:CMOC) ON (n.id);
// name: source_id
CREATE INDEX FOR (n:Source) ON (n.id);
// name: excerpt_text
CALL db.idx.fulltext.createNodeIndex('Excerpt', 'text');
// name: cmoc_statement
CALL db.idx.fulltext.createNodeIndex('CMOC', 'statement');
