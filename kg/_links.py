"""The hops that ``kg connect`` and the explorer's path mode walk, and the k-paths search.

A *link* joins two nodes of the path graph and has a *kind*, strongest first:

========== ======= ============================================================ ============
kind       zh      what it says                                                 base weight
========== ======= ============================================================ ============
relation   关系    a typed edge (administeredBy, targets …) with its sentences  1
sentence   同句    both entities are named in one sentence                      1 + H
paragraph  同段    both are named in one paragraph (or heading + its text)      2 + H
document   同文    both are named in one document (entity — document — entity)  3 + H
========== ======= ============================================================ ============

Documents are nodes of the path graph: an entity is linked to every document that mentions
it (``mention``, 提及) and a document to the agency that issued it (``issued``, 发文), each
such half-link weighing half a document hop. Entity — document — entity is shown as one hop
of kind ``document``; a document at either end of a path as a ``mention``/``issued`` hop.

Weights: ``base(kind) + (c(u) + c(v)) / 2`` where ``c(n) = H·tanh(ln(1 + deg n) / H)`` is the
hub penalty of node ``n`` (``deg`` = distinct neighbours over typed and same-sentence links;
documents have ``c = 0``), :data:`HUB_CAP` ``H = 6``. ``c`` grows like ``ln(1 + deg)`` for
ordinary nodes and stays below ``H``, so every typed hop weighs less than ``1 + H`` and a
path of n typed hops always beats a path of n co-mention hops, whatever the hubs.

The search (:func:`k_paths`) is Yen's algorithm over Dijkstra with fixed tie-breaks (node
rank = position in :attr:`Links.order`: entity IRIs sorted, then document IRIs sorted); the
explorer runs the same algorithm in JavaScript over the same links, weights and ranks, which
:func:`page_links` writes into the page.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kg.model import RELATIONS

__all__ = [
    "HUB_CAP",
    "LAYERS",
    "KINDS",
    "KIND_LABELS",
    "BASE_WEIGHT",
    "MAX_SCAN",
    "Link",
    "Links",
    "build_links",
    "document_pairs",
    "sample_sentence",
    "node_penalty",
    "link_weight",
    "k_paths",
    "hop_count",
    "min_hops",
    "page_links",
]

#: Upper bound of a node's hub penalty; also the gap between typed and co-mention hops.
HUB_CAP = 6.0

#: Co-mention layers that ``--only``/``--exclude`` can name besides the relations.
LAYERS = ("sentence", "paragraph", "document")

#: Every hop kind, strongest first.
KINDS = ("relation", "sentence", "paragraph", "document", "mention", "issued")

#: Chinese and English names of the hop kinds.
KIND_LABELS: dict[str, tuple[str, str]] = {
    "relation": ("关系", "relation"),
    "sentence": ("同句", "in one sentence"),
    "paragraph": ("同段", "in one paragraph"),
    "document": ("同文", "in one document"),
    "mention": ("提及", "mentioned in"),
    "issued": ("发文", "issued by"),
}

#: Base weight of a hop of each kind (half of ``document`` for ``mention``/``issued`` links).
BASE_WEIGHT: dict[str, float] = {
    "relation": 1.0,
    "sentence": 1.0 + HUB_CAP,
    "paragraph": 2.0 + HUB_CAP,
    "document": 3.0 + HUB_CAP,
    "mention": (3.0 + HUB_CAP) / 2,
    "issued": (3.0 + HUB_CAP) / 2,
}

#: How many paths the search accepts at most before giving up on finding ``k`` short ones.
MAX_SCAN = 200

_ENDS = tuple("。！？!?；;")


class Link(NamedTuple):
    """A link between nodes ``u`` and ``v`` (``u`` ranked first) of one kind.

    ``edges`` are indexes into the index's ``edges`` (kind ``relation``); ``refs`` locate the
    sentences behind the other kinds: ``(doc, i)`` for ``sentence`` and for the entity's
    sentence of a ``mention``/``issued`` link, ``(doc, i, j)`` for ``paragraph`` (``i`` names
    ``u``, ``j`` names ``v``), ``i`` indexing the document's ``sentences``.
    """

    u: str
    v: str
    kind: str
    weight: float
    span: int  # 2 between entities, 1 between an entity and a document
    edges: tuple[int, ...] = ()
    refs: tuple[tuple[Any, ...], ...] = ()


@dataclass
class Links:
    """The path graph of an index: node order, hub penalties, links and adjacency."""

    order: list[str]
    rank: dict[str, int]
    hub: dict[str, float]
    pairs: dict[tuple[str, str], Link] = field(default_factory=dict)
    adjacency: dict[str, list[str]] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)  # document node id → doc id
    lightest: float = 1.0  # the smallest link weight (a lower bound for the search)
    least: dict[str, float] = field(default_factory=dict)  # node → its lightest link

    def node(self, key: Any) -> str:
        """The node id of a node of this graph (the id itself; see :class:`kg._indexdb.DBLinks`)."""
        return str(key)

    def key(self, node_id: str) -> Any:
        """The node of this graph that stands for ``node_id`` (the id itself)."""
        return node_id

    def link(self, a: str, b: str) -> Link:
        """The link between ``a`` and ``b`` (either order)."""
        return self.pairs[(a, b) if self.rank[a] < self.rank[b] else (b, a)]

    def is_document(self, node_id: str) -> bool:
        """True for the node of a source document."""
        return node_id in self.documents

    def shared_documents(self, a: str, b: str) -> list[str]:
        """Document nodes linked to both ``a`` and ``b``, by rank."""
        docs = set(self.adjacency.get(a, ())) & set(self.adjacency.get(b, ()))
        return sorted((d for d in docs if d in self.documents), key=self.rank.__getitem__)

    def signature(self, path: list[str]) -> tuple[str, ...]:
        """``path`` without its inner documents: paths through the same entities are one path."""
        return (path[0], *(n for n in path[1:-1] if n not in self.documents), path[-1])


def node_penalty(degree: int, cap: float = HUB_CAP) -> float:
    """``c(n)``, the hub penalty of a node with ``degree`` distinct neighbours (0 with ``cap`` 0)."""
    return cap * math.tanh(math.log1p(degree) / HUB_CAP)


def link_weight(kind: str, penalty_u: float, penalty_v: float) -> float:
    """The weight of a link of ``kind`` between nodes of these hub penalties (``u`` ranked first)."""
    return BASE_WEIGHT[kind] + (penalty_u + penalty_v) / 2


def document_node(doc_id: str) -> str:
    """The path-graph node of a source document: its IRI ``res:doc/{id}``."""
    from kg.graph import doc_iri

    return doc_iri(doc_id)


def _allowed(only: Collection[str], exclude: Collection[str]) -> tuple[set[str], set[str]]:
    """Relations and layers to follow given ``--only`` and ``--exclude`` names."""
    if only:
        return set(only) & set(RELATIONS), set(only) & set(LAYERS)
    return set(RELATIONS) - set(exclude), set(LAYERS) - set(exclude)


def build_links(
    nodes: Iterable[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    documents: Mapping[str, Mapping[str, Any]],
    *,
    only: Collection[str] = (),
    exclude: Collection[str] = (),
    hub_penalty: bool = True,
    hub: Mapping[str, float] | None = None,
) -> Links:
    """The path graph of ``graph.json``'s nodes, edges and documents.

    ``only``/``exclude`` name relations and :data:`LAYERS`; hub penalties are computed on
    the unfiltered graph, so filters never change the weight of a hop that remains. ``hub``
    gives the penalties instead (a part of a graph keeps those of the whole).
    """
    by_id = {n["id"]: n for n in nodes}
    doc_nodes = {document_node(d): d for d in documents}
    order = sorted(by_id) + sorted(doc_nodes)
    rank = {n: i for i, n in enumerate(order)}
    relations, layers = _allowed(only, exclude)

    def pair(a: str, b: str) -> tuple[str, str]:
        return (a, b) if rank[a] < rank[b] else (b, a)

    typed: dict[tuple[str, str], list[int]] = defaultdict(list)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for j, edge in enumerate(edges):
        a, b = edge["source"], edge["target"]
        if a == b or a not in by_id or b not in by_id:
            continue
        neighbours[a].add(b)
        neighbours[b].add(a)
        if edge["relation"] in relations:
            typed[(a, b) if rank[a] < rank[b] else (b, a)].append(j)
    sentence, paragraph, first = _co_mentions(by_id, documents, pair)
    for a, b in sentence:
        neighbours[a].add(b)
        neighbours[b].add(a)
    cap = HUB_CAP if hub_penalty else 0.0
    penalty = {n: node_penalty(len(neighbours[n]), cap) for n in by_id}
    if hub is not None:
        penalty.update({n: hub[n] for n in by_id if n in hub})
    penalty.update({d: 0.0 for d in doc_nodes})
    links = Links(order, rank, penalty, documents=doc_nodes)

    pairs = links.pairs  # filled in any order: every reader sorts by rank

    def add(a: str, b: str, kind: str, span: int, edges: tuple[int, ...] = (),
            refs: tuple[tuple[Any, ...], ...] = ()) -> None:
        pairs[(a, b)] = Link(a, b, kind, link_weight(kind, penalty[a], penalty[b]), span, edges, refs)

    for key, found in typed.items():
        add(*key, "relation", 2, edges=tuple(found))
    if "sentence" in layers:
        for key, refs in sentence.items():
            if key not in pairs:
                add(*key, "sentence", 2, refs=tuple(refs))
    if "paragraph" in layers:
        for key, prefs in paragraph.items():
            if key not in pairs:
                add(*key, "paragraph", 2, refs=tuple(prefs))
    if "document" in layers:
        named_in: dict[str, set[str]] = defaultdict(set)
        for node_id, node in by_id.items():
            for doc_id in node.get("docs", ()):
                named_in[doc_id].add(node_id)
        for doc_node, doc_id in sorted(doc_nodes.items()):
            issuer = documents[doc_id].get("issuer")
            if isinstance(issuer, str) and issuer in by_id:
                named_in[doc_id].add(issuer)
            for node_id in sorted(named_in[doc_id]):
                sample = ((doc_id, first[node_id][doc_id]),) if doc_id in first.get(node_id, {}) else ()
                add(node_id, doc_node, "issued" if node_id == issuer else "mention", 1, refs=sample)
    links.lightest = min((link.weight for link in pairs.values()), default=1.0)
    least = links.least
    for link in pairs.values():
        for end in (link.u, link.v):
            if link.weight < least.get(end, math.inf):
                least[end] = link.weight
    for a, b in links.pairs:
        links.adjacency.setdefault(a, []).append(b)
        links.adjacency.setdefault(b, []).append(a)
    for adjacent in links.adjacency.values():
        adjacent.sort(key=rank.__getitem__)
    return links


def _co_mentions(
    by_id: Mapping[str, Mapping[str, Any]],
    documents: Mapping[str, Mapping[str, Any]],
    pair: Callable[[str, str], tuple[str, str]],
) -> tuple[dict[tuple[str, str], list[tuple[str, int]]],
           dict[tuple[str, str], list[tuple[str, int, int]]],
           dict[str, dict[str, int]]]:
    """Pairs named in one sentence / one paragraph, and each node's sample sentence per document
    (:func:`sample_sentence`)."""
    in_sentence: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    first: dict[str, dict[str, int]] = defaultdict(dict)
    for node_id in sorted(by_id):
        for doc_id, found in sorted(by_id[node_id].get("mentions", {}).items()):
            if doc_id not in documents or not found:
                continue
            first[node_id][doc_id] = sample_sentence(documents[doc_id].get("sentences", []), found)
            for i in found:
                in_sentence[doc_id][i].append(node_id)
    sentence: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    paragraph: dict[tuple[str, str], list[tuple[str, int, int]]] = defaultdict(list)
    for doc_id in sorted(in_sentence):
        in_sentences, in_paragraphs = document_pairs(documents[doc_id].get("sentences", []), in_sentence[doc_id], pair)
        for key, i in in_sentences:
            sentence[key].append((doc_id, i))
        for key, i, j in in_paragraphs:
            paragraph[key].append((doc_id, i, j))
    return sentence, paragraph, first


def sample_sentence(rows: Sequence[Sequence[Any]], found: Sequence[int]) -> int:
    """Which of the sentences ``found`` (indexes into a document's ``sentences`` ``rows``) a
    document link shows for an entity: the first that ends like a sentence — not a heading or a
    signature —, else the first."""
    whole = [i for i in found if i < len(rows) and rows[i][3].rstrip("*# \n").endswith(_ENDS)]
    return min(whole or found)


def document_pairs(
    rows: Sequence[Sequence[Any]], in_sentence: Mapping[int, Sequence[Any]], pair: Callable[[Any, Any], tuple[Any, Any]],
) -> tuple[list[tuple[tuple[Any, Any], int]], list[tuple[tuple[Any, Any], int, int]]]:
    """The co-mentions of one document: ``(pair, i)`` for two nodes named in sentence ``i`` and
    ``(pair, i, j)`` for two named in one paragraph (``i`` the first sentence there naming the
    pair's first node, ``j`` the second's), in document order.

    ``in_sentence`` maps a sentence index (into ``rows``, the document's ``sentences``) to the
    nodes it names, in rank order; ``pair(a, b)`` orders two nodes by rank.
    """
    sentence: list[tuple[tuple[Any, Any], int]] = []
    by_paragraph: dict[int, dict[Any, int]] = defaultdict(dict)
    for i in sorted(in_sentence):
        named = in_sentence[i]
        for x, a in enumerate(named):
            for b in named[x + 1:]:
                sentence.append((pair(a, b), i))
        para = rows[i][2] if i < len(rows) else -1 - i
        for node_id in named:
            by_paragraph[para].setdefault(node_id, i)
    paragraph: list[tuple[tuple[Any, Any], int, int]] = []
    for para in sorted(by_paragraph):
        named_at = by_paragraph[para]
        ids = sorted(named_at)
        for x, a in enumerate(ids):
            for b in ids[x + 1:]:
                u, v = pair(a, b)
                paragraph.append(((u, v), named_at[u], named_at[v]))
    return sentence, paragraph


def hop_count(links: Links, path: list[str]) -> int:
    """Hops of ``path`` as shown: entity — document — entity counts as one."""
    inner_docs = sum(links.is_document(n) for n in path[1:-1])
    return len(path) - 1 - inner_docs


def _units(links: Links, start: str, limit: int, usable: Callable[[str], bool] | None,
           bound: Mapping[Any, int] | None = None) -> dict[str, int]:
    """Length in link spans of the shortest walk from ``start`` to every node, up to ``limit``
    (spans are 1 and 2, so a queue per length does instead of a heap).

    With ``bound`` (node → a lower bound of its distance to where the walk must end) only the
    nodes of ``bound`` are entered, and only by walks that can still end within ``limit``.
    """
    fast = getattr(links, "units", None)
    if fast is not None:
        return fast(start, limit, usable, bound)  # type: ignore[no-any-return]
    docs, adjacency = links.documents, links.adjacency
    over = limit + 1
    dist = {start: 0}
    queues: dict[int, list[str]] = {0: [start]}
    d = 0
    while d < limit and queues:  # nodes at the limit have no neighbour within it
        for u in queues.pop(d, ()):
            if dist[u] != d:
                continue
            near = 1 if u in docs else 2
            for v in adjacency.get(u, ()):
                nd = d + (1 if near == 1 or v in docs else 2)
                if (nd <= limit and nd < dist.get(v, over) and (bound is None or nd + bound.get(v, over) <= limit)
                        and (usable is None or usable(v))):
                    dist[v] = nd
                    queues.setdefault(nd, []).append(v)
        d += 1
    return dist


def _within(links: Links, source: Any, target: Any, limit: int, walkable: Callable[[Any], bool] | None) -> set[Any]:
    """Nodes on some walk from ``source`` to ``target`` of at most ``limit`` spans.

    Such a node is at most ``limit // 2`` from one end, and so is every node of its shortest
    walks to either end; so the search from the source to ``limit`` only needs to enter the
    nodes within ``limit // 2`` of an end, and the search from the target only the nodes whose
    distance from the source leaves room to come back (every node of a shortest walk from the
    target to a node on such a walk is on such a walk too). The set is exact without walking
    the whole graph.
    """
    half = limit // 2
    region = set(_units(links, source, half, walkable)) | set(_units(links, target, half, walkable))
    from_source = _units(links, source, limit, walkable, dict.fromkeys(region, 0))
    from_target = _units(links, target, limit, walkable, from_source)
    return {n for n, d in from_target.items() if d + from_source.get(n, limit + 1) <= limit}


def min_hops(links: Links, source: str, target: str, usable: Callable[[str], bool] | None = None) -> int | None:
    """The fewest hops (as shown) between ``source`` and ``target``, or None if unconnected."""
    walkable = None if usable is None else (lambda n: n == target or usable(n))
    dist = _units(links, source, 2 * len(links.order) + 2, walkable)
    if target not in dist:
        return None
    ends = links.is_document(source) + links.is_document(target)
    return (dist[target] + ends) // 2


def _dijkstra(
    links: Links, src: str, dst: str, banned_nodes: set[str], banned_pairs: set[tuple[str, str]],
    keep: set[str],
) -> list[str] | None:
    """Lightest path ``src`` → ``dst`` avoiding nodes and pairs; ties go to the lower rank.

    Once ``dst`` has a tentative distance, a node is not queued when no path through it can
    reach ``dst`` lighter (every link weighs at least ``links.lightest``); heap order depends
    on keys only, so the path found is the one found without this shortcut.
    """
    rank, pairs = links.rank, links.pairs
    dist = {src: 0.0}
    prev: dict[str, str] = {}
    done: set[str] = set()
    heap = [(0.0, rank[src], src)]
    best = math.inf

    def relax(u: str, v: str, d: float) -> float:
        if v in done or v not in keep or v in banned_nodes:
            return best
        key = (u, v) if rank[u] < rank[v] else (v, u)
        if key in banned_pairs:
            return best
        nd = d + pairs[key].weight
        if v != dst and nd + links.lightest >= best:
            return best
        if v not in dist or nd < dist[v]:
            dist[v] = nd
            prev[v] = u
            heapq.heappush(heap, (nd, rank[v], v))
            if v == dst:
                return nd
        return best

    while heap:
        d, _, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        if u == dst:
            break
        if ((u, dst) if rank[u] < rank[dst] else (dst, u)) in pairs:
            best = relax(u, dst, d)  # first, so that the bound prunes u's other neighbours
        if d + links.least.get(u, 0.0) + links.lightest >= best:
            continue  # no neighbour of u can lead to dst lighter
        for v in links.adjacency.get(u, ()):
            if v != dst:
                best = relax(u, v, d)
    if dst not in done:
        return None
    path = [dst]
    while path[-1] != src:
        path.append(prev[path[-1]])
    return path[::-1]


def _cost(links: Links, path: list[str]) -> float:
    cost = 0.0
    for a, b in zip(path, path[1:], strict=False):
        cost += links.link(a, b).weight
    return cost


def k_paths(
    links: Links, source: str, target: str, k: int, max_hops: int,
    usable: Callable[[str], bool] | None = None,
) -> list[tuple[list[str], float]]:
    """The ``k`` lightest simple paths of at most ``max_hops`` hops, with their weights.

    Nodes that cannot lie on such a path are dropped first (shortest walk through them, in
    link spans, longer than ``max_hops`` hops); ``usable(n)`` may exclude intermediate nodes.
    Yen's algorithm then yields paths by increasing weight (ties: the sequence of node
    ranks); at most :data:`MAX_SCAN` paths are examined. Paths that differ only in the
    document of a document hop count as one (:meth:`Links.signature`): when a path takes
    X — document — Y, its spurs at X avoid every document X shares with Y.
    """
    limit = 2 * max_hops - links.is_document(source) - links.is_document(target)

    walkable = None if usable is None else (lambda n: n in (source, target) or usable(n))
    keep = _within(links, source, target, limit, walkable)
    if target not in keep:
        return []
    first = _dijkstra(links, source, target, set(), set(), keep)
    if first is None:
        return []
    rank = links.rank

    def order(p: tuple[float, list[str]]) -> tuple[float, list[int]]:
        return p[0], [rank[n] for n in p[1]]

    def ban(banned: set[tuple[str, str]], a: str, b: str) -> None:
        banned.add((a, b) if rank[a] < rank[b] else (b, a))

    accepted = [(_cost(links, first), first)]
    seen = {links.signature(first)}
    candidates: list[tuple[float, list[str]]] = []
    result = [accepted[0]] if hop_count(links, first) <= max_hops else []
    while len(result) < k and len(accepted) < MAX_SCAN:
        last = accepted[-1][1]
        for i in range(len(last) - 1):
            root = last[: i + 1]
            banned_pairs: set[tuple[str, str]] = set()
            for _, p in accepted:
                if len(p) > i + 1 and p[: i + 1] == root:
                    ban(banned_pairs, p[i], p[i + 1])
                    after = p[i + 2] if links.is_document(p[i + 1]) and len(p) > i + 2 else p[i + 1]
                    if not links.is_document(after) and not links.is_document(p[i]):
                        if (p[i], after) in links.pairs or (after, p[i]) in links.pairs:
                            ban(banned_pairs, p[i], after)  # the direct hop to the same entity
                        for doc in links.shared_documents(p[i], after):  # and every shared document
                            ban(banned_pairs, p[i], doc)
            spur = _dijkstra(links, last[i], target, set(root[:i]), banned_pairs, keep)
            if spur is None:
                continue
            total = root[:i] + spur
            if links.signature(total) in seen:
                continue
            seen.add(links.signature(total))
            candidates.append((_cost(links, total), total))
        if not candidates:
            break
        candidates.sort(key=order)
        best = candidates.pop(0)
        accepted.append(best)
        if hop_count(links, best[1]) <= max_hops:
            result.append(best)
    return [(p, w) for w, p in result]


def page_links(links: Links) -> dict[str, Any]:
    """The path graph as the explorer embeds it: ``[u, v, kind, weight, span, refs]`` by rank."""
    kinds = {k: i for i, k in enumerate(KINDS)}
    rows = []
    for (a, b), link in sorted(links.pairs.items(), key=lambda kv: (links.rank[kv[0][0]], links.rank[kv[0][1]])):
        rows.append([links.rank[a], links.rank[b], kinds[link.kind], link.weight, link.span,
                     [list(r) for r in link.refs[:3]]])
    return {"kinds": list(KINDS), "links": rows, "max_scan": MAX_SCAN}
