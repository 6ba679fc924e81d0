// One page of a review's programme theories, with their CMOCs and distinct evidence sources.
MATCH (:Review {id: $review})<-[:PART_OF]-(t:ProgrammeTheory)
WITH t ORDER BY t.id SKIP $offset LIMIT $limit
OPTIONAL MATCH (c:CMOC)-[:BELONGS_TO]->(t)
WITH t, count(c) AS cmocs
OPTIONAL MATCH (t)<-[:BELONGS_TO]-(:CMOC)<-[l:SUPPORTS|REFINES|CONTESTS]-(:Excerpt)-[:EVIDENCE_FROM]->(s:Source)
WITH t, cmocs,
     collect(DISTINCT CASE WHEN type(l) = 'SUPPORTS' THEN s.id END) AS supporting,
     collect(DISTINCT s.id) AS sources
RETURN t {.*} AS theory,
       cmocs,
       size(supporting) AS supporting_sources,
       size(sources) AS evidence_sources
ORDER BY theory.id
