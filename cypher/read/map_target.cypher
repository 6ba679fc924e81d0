// What kind of thing a map is asked for: the label of the node with this id (no row if none).
MATCH (n:Entity {id: $id})
WHERE n:Review OR n:ProgrammeTheory OR n:CMOC
RETURN [l IN labels(n) WHERE l <> 'Entity'][0] AS label
