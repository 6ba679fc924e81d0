// Schema set-up for Neo4j 5. Every statement is idempotent.
// name: entity_id
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
// name: entity_review
CREATE INDEX entity_review IF NOT EXISTS FOR (n:Entity) ON (n.review);
// Indexes are per label: point look-ups by a label's own id need their own index.
// Excerpts, the bulk of a store, are looked up as (:Entity:Excerpt {...}) and need none.
// name: review_id
CREATE INDEX review_id IF NOT EXISTS FOR (n:Review) ON (n.id);
// name: theory_id
CREATE INDEX theory_id IF NOT EXISTS FOR (n:ProgrammeTheory) ON (n.id);
// name: cmoc_id
CREATE INDEX cmoc_id IF NOT EXISTS FOR (n:CMOC) ON (n.id);
// name: source_id
CREATE INDEX source_id IF NOT EXISTS FOR (n:Source) ON (n.id);
// name: excerpt_text
CREATE FULLTEXT INDEX excerpt_text IF NOT EXISTS FOR (n:Excerpt) ON EACH [n.text];
// name: cmoc_statement
CREATE FULLTEXT INDEX cmoc_statement IF NOT EXISTS FOR (n:CMOC) ON EACH [n.statement];
