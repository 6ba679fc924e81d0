// A theory's support, from the tallies ingest made (write/theory_tallies): one row per `part`.
// - 'head': the theory and its CMOCs in id order; no such row if there is no such theory.
// - 'tallies': per relation and source with evidence of that relation on the theory's CMOCs, the distinct
//   excerpts behind it across the theory (`excerpts`) and on each CMOC (`cmocs`, `per_cmoc`).
// - 'sources': every source the tallies name, once.
// 'tallies' and 'sources' aggregate without a grouping key, so they are there even when empty.
// Counts, not excerpt ids: a theory can rest on thousands of links (each CMOC's evidence chain lists
// them), and counting them here cost a large theory 10 ms or more on every request. Three parts rather
// than one row: carrying the theory and its CMOCs through every tally's row cost more than the tallies.
MATCH (t:ProgrammeTheory {id: $theory})
OPTIONAL MATCH (t)<-[:BELONGS_TO]-(k)
WITH t, k ORDER BY k.id
WITH t, collect(k) AS cmocs
RETURN 'head' AS part,
       {theory: t {.id, .review, .title, .theme, .stage}, cmocs: [k IN cmocs | k {.id, .label, .stage, .statement}]}
         AS value
UNION ALL
MATCH (:ProgrammeTheory {id: $theory})-[r:RESTS_ON]->(s)
WHERE $source_kind IS NULL OR s.kind = $source_kind
WITH collect({source: s.id, relation: r.relation, excerpts: r.excerpts, cmocs: r.cmocs, per_cmoc: r.per_cmoc})
       AS value
RETURN 'tallies' AS part, value
UNION ALL
MATCH (:ProgrammeTheory {id: $theory})-[:RESTS_ON]->(s)
WHERE $source_kind IS NULL OR s.kind = $source_kind
WITH DISTINCT s
WITH collect(s {.id, .kind, .citation, .title, .year, .doi, .included}) AS value
RETURN 'sources' AS part, value
