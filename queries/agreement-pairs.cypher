// name: agreement-pairs
// purpose: every derived Agreement between two actors, with its issue, mode and amount of evidence
// params: none
// columns: a, a_name, b, b_name, issue, mode, evidence
MATCH (r:Agreement)
MATCH (r)-[:BETWEEN]->(x:Actor {id: r.actor_a})
MATCH (r)-[:BETWEEN]->(y:Actor {id: r.actor_b})
RETURN x.id AS a, x.name AS a_name, y.id AS b, y.name AS b_name, coalesce(r.issue, '') AS issue,
       r.mode AS mode, size(r.evidence) AS evidence
ORDER BY a, b, issue, mode
