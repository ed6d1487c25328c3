// name: stance-matrix
// purpose: for each actor and issue, how many stances support, oppose or are neutral, and the net position
// params: none
// columns: actor, actor_name, issue, issue_label, support, oppose, neutral, net
MATCH (st:Stance)-[:HELD_BY]->(a:Actor)
MATCH (st)-[:TARGETS]->(i:Issue)
WITH a, i,
     count(CASE WHEN st.polarity = 'support' THEN 1 END) AS support,
     count(CASE WHEN st.polarity = 'oppose' THEN 1 END) AS oppose,
     count(CASE WHEN st.polarity = 'neutral' THEN 1 END) AS neutral
RETURN a.id AS actor, a.name AS actor_name, i.id AS issue, i.label AS issue_label,
       support, oppose, neutral, support - oppose AS net
ORDER BY actor, issue
