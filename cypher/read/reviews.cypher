// One page of reviews, each with what it holds (counts per kind are made by the caller).
// Counts are taken before any list is collected, so no step groups rows by a list.
MATCH (r:Review)
WITH r ORDER BY r.id SKIP $offset LIMIT $limit
OPTIONAL MATCH (x:Entity:Excerpt {review: r.id})
WITH r, count(x) AS excerpts
// Links are counted at their targets (the review's CMOCs and elements; a link never leaves its
// review), one relationship type at a time: FalkorDB walks a single named type in batches, several
// at once it builds each relationship (three times slower).
OPTIONAL MATCH (r)<-[:PART_OF]-()<-[l:SUPPORTS]-()
WITH r, excerpts, count(l) AS supports
OPTIONAL MATCH (r)<-[:PART_OF]-()<-[l:REFINES]-()
WITH r, excerpts, supports, count(l) AS refines
OPTIONAL MATCH (r)<-[:PART_OF]-()<-[l:CONTESTS]-()
WITH r, excerpts, supports, refines, count(l) AS contests
WITH r, excerpts, supports + refines + contests AS links
OPTIONAL MATCH (r)<-[:PART_OF]-(t:ProgrammeTheory)
WITH r, excerpts, links, count(t) AS theories
OPTIONAL MATCH (r)<-[:PART_OF]-(c:CMOC)
WITH r, excerpts, links, theories, collect(c.stage) AS stages
OPTIONAL MATCH (r)<-[:PART_OF]-(s:Source)
WITH r, excerpts, links, theories, stages, collect(s.kind) AS kinds
RETURN r.id AS id,
       r.title AS title,
       r.year AS year,
       theories,
       stages,
       kinds,
       excerpts,
       links
ORDER BY id
