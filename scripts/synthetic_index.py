"""A random graph index of N nodes for the ``kg connect`` benchmark, as ``graph.json`` + ``graph.sqlite``
or, for sizes whose ``graph.json`` would not fit in memory, ``graph.sqlite`` written directly.

The graph: ``n_nodes`` entities joined by a random spanning tree plus random extra typed
edges (``2 n_nodes`` in all), each entity named in one or two of ``n_nodes / per_doc``
documents — so a document links about ``1.5 per_doc`` entities, as in a real build, and not
every node to one document. :func:`write_direct` writes the same file as
:func:`kg._indexdb.write_db` does from the ``graph.json`` object (the benchmark checks the
bytes at 100k nodes) while holding only arrays of integers, so a million nodes fit.

Usage::

    python scripts/synthetic_index.py OUT_DIR --nodes 1000000
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

__all__ = ["RandomGraph", "random_graph", "write_json_and_db", "write_direct"]

TYPES = ["Agency", "Program", "Platform", "Event", "Organization", "Place", "TargetGroup"]
RELATIONS = ["administeredBy", "targets", "supports", "partOf", "partnerOf", "participatesIn", "locatedIn"]
BASE = "https://w3id.org/stikg/resource/"
EVIDENCE = {"doc": "d000000", "start": 0, "end": 1, "text": "x", "rule": "synthetic", "confidence": 0.5}


@dataclass
class RandomGraph:
    n_nodes: int
    n_docs: int
    node_docs: list[tuple[int, ...]]  # per node, its documents (sorted)
    pairs: list[tuple[int, int]]  # typed edges (source, target), sorted
    start: int
    target: int  # exactly four typed hops from start

    def node_id(self, i: int) -> str:
        return f"{BASE}N/{i:07d}"

    def label(self, i: int) -> str:
        return f"节点{i:07d}"

    def doc_id(self, j: int) -> str:
        return f"d{j:06d}"

    def node(self, i: int) -> dict[str, Any]:
        return {"id": self.node_id(i), "label": self.label(i), "type": TYPES[i % len(TYPES)], "aliases": [],
                "docs": [self.doc_id(j) for j in self.node_docs[i]], "observations": []}

    def edge(self, a: int, b: int) -> dict[str, Any]:
        return {"source": self.node_id(a), "target": self.node_id(b), "relation": RELATIONS[(a + b) % 7],
                "evidence": [EVIDENCE]}

    def document(self, j: int) -> dict[str, Any]:
        return {"path": f"{self.doc_id(j)}.txt", "number": f"X〔2024〕{j + 1}号", "date": None, "title": None,
                "agency": None}


def random_graph(n_nodes: int, n_edges: int | None = None, *, seed: int = 0, per_doc: int = 50) -> RandomGraph:
    rng = random.Random(seed)
    n_edges = 2 * n_nodes if n_edges is None else n_edges
    n_docs = max(1, n_nodes // per_doc)
    node_docs = [tuple(sorted({rng.randrange(n_docs) for _ in range(rng.choice((1, 2)))})) for _ in range(n_nodes)]
    pairs = {(rng.randrange(i), i) for i in range(1, n_nodes)}  # a random tree keeps everything connected …
    while len(pairs) < n_edges:  # … plus random extra edges
        a, b = rng.randrange(n_nodes), rng.randrange(n_nodes)
        if a != b:
            pairs.add((a, b))
    ordered = sorted(pairs)
    del pairs
    neighbours: list[list[int]] = [[] for _ in range(n_nodes)]
    for a, b in ordered:
        neighbours[a].append(b)
        neighbours[b].append(a)
    start = n_nodes - 1
    seen, frontier = {start}, [start]
    for _ in range(4):  # breadth-first, four levels
        frontier = sorted({m for n in frontier for m in neighbours[n] if m not in seen})
        seen.update(frontier)
    return RandomGraph(n_nodes, n_docs, node_docs, ordered, start, frontier[0])


def write_json_and_db(graph: RandomGraph, out: Path) -> dict[str, Any]:
    """``graph.json`` and ``graph.sqlite`` (by :func:`kg._indexdb.write_db`); returns the index object."""
    from kg._indexdb import DB_NAME, write_db

    data = {"version": 1, "documents": {graph.doc_id(j): graph.document(j) for j in range(graph.n_docs)},
            "nodes": [graph.node(i) for i in range(graph.n_nodes)],
            "edges": [graph.edge(a, b) for a, b in graph.pairs]}
    out.mkdir(parents=True, exist_ok=True)
    (out / "graph.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    write_db(data, out / DB_NAME)
    return data


def write_direct(graph: RandomGraph, path: Path) -> None:
    """``graph.sqlite`` of ``graph`` without building the ``graph.json`` object or the Links in memory."""
    from kg._indexdb import _dumps, db_meta, store_db
    from kg._links import BASE_WEIGHT, HUB_CAP, KINDS, document_node
    from kg.names import name_key

    n, n_docs = graph.n_nodes, graph.n_docs
    typed: dict[tuple[int, int], list[int]] = {}
    for j, (a, b) in enumerate(graph.pairs):
        typed.setdefault((min(a, b), max(a, b)), []).append(j)
    degree = array("i", [0]) * n
    for a, b in typed:
        degree[a] += 1
        degree[b] += 1
    penalty = [HUB_CAP * math.tanh(math.log1p(d) / HUB_CAP) for d in degree]
    adjacent: list[list[int]] = [[] for _ in range(n + n_docs)]
    for a, b in typed:
        adjacent[a].append(b)
        adjacent[b].append(a)
    for i, docs in enumerate(graph.node_docs):
        for j in docs:
            adjacent[i].append(n + j)
            adjacent[n + j].append(i)

    def weight(u: int, v: int) -> tuple[str, float]:
        if v >= n:
            return "mention", BASE_WEIGHT["mention"] + (penalty[u] + 0.0) / 2
        if u >= n:
            return "mention", BASE_WEIGHT["mention"] + (0.0 + penalty[v]) / 2
        return "relation", BASE_WEIGHT["relation"] + (penalty[u] + penalty[v]) / 2

    lightest = min((weight(u, v)[1] for u in range(n) for v in adjacent[u]), default=1.0)

    def link_rows() -> Any:
        for u in range(n):
            for v in sorted(x for x in adjacent[u] if x > u):
                kind, w = weight(u, v)
                edges = typed.get((u, v), []) if kind == "relation" else []
                yield u, v, kind, w, 1 if kind == "mention" else 2, _dumps(edges), "[]"

    indptr, nbr, weights, kinds = array("q", [0]), array("i"), array("d"), array("b")
    for u in range(n + n_docs):
        for v in sorted(adjacent[u]):
            kind, w = weight(u, v)
            nbr.append(v)
            weights.append(w)
            kinds.append(KINDS.index(kind))
        indptr.append(len(nbr))
    store_db(
        path, db_meta(1, n, n + n_docs, lightest),
        documents=((graph.doc_id(j), _dumps(graph.document(j))) for j in range(n_docs)),
        nodes=itertools.chain(((i, graph.node_id(i), _dumps(graph.node(i))) for i in range(n)),
                              ((n + j, document_node(graph.doc_id(j)), None) for j in range(n_docs))),
        names=((graph.label(i), name_key(graph.label(i)), "label", graph.node_id(i)) for i in range(n)),
        edges=((j, graph.node_id(a), graph.node_id(b), _dumps(graph.edge(a, b))) for j, (a, b) in enumerate(graph.pairs)),
        links=link_rows(),
        arrays=(indptr, nbr, weights, kinds),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from kg._indexdb import DB_NAME

    graph = random_graph(args.nodes, seed=args.seed)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    write_direct(graph, args.out_dir / DB_NAME)
    pair = {"nodes": args.nodes, "from": graph.label(graph.start), "to": graph.label(graph.target)}
    (args.out_dir / "pair.json").write_text(json.dumps(pair, ensure_ascii=False), encoding="utf-8")
    sys.stdout.write(f"{args.out_dir / DB_NAME}: {args.nodes} nodes; try kg connect {graph.label(graph.start)} "
                     f"{graph.label(graph.target)} --graph {args.out_dir}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
