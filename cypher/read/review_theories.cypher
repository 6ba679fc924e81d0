// One page of a review's programme theories, with their CMOCs and distinct evidence sources.
// The source counts walk each theory's evidence without naming the relationships or the excerpts,
// so FalkorDB yields each (CMOC, source) pair once instead of a row per excerpt; counted DISTINCT, the
// answer is the same where every path is a row. The far ends are unlabelled: the types fix them.
MATCH (:Review {id: $review})<-[:PART_OF]-(t:ProgrammeTheory)
WITH t ORDER BY t.id SKIP $offset LIMIT $limit
OPTIONAL MATCH (t)<-[:BELONGS_TO]-(c)
WITH t, count(c) AS cmocs
OPTIONAL MATCH (t)<-[:BELONGS_TO]-()<-[:SUPPORTS]-()-[:EVIDENCE_FROM]->(s)
WITH t, cmocs, count(DISTINCT s) AS supporting_sources
OPTIONAL MATCH (t)<-[:BELONGS_TO]-()<-[:SUPPORTS|REFINES|CONTESTS]-()-[:EVIDENCE_FROM]->(s)
WITH t, cmocs, supporting_sources, count(DISTINCT s) AS evidence_sources
RETURN t {.*} AS theory,
       cmocs,
       supporting_sources,
       evidence_sources
ORDER BY theory.id
