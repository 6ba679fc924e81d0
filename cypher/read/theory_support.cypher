// A theory's CMOCs with each evidence link on them and the sources that link is evidence from.
MATCH (t:ProgrammeTheory {id: $theory})
OPTIONAL MATCH (c:CMOC)-[:BELONGS_TO]->(t)
WITH t, c ORDER BY c.id
WITH t, collect(c {
  .id, .label, .stage, .statement,
  links: [(x:Excerpt)-[l:SUPPORTS|REFINES|CONTESTS]->(c) | {
    excerpt: x.id,
    relation: toLower(type(l)),
    sources: [(x)-[:EVIDENCE_FROM]->(s:Source) WHERE $source_kind IS NULL OR s.kind = $source_kind |
      s {.id, .kind, .citation, .title, .year, .doi, .included}]
  }]
}) AS cmocs
RETURN t {.id, .review, .title, .theme, .stage} AS theory, cmocs
