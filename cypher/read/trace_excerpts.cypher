// Full-text hits on excerpts (ids best first), with their source, what they cite and what they bear on.
UNWIND range(0, size($ids) - 1) AS rank
MATCH (x:Entity:Excerpt {id: $ids[rank]})
WHERE $review IS NULL OR x.review = $review
WITH rank, x ORDER BY rank LIMIT $limit
RETURN rank,
       x {.*} AS excerpt,
       [(x)-[:QUOTED_FROM]->(q:Source) | q {.id, .kind, .citation, .title, .year, .doi, .included}][0] AS quoted_from,
       [(x)-[:CITES]->(s:Source) | s {.id, .kind, .citation, .title, .year, .doi, .included}] AS cites,
       [(x)-[l:SUPPORTS|REFINES|CONTESTS]->(c:CMOC) | {
         relation: toLower(type(l)), via: 'CMOC', via_id: c.id,
         cmoc: c {.id, .label, .stage, .statement},
         theory: [(c)-[:BELONGS_TO]->(t:ProgrammeTheory) | t {.id, .title, .theme, .stage}][0]
       }] AS direct,
       [(x)-[m:SUPPORTS|REFINES|CONTESTS]->(el)<-[:HAS_CONTEXT|HAS_RESOURCE|HAS_REASONING|HAS_OUTCOME]-(d:CMOC) | {
         relation: toLower(type(m)), via: [n IN labels(el) WHERE n <> 'Entity'][0], via_id: el.id,
         cmoc: d {.id, .label, .stage, .statement},
         theory: [(d)-[:BELONGS_TO]->(u:ProgrammeTheory) | u {.id, .title, .theme, .stage}][0]
       }] AS via_elements
ORDER BY rank
