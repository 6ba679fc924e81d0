// A review's evidence counted per theory, relation and source, as RESTS_ON relationships from the theory
// to the source: `relation` (supports, refines, contests), `excerpts` (distinct excerpts that are evidence
// from the source with that relation on any of the theory's CMOCs), `cmocs` (those CMOCs' ids) and
// `per_cmoc` (distinct such excerpts on each of them, in the order of `cmocs`). Written in the ingest's own
// write, from the relationships just written, so read/theory_support reads a theory's few hundred tallies
// instead of walking its thousands of evidence paths.
// Ingest writes one judged relationship per excerpt, relation and target, and one EVIDENCE_FROM per
// excerpt and source, so a CMOC's paths for one source and relation are its distinct excerpts.
// A theory that has tallies already is left alone: running this again (an upgrade interrupted half-way)
// writes nothing twice.
MATCH (t:ProgrammeTheory {review: $review})
WHERE NOT (t)-[:RESTS_ON]->()
MATCH (t)<-[:BELONGS_TO]-(c)<-[r:SUPPORTS|REFINES|CONTESTS]-(x)-[:EVIDENCE_FROM]->(s)
WITH t, s, toLower(type(r)) AS relation, count(DISTINCT x) AS excerpts, collect(c.id) AS linked,
     collect(DISTINCT c.id) AS cmocs
CREATE (t)-[:RESTS_ON {relation: relation, excerpts: excerpts, cmocs: cmocs,
                       per_cmoc: [k IN cmocs | size([y IN linked WHERE y = k])]}]->(s)
RETURN count(*) AS created
