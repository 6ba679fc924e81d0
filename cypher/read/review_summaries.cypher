// Every review with what it holds (as `store info` shows it). Counts are taken before any list is
// collected, so no step groups rows by a list.
MATCH (r:Review)
OPTIONAL MATCH (e:Entity:Excerpt {review: r.id})
WITH r, count(e) AS excerpts
OPTIONAL MATCH (r)<-[:PART_OF]-(t:ProgrammeTheory)
WITH r, excerpts, count(t) AS theories
OPTIONAL MATCH (r)<-[:PART_OF]-(c:CMOC)
WITH r, excerpts, theories, collect(c.stage) AS stages
OPTIONAL MATCH (r)<-[:PART_OF]-(s:Source)
WITH r, excerpts, theories, stages, collect(s.kind) AS kinds
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
