// name: actor-statements
// purpose: every statement one actor made, with its document and character offsets
// params: actor (actor id, e.g. ken-marsh)
// columns: statement, document, start, end, kind, stance, text
MATCH (s:Statement)-[:SPOKEN_BY]->(:Actor {id: $actor})
RETURN s.id AS statement, s.document AS document, s.start AS start, s.end AS end, s.kind AS kind,
       s.stance AS stance, s.text AS text
ORDER BY document, start
