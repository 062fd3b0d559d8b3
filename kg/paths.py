"""What connects X to Y, name lookup and entity cards, over the prepared index ``build/graph.json``.

Loads ``graph.json`` with :mod:`json` only (never rdflib or spaCy), so it is fast.

**Names** (:func:`lookup`): a query is resolved by exact label, then exact alias, then a
unique match after :func:`kg.names.name_key` (NFKC, case folded, no spaces or quote marks),
then — for ``kg connect`` — a document's 文号 or id. Anything fuzzier is said: a name contained
in exactly one node's names is taken and :meth:`Match.note` tells which node was chosen and
what else was close; a name contained in several raises :class:`AmbiguousName` with the
candidates; otherwise :class:`kg.errors.EntityNotFound` lists the closest names (difflib).

**Paths** (:func:`connect`): the ``paths`` lightest simple paths of at most ``max_hops`` hops
over typed relations and the document layer — same sentence, same paragraph, same document,
document issuer — with the weights and search of :mod:`kg._links` (typed hops first, hubs
penalised). Every hop carries its kind and its evidence. ``NoPath`` says why nothing was
found: the pair shares nothing at all, or the filters exclude every path, or the shortest
path is longer than ``max_hops`` (and how long it is).

Example::

    >>> index = load_index("build")  # doctest: +SKIP
    >>> [[h.kind for h in p.hops] for p in connect(index, "高企贷", "InnoMatch")]  # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from kg._index import Index, load_index
from kg._links import KIND_LABELS, LAYERS, Links, build_links, document_node, k_paths, min_hops
from kg.errors import AmbiguousName, EntityNotFound, InputError, NoPath
from kg.model import ENTITY_TYPES, RELATION_LABELS, RELATIONS, base_type
from kg.names import name_key

__all__ = [
    "Index",
    "Match",
    "AmbiguousName",
    "Step",
    "Hop",
    "Path",
    "Card",
    "load_index",
    "lookup",
    "find_node",
    "connect",
    "card",
    "document_json",
    "source_of",
    "url_of",
    "shorten",
]


@dataclass(frozen=True)
class Match:
    """How a query name was resolved: the node, by what rule, and the close alternatives."""

    query: str
    id: str
    label: str
    how: str  # "iri", "label", "alias", "normalised", "document" or "contains"
    alternatives: tuple[str, ...] = ()

    @property
    def guessed(self) -> bool:
        """True when no name of the node equals the query (it only contains it)."""
        return self.how == "contains"

    def note(self) -> str | None:
        """What was chosen when the query was not a name, e.g. ``科技部 → 科技部火炬中心 (…)``."""
        if not self.guessed:
            return None
        closest = f"; closest: {', '.join(self.alternatives)}" if self.alternatives else ""
        return f"{self.query} → {self.label} (no node is named {self.query}{closest})"


def lookup(index: Index, name: str, *, documents: bool = False) -> Match:
    """Resolve ``name`` to one node: exact label, alias, normalised name, then containment.

    With ``documents``, a document's 文号 or id names its document node too. Raises
    :class:`AmbiguousName` when several nodes fit and :class:`~kg.errors.EntityNotFound`
    (with the closest names) when none does.
    """
    query = name.strip()
    key = name_key(query)
    if not key:
        raise EntityNotFound(name)
    if query in index.nodes or (documents and index.document_id(query)):
        return Match(query, query, index.label(query), "iri")
    named, keyed = index.named(query), index.keyed(key)
    for table, kind, how in ((named, "label", "label"), (named, "alias", "alias"),
                             (keyed, "label", "normalised"), (keyed, "alias", "normalised")):
        found = sorted({i for k, i in table if k == kind})
        if len(found) == 1:
            return Match(query, found[0], index.label(found[0]), how)
        if found:
            raise AmbiguousName(name, [index.label(i) for i in found])
    if documents:
        for doc_id, doc in sorted(index.documents.items()):
            if key in (name_key(doc_id), name_key(doc.get("number") or "")):
                node_id = document_node(doc_id)
                return Match(query, node_id, index.label(node_id), "document")
    containing = sorted(index.containing(key), key=lambda i: (len(index.label(i)), index.label(i)))
    if len(containing) == 1 and len(key) >= 2:
        chosen = containing[0]
        return Match(query, chosen, index.label(chosen), "contains",
                     tuple(_closest(index, key, exclude={chosen}, n=3)))
    if len(containing) > 1 and len(key) >= 2:
        raise AmbiguousName(name, [index.label(i) for i in containing[:8]])
    suggestions = [index.label(i) for i in containing[:5]]
    for label in _closest(index, key, exclude=set(containing), n=5):
        if label not in suggestions:
            suggestions.append(label)
    raise EntityNotFound(name, suggestions[:5])


def _closest(index: Index, key: str, *, exclude: set[str], n: int) -> list[str]:
    """Labels of the nodes whose names are closest to ``key`` (difflib), best first."""
    out: list[str] = []
    for close in difflib.get_close_matches(key, index.all_keys(), n=3 * n, cutoff=0.4):
        for _, node_id in index.keyed(close):
            label = index.label(node_id)
            if node_id not in exclude and label not in out:
                out.append(label)
    return out[:n]


def find_node(index: Index, name: str) -> dict[str, Any]:
    """The node called ``name`` (see :func:`lookup`)."""
    return index.nodes[lookup(index, name).id]


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
    """A move from ``start`` to ``end`` of one kind (:data:`kg._links.KINDS`).

    ``steps`` are the typed edges of a ``relation`` hop; ``evidence`` the sentences of the
    other kinds (``entity`` says whose sentence it is when the two are not in one sentence);
    ``document`` the document of a ``document``/``mention``/``issued`` hop — for a
    ``document`` hop the one the path goes through, ``documents`` every one naming both.
    """

    start: str
    end: str
    kind: str
    steps: tuple[Step, ...] = ()
    evidence: tuple[dict[str, Any], ...] = ()
    document: str | None = None
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Path:
    """A simple path: its node ids (documents included), hops and total weight."""

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]
    weight: float

    def to_json(self, index: Index) -> dict[str, Any]:
        """A JSON-ready description with labels, hop kinds and evidence sources."""
        return {
            "weight": round(self.weight, 4),
            "hops": len(self.hops),
            "kinds": [hop.kind for hop in self.hops],
            "nodes": [index.ref(n) for n in self.nodes],
            "steps": [_hop_json(index, hop) for hop in self.hops],
        }


def _hop_json(index: Index, hop: Hop) -> dict[str, Any]:
    zh, en = KIND_LABELS[hop.kind]
    out: dict[str, Any] = {"from": hop.start, "to": hop.end, "kind": hop.kind, "kind_zh": zh,
                           "kind_en": en, "edges": [], "evidence": [_sourced(index, ev) for ev in hop.evidence]}
    for s in hop.steps:
        out["edges"].append(_edge_json(index, s.source, s.relation, s.target, s.evidence)
                            | {"direction": "forward" if s.forward else "backward"})
    docs = hop.documents or ((hop.document,) if hop.document else ())
    if docs:
        out["documents"] = [document_json(index, d) for d in docs]
    return out


def document_json(index: Index, doc_id: str) -> dict[str, Any]:
    """A document as evidence of a document hop: id, 文号, date, title, issuer."""
    doc = index.documents.get(doc_id) or {}
    issuer = doc.get("issuer")
    return {"id": doc_id, "number": doc.get("number"), "date": doc.get("date"), "title": doc.get("title"),
            "issuer": index.label(issuer) if isinstance(issuer, str) and issuer in index.nodes else doc.get("agency")}


def source_of(index: Index, doc_id: str) -> tuple[str, str | None]:
    """``(文号 or file id, ISO date — or the year when only that is known — or None)``."""
    doc = index.documents.get(doc_id) or {}
    when = doc.get("date") or (str(doc["year"]) if doc.get("year") else None)
    return str(doc.get("number") or doc_id), when


def url_of(index: Index, doc_id: str) -> str | None:
    """The address the document was published at (from the build's manifest), if known."""
    return (index.documents.get(doc_id) or {}).get("url")


def _sourced(index: Index, ev: dict[str, Any]) -> dict[str, Any]:
    doc_id = ev.get("doc", "")
    return ev | dict(zip(("number", "date"), source_of(index, doc_id), strict=True)) | {"url": url_of(index, doc_id)}


def _edge_json(
    index: Index, source: str, relation: str, target: str, evidence: Any
) -> dict[str, Any]:
    return {
        "source": index.ref(source),
        "relation": relation,
        "relation_zh": RELATION_LABELS.get(relation, (relation, relation))[0],
        "target": index.ref(target),
        "evidence": [_sourced(index, ev) for ev in evidence],
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

    ``x``/``y`` are names (see :func:`lookup`; a document's 文号 works too). ``only`` and
    ``exclude`` take relation names and the layers ``sentence``, ``paragraph``,
    ``document``; ``via`` restricts intermediate entities to the given types. Raises
    ``EntityNotFound`` for an unknown name, ``InputError`` for bad options and ``NoPath``
    (with the reason) when nothing connects them.
    """
    if max_hops < 1 or paths < 1:
        raise InputError("--max-hops and --paths must be at least 1")
    kinds = (*RELATIONS, *LAYERS)
    only_set = _check(only, kinds, "--only")
    exclude_set = _check(exclude, kinds, "--exclude")
    via_set = _check(via, ENTITY_TYPES, "--via")
    source = lookup(index, x, documents=True).id
    target = lookup(index, y, documents=True).id
    if source == target:
        raise InputError(f"{x!r} and {y!r} name the same entity ({index.label(source)})")
    filtered = bool(only_set or exclude_set or via_set)
    if filtered or not hub_penalty:
        links = build_links(index.nodes.values(), index.edges, index.documents, only=only_set,
                            exclude=exclude_set, hub_penalty=hub_penalty)
    else:
        links = index.links()

    def via_only(key: Any) -> bool:
        node = index.nodes.get(links.node(key))
        return node is None or base_type(node.get("type", "")) in via_set

    usable = via_only if via_set else None

    found = k_paths(links, links.key(source), links.key(target), paths, max_hops, usable)
    if not found:
        raise _no_path(index, links, source, target, max_hops, filtered, usable)
    return [_make_path(index, links, nodes, weight) for nodes, weight in found]


def _no_path(index: Index, links: Links, source: str, target: str, max_hops: int, filtered: bool,
             usable: Any) -> NoPath:
    """The true reason there is no path to report."""
    a, b = index.label(source), index.label(target)
    whole = index.links()
    everything = min_hops(whole, whole.key(source), whole.key(target))
    if everything is None:
        return NoPath(f"{a} and {b} share nothing: no relation, sentence, paragraph or document "
                      "links them, directly or through other entities")
    shortest = min_hops(links, links.key(source), links.key(target), usable) if filtered else everything
    if shortest is None:
        return NoPath(f"no path between {a} and {b} with these --only/--exclude/--via filters; "
                      f"without them the shortest path has {everything} hop(s)")
    if shortest > max_hops:
        return NoPath(f"no path between {a} and {b} within {max_hops} hops; the shortest has "
                      f"{shortest}: try --max-hops {shortest}")
    return NoPath(f"no path of at most {max_hops} hops between {a} and {b} among the lightest "
                  f"paths examined (the shortest has {shortest} hop(s)); try --no-hub-penalty")


def _make_path(index: Index, links: Links, keys: list[Any], weight: float) -> Path:
    """The path through ``keys`` (nodes of ``links``) with its hops and their evidence."""
    hops: list[Hop] = []
    node = links.node
    i = 0
    while i < len(keys) - 1:
        u, v = keys[i], keys[i + 1]
        if links.is_document(v) and i + 2 < len(keys):  # entity — document — entity
            w = keys[i + 2]
            evidence = []
            for doc in links.shared_documents(u, w):
                evidence += _doc_sentences(index, links.link(u, doc)) + _doc_sentences(index, links.link(doc, w))
            hops.append(Hop(node(u), node(w), "document", evidence=tuple(evidence), document=links.documents[v],
                            documents=tuple(links.documents[d] for d in links.shared_documents(u, w))))
            i += 2
            continue
        hops.append(_hop(index, links, u, v))
        i += 1
    return Path(tuple(node(k) for k in keys), tuple(hops), weight)


def _sentence(index: Index, doc_id: str, i: int, entity: str | None = None) -> dict[str, Any]:
    start, end, _paragraph, text = index.documents[doc_id]["sentences"][i]
    ev = {"doc": doc_id, "start": start, "end": end, "text": text}
    return ev | {"entity": entity} if entity else ev


def _doc_sentences(index: Index, link: Any) -> list[dict[str, Any]]:
    """The entity's first sentence in the document of a mention/issued link."""
    entity = link.u if link.u in index.nodes else link.v
    return [_sentence(index, doc_id, i, entity) for doc_id, i in link.refs]


def _hop(index: Index, links: Links, a: Any, b: Any) -> Hop:
    link = links.link(a, b)
    u, v = links.node(a), links.node(b)
    if link.kind == "relation":
        edges = sorted((index.edges[j] for j in link.edges), key=lambda e: (e["relation"], e["source"]))
        steps = tuple(Step(e["source"], e["target"], e["relation"], tuple(e.get("evidence", [])),
                           e["source"] == u) for e in edges)
        return Hop(u, v, "relation", steps=steps)
    if link.kind == "sentence":
        return Hop(u, v, "sentence", evidence=tuple(_sentence(index, d, i) for d, i in link.refs))
    if link.kind == "paragraph":
        evidence = []
        for doc_id, i, j in link.refs:
            evidence += [_sentence(index, doc_id, i, link.u), _sentence(index, doc_id, j, link.v)]
        return Hop(u, v, "paragraph", evidence=tuple(evidence))
    doc_node = a if links.is_document(a) else b
    return Hop(u, v, link.kind, evidence=tuple(_doc_sentences(index, link)),
               document=links.documents[doc_node])


@dataclass
class Card:
    """Everything the graph knows about one entity."""

    node: dict[str, Any]
    outgoing: list[dict[str, Any]]  # edges with the entity as source
    incoming: list[dict[str, Any]]  # edges with the entity as target
    observations: list[dict[str, Any]]  # sorted by year (unknown last), measure
    documents: list[dict[str, Any]]  # {"id", "number", "date", "title", "path", "url"}
    index: Index = field(repr=False)
    match: Match | None = None  # how the query name was resolved

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
                o | {"number": source_of(idx, o.get("evidence", {}).get("doc", ""))[0],
                     "url": url_of(idx, o.get("evidence", {}).get("doc", ""))}
                for o in self.observations
            ],
            "documents": self.documents,
        }


def card(index: Index, name: str) -> Card:
    """The card of the entity called ``name``: type, aliases, relations, observations, documents."""
    match = lookup(index, name)
    node = index.nodes[match.id]
    node_id = node["id"]

    def order(edge: dict[str, Any]) -> tuple[str, str, str]:
        return edge["relation"], index.label(edge["source"]), index.label(edge["target"])

    outgoing = sorted(index.edges_of(node_id, "source"), key=order)
    incoming = sorted((e for e in index.edges_of(node_id, "target") if e["source"] != node_id), key=order)
    observations = sorted(
        node.get("observations", []),
        key=lambda o: (o.get("year") is None, o.get("year") or 0, o.get("measure", ""),
                       o.get("value", 0)),
    )

    def by_date(doc_id: str) -> tuple[bool, str, str]:
        date = (index.documents.get(doc_id) or {}).get("date")
        return date is None, date or "", doc_id

    documents = []
    for doc_id in sorted(node.get("docs", []), key=by_date):
        doc = index.documents.get(doc_id) or {}
        documents.append({"id": doc_id, "number": doc.get("number"), "date": doc.get("date"),
                          "title": doc.get("title"), "path": doc.get("path"), "url": doc.get("url")})
    return Card(node, outgoing, incoming, observations, documents, index, match)


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
