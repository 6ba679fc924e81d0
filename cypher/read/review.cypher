// One review with its stored properties and what it holds.
MATCH (r:Review {id: $review})
OPTIONAL MATCH (t:ProgrammeTheory)-[:PART_OF]->(r)
WITH r, count(t) AS theories
OPTIONAL MATCH (c:CMOC)-[:PART_OF]->(r)
WITH r, theories, collect(c.stage) AS stages
OPTIONAL MATCH (s:Source)-[:PART_OF]->(r)
WITH r, theories, stages, collect(s.kind) AS kinds
OPTIONAL MATCH (e:Entity:Excerpt {review: r.id})
WITH r, theories, stages, kinds, count(e) AS excerpts
RETURN r {.*} AS review,
       theories,
       stages,
       kinds,
       excerpts,
       size([(x:Entity:Excerpt {review: r.id})-[l:SUPPORTS|REFINES|CONTESTS]->(:Entity) | l]) AS links
