// One review with its stored properties and what it holds. Counts are taken before any list is
// collected, so no step groups rows by a list (which costs a hash of the list per row).
MATCH (r:Review {id: $review})
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
RETURN r {.*} AS review,
       theories,
       stages,
       kinds,
       excerpts,
       links
