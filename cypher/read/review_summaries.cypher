MATCH (r:Review)
OPTIONAL MATCH (t:ProgrammeTheory)-[:PART_OF]->(r)
WITH r, count(t) AS theories
OPTIONAL MATCH (c:CMOC)-[:PART_OF]->(r)
WITH r, theories, collect(c.stage) AS stages
OPTIONAL MATCH (s:Source)-[:PART_OF]->(r)
WITH r, theories, stages, collect(s.kind) AS kinds
OPTIONAL MATCH (e:Entity:Excerpt {review: r.id})
WITH r, theories, stages, kinds, count(e) AS excerpts
RETURN r.id AS id,
       r.title AS title,
       theories,
       size([x IN stages WHERE x = 'refined']) AS refined_cmocs,
       size([x IN stages WHERE x = 'initial']) AS initial_cmocs,
       size(kinds) AS sources,
       [k IN ['empirical_study', 'policy_document', 'key_informant_interview', 'review', 'other'] |
         {kind: k, count: size([x IN kinds WHERE x = k])}] AS sources_by_kind,
       excerpts
ORDER BY id
