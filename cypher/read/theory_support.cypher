// A theory's support in one read: one row per relation (`relation` supports, refines, contests) whose
// `value` has, per source with evidence of that relation on the theory's CMOCs, the source id (`ids`),
// how many distinct excerpts behind it are evidence from it across the theory (`excerpts`), the CMOCs
// it has such evidence on (`cmocs`, ids) and how many distinct excerpts on each of them (`per_cmoc`,
// in the order of `cmocs`); and one row with `relation` null whose `value` has the theory, its CMOCs
// in id order and every source named, once. No null row if there is no such theory; a relation with
// no evidence may have no row. Counts, not excerpt ids: a theory can rest on thousands of links (each
// CMOC's evidence chain lists them).
// Each relation type is walked on its own without naming the relationship, and the far ends are left
// unlabelled (the relationship types fix them): FalkorDB then walks its matrices in batches instead of
// building each relationship or testing a label per row. c, x and s are all used, which keeps one row
// per link and source (FalkorDB merges the paths through a node that is not used again).
// Every part starts from the theory's index. Only the last lists the theory's CMOCs: the relation
// parts name the CMOCs each source is on rather than counting against that list, so they need not
// build it too (building it in every part cost the example's theories about a sixth of the server's
// CPU time per query; on generated 10,000-excerpt reviews the two forms cost the same).
MATCH (:ProgrammeTheory {id: $theory})<-[:BELONGS_TO]-(c)<-[:SUPPORTS]-(x)-[:EVIDENCE_FROM]->(s)
WHERE $source_kind IS NULL OR s.kind = $source_kind
WITH s, count(DISTINCT x) AS excerpts, collect(c) AS linked, collect(DISTINCT c) AS targets
RETURN 'supports' AS relation,
       {ids: collect(s.id), excerpts: collect(excerpts), cmocs: collect([k IN targets | k.id]),
        per_cmoc: collect([k IN targets | size([y IN linked WHERE y = k])])} AS value
UNION ALL
MATCH (:ProgrammeTheory {id: $theory})<-[:BELONGS_TO]-(c)<-[:REFINES]-(x)-[:EVIDENCE_FROM]->(s)
WHERE $source_kind IS NULL OR s.kind = $source_kind
WITH s, count(DISTINCT x) AS excerpts, collect(c) AS linked, collect(DISTINCT c) AS targets
RETURN 'refines' AS relation,
       {ids: collect(s.id), excerpts: collect(excerpts), cmocs: collect([k IN targets | k.id]),
        per_cmoc: collect([k IN targets | size([y IN linked WHERE y = k])])} AS value
UNION ALL
MATCH (:ProgrammeTheory {id: $theory})<-[:BELONGS_TO]-(c)<-[:CONTESTS]-(x)-[:EVIDENCE_FROM]->(s)
WHERE $source_kind IS NULL OR s.kind = $source_kind
WITH s, count(DISTINCT x) AS excerpts, collect(c) AS linked, collect(DISTINCT c) AS targets
RETURN 'contests' AS relation,
       {ids: collect(s.id), excerpts: collect(excerpts), cmocs: collect([k IN targets | k.id]),
        per_cmoc: collect([k IN targets | size([y IN linked WHERE y = k])])} AS value
UNION ALL
MATCH (t:ProgrammeTheory {id: $theory})
OPTIONAL MATCH (t)<-[:BELONGS_TO]-(k)
WITH t, k ORDER BY k.id
WITH t, collect(k) AS cmocs
OPTIONAL MATCH (t)<-[:BELONGS_TO]-()<-[:SUPPORTS|REFINES|CONTESTS]-()-[:EVIDENCE_FROM]->(s)
WHERE $source_kind IS NULL OR s.kind = $source_kind
WITH t, cmocs, collect(DISTINCT s) AS sources
RETURN null AS relation,
       {theory: t {.id, .review, .title, .theme, .stage},
        cmocs: [k IN cmocs | k {.id, .label, .stage, .statement}],
        sources: [s IN sources | s {.id, .kind, .citation, .title, .year, .doi, .included}]} AS value
