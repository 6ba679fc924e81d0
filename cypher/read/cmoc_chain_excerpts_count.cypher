MATCH (c:CMOC {id: $cmoc})
OPTIONAL MATCH (c)-[:HAS_CONTEXT|HAS_RESOURCE|HAS_REASONING|HAS_OUTCOME]->(el)
WITH c, collect(el) AS elements
UNWIND [c] + elements AS target
MATCH (:Excerpt)-[l:SUPPORTS|REFINES|CONTESTS]->(target)
RETURN count(l) AS total
