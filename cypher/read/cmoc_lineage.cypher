// Where a CMOC came from and what it became, with the excerpts that record each step.
MATCH (c:CMOC {id: $cmoc})
RETURN c {.id, .review, .label, .stage, .statement, .statement_reported, .fate, .into_reported, .fate_note} AS cmoc,
       [(c)-[:REFINED_INTO|MERGED_INTO]->(n:CMOC) | n {.id, .label, .stage, .statement}] AS into,
       [(x:Excerpt)-[:RECORDS_FATE]->(c) | {
         excerpt: x {.*},
         quoted_from: [(x)-[:QUOTED_FROM]->(q:Source) | q {.id, .kind, .citation, .title, .year, .doi, .included}][0]
       }] AS evidence,
       [(p:CMOC)-[:REFINED_INTO|MERGED_INTO]->(c) | {
         cmoc: p {.id, .label, .stage, .statement},
         fate: p.fate,
         evidence: [(y:Excerpt)-[:RECORDS_FATE]->(p) | {
           excerpt: y {.*},
           quoted_from: [(y)-[:QUOTED_FROM]->(w:Source) | w {.id, .kind, .citation, .title, .year, .doi, .included}][0]
         }]
       }] AS came_from,
       [(c)-[:PART_OF]->(:Review)<-[:PART_OF]-(o:CMOC)
         WHERE o.id <> c.id AND o.fate IN ['refined', 'merged'] AND o.into_reported = false |
         o {.id, .stage}] AS unreported
