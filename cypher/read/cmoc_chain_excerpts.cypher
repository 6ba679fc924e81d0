// One page of the evidence links on a CMOC and on its elements: the CMOC first, then C, M-Res, M-Rea, O.
// The page is cut before each link's sources are looked up, and they are looked up with MATCHes on
// the whole page (FalkorDB runs a pattern comprehension once per row), so a page costs its own size
// plus one sort of the links' keys. Far ends unlabelled: the relationship types fix them, and a label
// test costs FalkorDB a matrix step.
MATCH (c:CMOC {id: $cmoc})
OPTIONAL MATCH (c)-[:HAS_CONTEXT|HAS_RESOURCE|HAS_REASONING|HAS_OUTCOME]->(el)
WITH c, collect(el) AS elements
UNWIND [c] + elements AS target
WITH target, [n IN labels(target) WHERE n <> 'Entity'][0] AS label
WITH target, label,
     CASE label WHEN 'CMOC' THEN 0 WHEN 'Context' THEN 1 WHEN 'MechanismResource' THEN 2
       WHEN 'MechanismReasoning' THEN 3 ELSE 4 END AS rank
MATCH (target)<-[l:SUPPORTS|REFINES|CONTESTS]-(x)
WITH x, l, target, label, rank, x.id AS xid,
     CASE type(l) WHEN 'SUPPORTS' THEN 0 WHEN 'REFINES' THEN 1 ELSE 2 END AS relation_rank
ORDER BY rank, xid, relation_rank
SKIP $offset LIMIT $limit
OPTIONAL MATCH (x)-[:QUOTED_FROM]->(q)
OPTIONAL MATCH (x)-[:CITES]->(s)
WITH x, l, target, label, rank, xid, relation_rank, q,
     collect(s {.id, .kind, .citation, .title, .year, .doi, .included}) AS cites
ORDER BY rank, xid, relation_rank
RETURN x {.id, .text, .page, .section, .paragraph, .char_start, .char_end} AS excerpt,
       toLower(type(l)) AS relation,
       l.rationale AS rationale,
       l.reviewer AS reviewer,
       {id: target.id, label: label, text: coalesce(target.label, target.text)} AS target,
       CASE WHEN q IS NULL THEN null ELSE q {.id, .kind, .citation, .title, .year, .doi, .included} END AS quoted_from,
       cites
