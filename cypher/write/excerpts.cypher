// Excerpts, the bulk of a review, each with its evidence relationships in the same row: one query
// per batch instead of one per relationship type, and no look-up of the excerpt it starts from.
// A batch names few distinct targets (sources, CMOCs, elements): each is looked up once, and a row
// refers to it by its place in $targets. A missing target makes `found` differ from $targets and
// the batch writes nothing, so `created` (what the rows ask for, written once every target is found)
// falls short and the caller fails the whole write.
UNWIND $targets AS id
MATCH (t:Entity {id: id})
WITH collect(t) AS ts, collect(id) AS found
WHERE found = $targets
UNWIND $rows AS row
CREATE (e:Entity:Excerpt {id: row.id})
SET e += row.props
FOREACH (t IN [i IN row.quoted_from | ts[i]] | CREATE (e)-[:QUOTED_FROM]->(t))
FOREACH (t IN [i IN row.cites | ts[i]] | CREATE (e)-[:CITES]->(t))
FOREACH (t IN [i IN row.evidence_from | ts[i]] | CREATE (e)-[:EVIDENCE_FROM]->(t))
FOREACH (j IN row.supports | FOREACH (t IN [ts[j.at]] | CREATE (e)-[r:SUPPORTS]->(t) SET r += j.props))
FOREACH (j IN row.refines | FOREACH (t IN [ts[j.at]] | CREATE (e)-[r:REFINES]->(t) SET r += j.props))
FOREACH (j IN row.contests | FOREACH (t IN [ts[j.at]] | CREATE (e)-[r:CONTESTS]->(t) SET r += j.props))
WITH e, row
RETURN count(e) + sum(size(row.quoted_from) + size(row.cites) + size(row.evidence_from)
  + size(row.supports) + size(row.refines) + size(row.contests)) AS created
