// The map of everything in the store: every theory and every CMOC, each with its evidence.
OPTIONAL MATCH (t:ProgrammeTheory)
WITH collect(t.id) AS theories
OPTIONAL MATCH (c:CMOC)
WITH theories, collect(c.id) AS cmocs
RETURN theories, cmocs AS evidence, cmocs
