// Schema set-up for Neo4j 5. Every statement is idempotent.
// name: entity_id
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
// name: entity_review
CREATE INDEX entity_review IF NOT EXISTS FOR (n:Entity) ON (n.review);
// name: excerpt_text
CREATE FULLTEXT INDEX excerpt_text IF NOT EXISTS FOR (n:Excerpt) ON EACH [n.text];
// name: cmoc_statement
CREATE FULLTEXT INDEX cmoc_statement IF NOT EXISTS FOR (n:CMOC) ON EACH [n.statement];
