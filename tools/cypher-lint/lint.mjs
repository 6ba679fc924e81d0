// Lints every .cypher file under a folder (default: the repo's cypher/) with Neo4j's own Cypher linter.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const arg = (name, type, description, extra = {}) => ({ isDeprecated: false, name, type, description, ...extra });
const proc = (name, signature, args, returns, mode = 'READ') => ({
  name, signature, mode, description: name, worksOnSystem: false, admin: false,
  argumentDescription: args, returnDescription: returns,
  isDeprecated: false, deprecatedBy: null, option: { deprecated: false },
});

// Neo4j 5 procedures used by the shared files and cypher/stores/neo4j/ (signatures as Neo4j reports them).
const NEO4J = [
  proc('db.index.fulltext.queryNodes',
    'db.index.fulltext.queryNodes(indexName :: STRING, queryString :: STRING, options = {} :: MAP) :: (node :: NODE, score :: FLOAT)',
    [arg('indexName', 'STRING', 'The name of the full-text index.'),
      arg('queryString', 'STRING', 'The string to find approximate matches for.'),
      arg('options', 'MAP', '{skip :: INTEGER, limit :: INTEGER, analyzer :: STRING}',
        { default: 'DefaultParameterValue{value={}, type=MAP}' })],
    [arg('node', 'NODE', 'A node which contains a property similar to the query string.'),
      arg('score', 'FLOAT', 'The score measuring how similar the node property is to the query string.')]),
  proc('db.labels', 'db.labels() :: (label :: STRING)', [], [arg('label', 'STRING', 'A label within the database.')]),
  proc('db.relationshipTypes', 'db.relationshipTypes() :: (relationshipType :: STRING)', [],
    [arg('relationshipType', 'STRING', 'A relationship type in the database.')]),
];

// FalkorDB procedures used by cypher/stores/falkordb/.
const FALKORDB = [
  proc('db.idx.fulltext.createNodeIndex', 'db.idx.fulltext.createNodeIndex(label :: STRING, property :: STRING)',
    [arg('label', 'STRING', 'Node label to index.'), arg('property', 'STRING', 'Property to index.')], [], 'SCHEMA'),
  proc('db.idx.fulltext.queryNodes',
    'db.idx.fulltext.queryNodes(label :: STRING, query :: STRING) :: (node :: NODE, score :: FLOAT)',
    [arg('label', 'STRING', 'Indexed node label.'), arg('query', 'STRING', 'RediSearch query.')],
    [arg('node', 'NODE', 'A matching node.'), arg('score', 'FLOAT', 'The match score.')]),
];

// The library keys procedures by Cypher version; register them for every version.
const registry = (procs) => {
  const byName = Object.fromEntries(procs.map((p) => [p.name, p]));
  return { 'CYPHER 5': byName, 'CYPHER 25': byName };
};
const PROCEDURES = { neo4j: registry(NEO4J), falkordb: registry(FALKORDB) };

const walk = (dir) => readdirSync(dir, { withFileTypes: true })
  .sort((a, b) => a.name.localeCompare(b.name))
  .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name))
    : e.name.endsWith('.cypher') ? [join(dir, e.name)] : []));

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(process.argv[2] ?? join(here, '..', '..', 'cypher'));
const files = walk(root);
let count = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  // Declare every $name (or $`name`) the file uses: parameters are supplied at run time.
  const names = [...text.matchAll(/\$(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]+)`)/g)].map((m) => m[1] ?? m[2]);
  const parameters = Object.fromEntries(names.map((n) => [n, null]));
  const store = file.includes(`${sep}stores${sep}falkordb${sep}`) ? 'falkordb' : 'neo4j';
  const { diagnostics } = lintCypherQuery(text, { parameters, procedures: PROCEDURES[store] });
  for (const d of diagnostics) {
    console.log(`${relative(process.cwd(), file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message.replace(/\s*\n\s*/g, ' ').trim()}`);
  }
  count += diagnostics.length;
}
console.log(`cypher-lint: ${files.length} files, ${count} diagnostics`);
process.exit(count ? 1 : 0);
