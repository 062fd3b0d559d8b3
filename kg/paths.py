"""What connects X to Y, and entity cards, over the prepared index ``build/graph.json``.

Loads ``graph.json`` with :mod:`json` only (never rdflib or spaCy), so it is fast.

Names (:func:`find_node`) match a node's label or any alias after NFKC, case
folding and removal of spaces and quote marks (《》“”‘’"'); exact matches first,
then a name that is contained in exactly one node's label or aliases; otherwise
:class:`kg.errors.EntityNotFound` lists the closest names (difflib).

Path finding (:func:`connect`) — the HTML explorer ports this to JavaScript:

1. An undirected simple graph over the nodes. Several edges between the same two
   nodes collapse into one hop that keeps the underlying directed edges, printed
   in their true direction. ``only``/``exclude`` filter relations first; ``via``
   keeps only intermediate nodes of the given types.
2. ``weight(u, v) = 1 + λ·(ln(1+deg(u)) + ln(1+deg(v)))/2`` where ``deg`` counts
   distinct neighbours in the unfiltered graph; λ = 1, or 0 without hub penalty.
   Hubs (the commission, a city) make every path through them expensive.
3. Nodes that cannot lie on a path of at most ``max_hops`` hops (breadth-first hop
   distance from X plus that from Y greater than ``max_hops``) are dropped.
4. Nodes, then edges, are inserted in sorted id order; ``networkx.shortest_simple_paths``
   (Yen) yields simple paths by increasing weight; the first ``paths`` with at most
   ``max_hops`` hops are kept. Every hop weighs at most ``w_max``, so the scan stops
   once a path weighs more than ``max_hops · w_max`` (no shorter-hop path can follow),
   or after :data:`MAX_SCAN` candidates.

Example::

    >>> index = load_index("build")  # doctest: +SKIP
    >>> [p.nodes for p in connect(index, "高企贷", "InnoMatch", paths=2)]  # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from kg.errors import EntityNotFound, GraphNotBuiltError, InputError, NoPath
from kg.model import ENTITY_TYPES, RELATION_LABELS, RELATIONS

__all__ = [
    "MAX_SCAN",
    "Index",
    "Step",
    "Hop",
    "Path",
    "Card",
    "load_index",
    "normalize_name",
    "find_node",
    "connect",
    "card",
    "source_of",
    "shorten",
]

#: How many candidate paths :func:`connect` examines at most.
MAX_SCAN = 500

_IGNORED = set("《》“”‘’「」\"'")


def normalize_name(name: str) -> str:
    """The form names are compared in: NFKC, case-folded, no spaces or quote marks."""
    name = unicodedata.normalize("NFKC", name).casefold()
    return "".join(c for c in name if not c.isspace() and c not in _IGNORED)


@dataclass
class Index:
    """``graph.json`` in memory: documents, nodes by id, edges, and a name lookup."""

    documents: dict[str, dict[str, Any]]
    nodes: dict[str, dict[str, Any]]
    edges: list[dict[str, Any]]
    labels: dict[str, list[str]] = field(default_factory=dict)  # normalised label → ids
    aliases: dict[str, list[str]] = field(default_factory=dict)  # normalised alias → ids

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Index:
        """Build the index from the parsed ``graph.json`` object."""
        nodes = {n["id"]: n for n in data.get("nodes", [])}
        index = cls(dict(data.get("documents", {})), nodes, list(data.get("edges", [])))
        for node_id in sorted(nodes):
            node = nodes[node_id]
            index.labels.setdefault(normalize_name(node["label"]), []).append(node_id)
            for alias in node.get("aliases", []):
                index.aliases.setdefault(normalize_name(alias), []).append(node_id)
        return index

    def label(self, node_id: str) -> str:
        """The display label of a node."""
        return str(self.nodes[node_id]["label"])


def load_index(graph_dir: str | os.PathLike[str]) -> Index:
    """Read ``graph_dir/graph.json`` (written by ``kg build``)."""
    path = FilePath(graph_dir) / "graph.json"
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise GraphNotBuiltError(str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not valid JSON ({exc}): rebuild it with `kg build`") from exc
    return Index.from_dict(data)


def find_node(index: Index, name: str) -> dict[str, Any]:
    """The node called ``name`` (label or alias); raises ``EntityNotFound`` with suggestions."""
    key = normalize_name(name)
    if not key:
        raise EntityNotFound(name)
    for table in (index.labels, index.aliases):
        if key in table:
            return index.nodes[table[key][0]]
    names = {**{k: ids for k, ids in index.aliases.items()}, **index.labels}
    containing = sorted({i for k, ids in names.items() if key in k for i in ids})
    if len(containing) == 1 and len(key) >= 2:
        return index.nodes[containing[0]]
    suggestions = [index.label(i) for i in containing[:5]]
    for close in difflib.get_close_matches(key, sorted(names), n=5, cutoff=0.4):
        label = index.label(names[close][0])
        if label not in suggestions:
            suggestions.append(label)
    raise EntityNotFound(name, suggestions[:5])


@dataclass(frozen=True)
class Step:
    """One directed edge of the graph behind a hop; ``forward`` if it points along the path."""

    source: str
    target: str
    relation: str
    evidence: tuple[dict[str, Any], ...]
    forward: bool


@dataclass(frozen=True)
class Hop:
    """A move from ``start`` to ``end`` backed by one or more directed edges."""

    start: str
    end: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Path:
    """A simple path: its node ids, hops and total weight."""

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]
    weight: float

    def to_json(self, index: Index) -> dict[str, Any]:
        """A JSON-ready description with labels, relations and evidence sources."""
        return {
            "weight": round(self.weight, 4),
            "hops": len(self.hops),
            "nodes": [_node_ref(index, n) for n in self.nodes],
            "steps": [
                {
                    "from": hop.start,
                    "to": hop.end,
                    "edges": [_edge_json(index, s.source, s.relation, s.target, s.evidence)
                              | {"direction": "forward" if s.forward else "backward"}
                              for s in hop.steps],
                }
                for hop in self.hops
            ],
        }


def _node_ref(index: Index, node_id: str) -> dict[str, Any]:
    node = index.nodes[node_id]
    return {"id": node_id, "label": node["label"], "type": node.get("type")}


def source_of(index: Index, doc_id: str) -> tuple[str, str | None]:
    """``(文号 or file id, ISO date — or the year when only that is known — or None)``."""
    doc = index.documents.get(doc_id) or {}
    when = doc.get("date") or (str(doc["year"]) if doc.get("year") else None)
    return str(doc.get("number") or doc_id), when


def _edge_json(
    index: Index, source: str, relation: str, target: str, evidence: Any
) -> dict[str, Any]:
    return {
        "source": _node_ref(index, source),
        "relation": relation,
        "relation_zh": RELATION_LABELS.get(relation, (relation, relation))[0],
        "target": _node_ref(index, target),
        "evidence": [
            ev | dict(zip(("number", "date"), source_of(index, ev.get("doc", "")), strict=True))
            for ev in evidence
        ],
    }


def _check(values: tuple[str, ...] | list[str], allowed: tuple[str, ...], option: str) -> set[str]:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise InputError(f"{option} {', '.join(unknown)}: unknown; choose from {', '.join(allowed)}")
    return set(values)


def connect(
    index: Index,
    x: str,
    y: str,
    *,
    max_hops: int = 4,
    paths: int = 3,
    only: tuple[str, ...] | list[str] = (),
    exclude: tuple[str, ...] | list[str] = (),
    via: tuple[str, ...] | list[str] = (),
    hub_penalty: bool = True,
) -> list[Path]:
    """The ``paths`` lightest simple paths of at most ``max_hops`` hops from ``x`` to ``y``.

    ``x``/``y`` are names (label or alias). Raises ``EntityNotFound`` for an
    unknown name, ``InputError`` for bad options and ``NoPath`` when nothing
    connects them. See the module docstring for the algorithm.
    """
    if max_hops < 1 or paths < 1:
        raise InputError("--max-hops and --paths must be at least 1")
    only_set = _check(only, RELATIONS, "--only")
    exclude_set = _check(exclude, RELATIONS, "--exclude")
    via_set = _check(via, ENTITY_TYPES, "--via")
    source, target = find_node(index, x)["id"], find_node(index, y)["id"]
    if source == target:
        raise InputError(f"{x!r} and {y!r} name the same entity ({index.label(source)})")

    neighbours: dict[str, set[str]] = {n: set() for n in index.nodes}
    hops: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for edge in index.edges:
        u, v = edge["source"], edge["target"]
        if u == v or u not in index.nodes or v not in index.nodes:
            continue
        neighbours[u].add(v)
        neighbours[v].add(u)
        if (only_set and edge["relation"] not in only_set) or edge["relation"] in exclude_set:
            continue
        hops.setdefault((min(u, v), max(u, v)), []).append(edge)
    lam = 1.0 if hub_penalty else 0.0
    cost = {n: math.log1p(len(neighbours[n])) for n in index.nodes}

    def allowed(node_id: str) -> bool:
        return not via_set or node_id in (source, target) or index.nodes[node_id].get("type") in via_set

    adjacency: dict[str, set[str]] = {}
    for u, v in hops:
        if allowed(u) and allowed(v):
            adjacency.setdefault(u, set()).add(v)
            adjacency.setdefault(v, set()).add(u)
    from_source = _hop_distances(adjacency, source, max_hops)
    from_target = _hop_distances(adjacency, target, max_hops)
    keep = {n for n, d in from_source.items() if d + from_target.get(n, max_hops + 1) <= max_hops}
    if target not in keep:
        raise _no_path(index, source, target, max_hops)

    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(keep))
    w_max = 1.0
    for (u, v) in sorted(hops):
        if u in keep and v in keep:
            weight = 1.0 + lam * (cost[u] + cost[v]) / 2
            w_max = max(w_max, weight)
            graph.add_edge(u, v, weight=weight)

    found: list[list[str]] = []
    limit = max_hops * w_max + 1e-9
    try:
        for scanned, nodes in enumerate(nx.shortest_simple_paths(graph, source, target, "weight")):
            if nx.path_weight(graph, nodes, "weight") > limit or scanned >= MAX_SCAN:
                break
            if len(nodes) - 1 <= max_hops:
                found.append(nodes)
                if len(found) == paths:
                    break
    except nx.NetworkXNoPath:
        pass
    if not found:
        raise _no_path(index, source, target, max_hops)
    return [_make_path(index, graph, nodes, hops) for nodes in found]


def _hop_distances(adjacency: dict[str, set[str]], start: str, limit: int) -> dict[str, int]:
    """Breadth-first hop counts from ``start``, up to ``limit`` hops."""
    distances = {start: 0}
    frontier = [start]
    for depth in range(1, limit + 1):
        frontier = [m for n in frontier for m in sorted(adjacency.get(n, ())) if m not in distances]
        for m in frontier:
            distances.setdefault(m, depth)
    return distances


def _no_path(index: Index, source: str, target: str, max_hops: int) -> NoPath:
    return NoPath(
        f"no path between {index.label(source)} and {index.label(target)} within "
        f"{max_hops} hops (try a larger --max-hops or fewer --only/--exclude/--via filters)"
    )


def _make_path(
    index: Index, graph: Any, nodes: list[str], hops: dict[tuple[str, str], list[dict[str, Any]]]
) -> Path:
    made = []
    weight = 0.0
    for u, v in zip(nodes, nodes[1:], strict=False):
        weight += graph[u][v]["weight"]
        edges = sorted(hops[(min(u, v), max(u, v))], key=lambda e: (e["relation"], e["source"]))
        steps = tuple(
            Step(e["source"], e["target"], e["relation"], tuple(e.get("evidence", [])),
                 e["source"] == u)
            for e in edges
        )
        made.append(Hop(u, v, steps))
    return Path(tuple(nodes), tuple(made), weight)


@dataclass
class Card:
    """Everything the graph knows about one entity."""

    node: dict[str, Any]
    outgoing: list[dict[str, Any]]  # edges with the entity as source
    incoming: list[dict[str, Any]]  # edges with the entity as target
    observations: list[dict[str, Any]]  # sorted by year (unknown last), measure
    documents: list[dict[str, Any]]  # {"id", "number", "date", "title", "path"}
    index: Index = field(repr=False)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready card."""
        idx = self.index
        return {
            "id": self.node["id"],
            "label": self.node["label"],
            "type": self.node.get("type"),
            "aliases": list(self.node.get("aliases", [])),
            "outgoing": [_edge_json(idx, e["source"], e["relation"], e["target"], e.get("evidence", []))
                         for e in self.outgoing],
            "incoming": [_edge_json(idx, e["source"], e["relation"], e["target"], e.get("evidence", []))
                         for e in self.incoming],
            "observations": [
                o | {"number": source_of(idx, o.get("evidence", {}).get("doc", ""))[0]}
                for o in self.observations
            ],
            "documents": self.documents,
        }


