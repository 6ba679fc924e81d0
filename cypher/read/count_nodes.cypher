MATCH (n:Review) WITH count(n) AS c RETURN 'Review' AS label, c AS count
UNION ALL MATCH (n:ProgrammeTheory) WITH count(n) AS c RETURN 'ProgrammeTheory' AS label, c AS count
UNION ALL MATCH (n:CMOC) WITH count(n) AS c RETURN 'CMOC' AS label, c AS count
UNION ALL MATCH (n:Context) WITH count(n) AS c RETURN 'Context' AS label, c AS count
UNION ALL MATCH (n:MechanismResource) WITH count(n) AS c RETURN 'MechanismResource' AS label, c AS count
UNION ALL MATCH (n:MechanismReasoning) WITH count(n) AS c RETURN 'MechanismReasoning' AS label, c AS count
UNION ALL MATCH (n:Outcome) WITH count(n) AS c RETURN 'Outcome' AS label, c AS count
UNION ALL MATCH (n:Source) WITH count(n) AS c RETURN 'Source' AS label, c AS count
UNION ALL MATCH (n:Excerpt) WITH count(n) AS c RETURN 'Excerpt' AS label, c AS count
