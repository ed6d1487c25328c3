// name: issue-controversy
// purpose: issues ranked by how contested they are: min(support, oppose) over all stances on the issue
// params: none
// columns: issue, issue_label, actors, support, oppose, neutral, contested
MATCH (st:Stance)-[:TARGETS]->(i:Issue)
MATCH (st)-[:HELD_BY]->(a:Actor)
WITH i, count(DISTINCT a) AS actors,
     count(CASE WHEN st.polarity = 'support' THEN 1 END) AS support,
     count(CASE WHEN st.polarity = 'oppose' THEN 1 END) AS oppose,
     count(CASE WHEN st.polarity = 'neutral' THEN 1 END) AS neutral
RETURN i.id AS issue, i.label AS issue_label, actors, support, oppose, neutral,
       CASE WHEN support < oppose THEN support ELSE oppose END AS contested
ORDER BY contested DESC, issue
