// The review's matrix in one read, so its parts agree. One row per relation (`relation` supports,
// refines, contests): `value.sources` (ids) and `value.cmocs` (per source, the CMOCs it has that
// relation with); and one row with `relation` null: `value.review`, `value.columns` (the review's CMOCs
// of the given stages; the caller orders them), `value.total` (how many sources have evidence on them)
// and `value.sources` (one page of those sources, in id order). No null row if there is no such review.
// Each relation type is walked on its own from the review's index, through its CMOCs, without naming
// the relationship or the excerpt: FalkorDB then multiplies the relationship matrices and yields each
// (CMOC, source) pair once rather than once per excerpt (the DISTINCTs keep the answer the same where
// every path is a row), so the cost follows the review's evidence and no label is ever scanned.
MATCH (r:Review {id: $review})
WITH r
MATCH (r)<-[:PART_OF]-(c:CMOC)<-[:SUPPORTS]-()-[:EVIDENCE_FROM]->(s)
WHERE c.stage IN $stages AND (NOT $included_only OR s.included = true)
WITH s.id AS source, collect(DISTINCT c.id) AS cmocs
RETURN 'supports' AS relation, {sources: collect(source), cmocs: collect(cmocs)} AS value
UNION ALL
MATCH (r:Review {id: $review})
WITH r
MATCH (r)<-[:PART_OF]-(c:CMOC)<-[:REFINES]-()-[:EVIDENCE_FROM]->(s)
WHERE c.stage IN $stages AND (NOT $included_only OR s.included = true)
WITH s.id AS source, collect(DISTINCT c.id) AS cmocs
RETURN 'refines' AS relation, {sources: collect(source), cmocs: collect(cmocs)} AS value
UNION ALL
MATCH (r:Review {id: $review})
WITH r
MATCH (r)<-[:PART_OF]-(c:CMOC)<-[:CONTESTS]-()-[:EVIDENCE_FROM]->(s)
WHERE c.stage IN $stages AND (NOT $included_only OR s.included = true)
WITH s.id AS source, collect(DISTINCT c.id) AS cmocs
RETURN 'contests' AS relation, {sources: collect(source), cmocs: collect(cmocs)} AS value
UNION ALL
MATCH (r:Review {id: $review})
OPTIONAL MATCH (r)<-[:PART_OF]-(c:CMOC)<-[:SUPPORTS|REFINES|CONTESTS]-()-[:EVIDENCE_FROM]->(s)
WHERE c.stage IN $stages AND (NOT $included_only OR s.included = true)
WITH DISTINCT r, s
ORDER BY s.id
WITH r, collect(s) AS sources
RETURN null AS relation, {
         review: r.id,
         columns: [(r)<-[:PART_OF]-(k:CMOC) WHERE k.stage IN $stages | k {.id, .label, .stage, .statement}],
         total: size(sources),
         sources: [s IN sources[$offset..($offset + $limit)] | s {.id, .kind, .citation, .title, .year, .doi, .included}]
       } AS value
