// The judgements on the given CMOCs or elements: which excerpt supports, refines, contests or records the fate of which.
UNWIND $targets AS tid
MATCH (x:Excerpt)-[r:SUPPORTS|REFINES|CONTESTS|RECORDS_FATE]->(:Entity {id: tid})
RETURN x.id AS excerpt, type(r) AS type, tid AS target
