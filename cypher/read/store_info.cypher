// Everything /stats and `cmograph store info` report, in one read, so the figures come from one version
// of the store (a write replaces the whole graph at once; separate reads could straddle it).
// One row per figure, `part` saying which: the schema version, a count per node label and per
// relationship type (as in count_nodes and count_rels), and a summary per review (as in review_summaries).
OPTIONAL MATCH (m:CmographMeta {id: 'schema'})
RETURN 'schema' AS part, 'version' AS name, m.version AS value
UNION ALL MATCH (n:Review) WITH count(n) AS c RETURN 'nodes' AS part, 'Review' AS name, c AS value
UNION ALL MATCH (n:ProgrammeTheory) WITH count(n) AS c RETURN 'nodes' AS part, 'ProgrammeTheory' AS name, c AS value
UNION ALL MATCH (n:CMOC) WITH count(n) AS c RETURN 'nodes' AS part, 'CMOC' AS name, c AS value
UNION ALL MATCH (n:Context) WITH count(n) AS c RETURN 'nodes' AS part, 'Context' AS name, c AS value
UNION ALL MATCH (n:MechanismResource) WITH count(n) AS c RETURN 'nodes' AS part, 'MechanismResource' AS name, c AS value
UNION ALL MATCH (n:MechanismReasoning) WITH count(n) AS c RETURN 'nodes' AS part, 'MechanismReasoning' AS name, c AS value
UNION ALL MATCH (n:Outcome) WITH count(n) AS c RETURN 'nodes' AS part, 'Outcome' AS name, c AS value
UNION ALL MATCH (n:Source) WITH count(n) AS c RETURN 'nodes' AS part, 'Source' AS name, c AS value
UNION ALL MATCH (n:Excerpt) WITH count(n) AS c RETURN 'nodes' AS part, 'Excerpt' AS name, c AS value
UNION ALL MATCH ()-[r:PART_OF]->() WITH count(r) AS c RETURN 'relationships' AS part, 'PART_OF' AS name, c AS value
UNION ALL MATCH ()-[r:BELONGS_TO]->() WITH count(r) AS c RETURN 'relationships' AS part, 'BELONGS_TO' AS name, c AS value
UNION ALL MATCH ()-[r:HAS_CONTEXT]->() WITH count(r) AS c RETURN 'relationships' AS part, 'HAS_CONTEXT' AS name, c AS value
UNION ALL MATCH ()-[r:HAS_RESOURCE]->() WITH count(r) AS c RETURN 'relationships' AS part, 'HAS_RESOURCE' AS name, c AS value
UNION ALL MATCH ()-[r:HAS_REASONING]->() WITH count(r) AS c RETURN 'relationships' AS part, 'HAS_REASONING' AS name, c AS value
UNION ALL MATCH ()-[r:HAS_OUTCOME]->() WITH count(r) AS c RETURN 'relationships' AS part, 'HAS_OUTCOME' AS name, c AS value
UNION ALL MATCH ()-[r:QUOTED_FROM]->() WITH count(r) AS c RETURN 'relationships' AS part, 'QUOTED_FROM' AS name, c AS value
UNION ALL MATCH ()-[r:CITES]->() WITH count(r) AS c RETURN 'relationships' AS part, 'CITES' AS name, c AS value
UNION ALL MATCH ()-[r:SUPPORTS]->() WITH count(r) AS c RETURN 'relationships' AS part, 'SUPPORTS' AS name, c AS value
UNION ALL MATCH ()-[r:REFINES]->() WITH count(r) AS c RETURN 'relationships' AS part, 'REFINES' AS name, c AS value
UNION ALL MATCH ()-[r:CONTESTS]->() WITH count(r) AS c RETURN 'relationships' AS part, 'CONTESTS' AS name, c AS value
UNION ALL MATCH ()-[r:REFINED_INTO]->() WITH count(r) AS c RETURN 'relationships' AS part, 'REFINED_INTO' AS name, c AS value
UNION ALL MATCH ()-[r:MERGED_INTO]->() WITH count(r) AS c RETURN 'relationships' AS part, 'MERGED_INTO' AS name, c AS value
UNION ALL MATCH ()-[r:RECORDS_FATE]->() WITH count(r) AS c RETURN 'relationships' AS part, 'RECORDS_FATE' AS name, c AS value
UNION ALL MATCH ()-[r:EVIDENCE_FROM]->() WITH count(r) AS c RETURN 'relationships' AS part, 'EVIDENCE_FROM' AS name, c AS value
UNION ALL MATCH ()-[r:RESTS_ON]->() WITH count(r) AS c RETURN 'relationships' AS part, 'RESTS_ON' AS name, c AS value
UNION ALL MATCH (r:Review)
OPTIONAL MATCH (e:Entity:Excerpt {review: r.id})
WITH r, count(e) AS excerpts
OPTIONAL MATCH (r)<-[:PART_OF]-(t:ProgrammeTheory)
WITH r, excerpts, count(t) AS theories
OPTIONAL MATCH (r)<-[:PART_OF]-(c:CMOC)
WITH r, excerpts, theories, collect(c.stage) AS stages
OPTIONAL MATCH (r)<-[:PART_OF]-(s:Source)
WITH r, excerpts, theories, stages, collect(s.kind) AS kinds
RETURN 'reviews' AS part, r.id AS name, {
         id: r.id,
         title: r.title,
         theories: theories,
         refined_cmocs: size([x IN stages WHERE x = 'refined']),
         initial_cmocs: size([x IN stages WHERE x = 'initial']),
         sources: size(kinds),
         sources_by_kind: [k IN ['empirical_study', 'policy_document', 'key_informant_interview', 'review', 'other'] |
           {kind: k, count: size([x IN kinds WHERE x = k])}],
         excerpts: excerpts
       } AS value
