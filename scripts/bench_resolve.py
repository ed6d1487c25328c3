"""Time of the corpus-level actor resolution (``kg.graph.resolve.resolve``) on a synthetic corpus.

    python scripts/bench_resolve.py [--documents 5000] [--actors 8] [--seed 1]

Each document names ``--actors`` actors drawn from 3,000 surnames with 30 given names each, titles
("Mr Lee12"), role mentions ("the chair of ...") and 2,000 organisations with variants (acronyms, names
without "Service"). Prints the documents, actor records, seconds, and what was merged. The time is the
resolution alone (no spaCy): compare it with the extraction time of the same number of documents
(scripts/bench_throughput.py) for its share of `kg run`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.graph.resolve import resolve  # noqa: E402
from kg.ids import actor_id, statement_id  # noqa: E402
from kg.records import Actor, Document, Extract, Role, Statement  # noqa: E402

GIVEN = ["Ann", "Bob", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal", "Ivy", "Joe", "Kim", "Lou", "Max", "Ned", "Oli",
         "Pam", "Quin", "Rob", "Sam", "Tom", "Una", "Val", "Wes", "Xan", "Yan", "Zoe", "Abe", "Bea", "Cyd", "Dot"]


def corpus(n_docs: int, per_doc: int, seed: int) -> list[Extract]:
    rng = random.Random(seed)
    surnames = [f"Lee{i}" for i in range(3000)]
    orgs = [f"Agency Number {i} Service" for i in range(2000)]
    out = []
    for n in range(n_docs):
        names: dict[str, tuple[str, str, list[Role]]] = {}
        for _ in range(per_doc):
            r = rng.random()
            if r < 0.55:
                name, type_ = f"{rng.choice(GIVEN)} {rng.choice(surnames)}", "person"
            elif r < 0.7:
                name, type_ = f"Mr {rng.choice(surnames)}", "person"
            elif r < 0.75:
                name, type_ = f"the chair of {rng.choice(orgs)}", "person"
            elif r < 0.9:
                name, type_ = rng.choice(orgs), "organisation"
            else:
                o = rng.choice(orgs)
                name, type_ = (o.rsplit(" ", 1)[0] if rng.random() < 0.5 else "".join(w[0] for w in o.split())), \
                    "organisation"
            names[name] = (name, type_, [])
        text, actors, statements = "", [], []
        for name, type_, roles in names.values():
            start = len(text) + len(name) + 6
            text += f"{name} said it is so. "
            aid = actor_id(name, type_)
            actors.append(Actor(aid, name, type_, [], roles))
            statements.append(Statement(statement_id(f"d{n}", start, start + 8), aid, text[start:start + 8],
                                        start, start + 8, "indirect"))
        doc = Document(f"d{n}", f"d{n}.txt", "article", text, published=f"20{10 + n % 12}-0{1 + n % 9}-15")
        out.append(Extract(doc, actors, [], statements))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--documents", type=int, default=5000)
    ap.add_argument("--actors", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    exs = corpus(args.documents, args.actors, args.seed)
    records = sum(len(e.actors) for e in exs)
    t0 = time.perf_counter()
    res = resolve(exs, None)
    seconds = time.perf_counter() - t0
    print(f"{len(exs)} documents, {records} actor records: resolved in {seconds:.2f} s "
          f"({records / seconds:,.0f} records/s); {len(res.entries)} kept actors with merges, "
          f"{res.merged} merges, {len(res.local)} descriptions per document")
    return 0


if __name__ == "__main__":
    sys.exit(main())
