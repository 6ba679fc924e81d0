// Full-text hits on excerpts (ids best first), with their source, what they cite and what they bear on:
// `bears_on` has each CMOC an excerpt bears on, directly (via 'CMOC') or through one of its elements
// (via the element's label), with the CMOC's theory.
// Every step is a MATCH on all the rows so far, aggregated once at the end: FalkorDB runs a pattern
// comprehension, or a match after an aggregation, once per row (five times the cost of a batch).
UNWIND range(0, size($ids) - 1) AS rank
MATCH (x:Entity:Excerpt {id: $ids[rank]})
WHERE $review IS NULL OR x.review = $review
WITH rank, x ORDER BY rank LIMIT $limit
OPTIONAL MATCH (x)-[:QUOTED_FROM]->(q)
OPTIONAL MATCH (x)-[:CITES]->(s)
OPTIONAL MATCH (x)-[l:SUPPORTS|REFINES|CONTESTS]->(target)
OPTIONAL MATCH (target)<-[:HAS_CONTEXT|HAS_RESOURCE|HAS_REASONING|HAS_OUTCOME]-(d)
WITH rank, x, q, s, l, target, d, [n IN labels(target) WHERE n <> 'Entity'][0] AS via
WITH rank, x, q, s, l, target, via, CASE WHEN via = 'CMOC' THEN target ELSE d END AS c
OPTIONAL MATCH (c)-[:BELONGS_TO]->(t)
WITH rank, x, q,
     collect(DISTINCT s {.id, .kind, .citation, .title, .year, .doi, .included}) AS cites,
     collect(DISTINCT CASE WHEN c IS NULL THEN null ELSE {
       relation: toLower(type(l)), via: via, via_id: target.id,
       cmoc: c {.id, .label, .stage, .statement},
       theory: CASE WHEN t IS NULL THEN null ELSE t {.id, .title, .theme, .stage} END
     } END) AS bears_on
ORDER BY rank
RETURN rank,
       x {.id, .review, .text, .page, .section, .paragraph, .char_start, .char_end} AS excerpt,
       CASE WHEN q IS NULL THEN null ELSE q {.id, .kind, .citation, .title, .year, .doi, .included} END AS quoted_from,
       cites,
       bears_on
