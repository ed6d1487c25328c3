// name: node-count
// purpose: how many nodes of each kind the graph holds (kinds with at least one node)
// params: none
// columns: label, count
MATCH (n)
WITH [l IN ['Actor', 'Document', 'Post', 'Statement', 'Issue', 'Stance', 'Membership', 'Agreement', 'Conflict']
      WHERE l IN labels(n)] AS kinds
UNWIND kinds AS label
RETURN label, count(*) AS count
ORDER BY label
