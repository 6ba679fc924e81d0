// Every programme theory in the store, for questions asked of all of them.
MATCH (t:ProgrammeTheory)
RETURN t.id AS id
ORDER BY t.review, t.id