def card(index: Index, name: str) -> Card:
    """The card of the entity called ``name``: type, aliases, relations, observations, documents."""
    node = find_node(index, name)
    node_id = node["id"]

    def order(edge: dict[str, Any]) -> tuple[str, str, str]:
        return edge["relation"], index.label(edge["source"]), index.label(edge["target"])

    outgoing = sorted((e for e in index.edges if e["source"] == node_id), key=order)
    incoming = sorted((e for e in index.edges if e["target"] == node_id and e["source"] != node_id),
                      key=order)
    observations = sorted(
        node.get("observations", []),
        key=lambda o: (o.get("year") is None, o.get("year") or 0, o.get("measure", ""),
                       o.get("value", 0)),
    )
    documents = []
    def by_date(doc_id: str) -> tuple[bool, str, str]:
        date = (index.documents.get(doc_id) or {}).get("date")
        return date is None, date or "", doc_id

    for doc_id in sorted(node.get("docs", []), key=by_date):
        doc = index.documents.get(doc_id) or {}
        documents.append({"id": doc_id, "number": doc.get("number"), "date": doc.get("date"),
                          "title": doc.get("title"), "path": doc.get("path")})
    return Card(node, outgoing, incoming, observations, documents, index)


_MARKUP = re.compile(r"\*\*|^#+[ \t]*|\s*\n\s*", re.MULTILINE)


def shorten(text: str, names: list[str] | tuple[str, ...] = (), width: int = 80) -> str:
    """An evidence sentence cut to about ``width`` characters around the first of ``names`` found.

    Markup (``**``, ``#``) and line breaks are removed; cut ends are marked with ``…``.
    """
    text = re.sub(r"[ \t\u3000]+", " ", _MARKUP.sub("", text)).strip()
    if len(text) <= width:
        return text
    hits = [(text.find(n), n) for n in names if n and n in text]
    if hits:
        start, name = min(hits)
        centre = start + len(name) // 2
    else:
        centre = 0
    lo = max(0, min(centre - width // 2, len(text) - width))
    hi = lo + width
    return ("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else "")
