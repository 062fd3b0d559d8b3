"""The resolved corpus as RDF (rdflib) and as the prepared ``graph.json`` index.

One function mints every IRI (:func:`iri`). Typed edges are plain triples;
each piece of evidence for an edge is a reified ``stikg:Assertion`` with its
source document, sentence, offsets, rule and confidence; observations are
``stikg:Observation`` nodes with the same provenance. The conventions are
written down in ``docs/ARCHITECTURE.md``.

Example
-------
>>> from kg.pipeline import build_corpus          # doctest: +SKIP
>>> g = to_rdf(build_corpus(["seeds"]).corpus)    # doctest: +SKIP
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kg._index import INDEX_VERSION, document_creator, entities_by_name, graph_counts, read_index
from kg.model import (
    SYMMETRIC_RELATIONS,
    Corpus,
    Document,
    Entity,
    Observation,
    Relation,
    Sentence,
    base_type,
)
from kg.names import clean_name
from kg.readers import MEDIA_TYPES, Format

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

__all__ = [
    "STIKG",
    "RES",
    "iri",
    "entity_iri",
    "doc_iri",
    "doc_json",
    "to_quads",
    "document_quads",
    "entity_quads",
    "mention_quads",
    "relation_quads",
    "observation_quads",
    "to_rdf",
    "to_dataset",
    "write_nquads",
    "to_index",
    "PREFIXES",
    "INDEX_VERSION",
    "read_index",
    "graph_counts",
    "ontology_quads",
]

STIKG = "https://w3id.org/stikg/ontology#"
RES = "https://w3id.org/stikg/resource/"

PREFIXES = {
    "stikg": STIKG,
    "res": RES,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}


@functools.lru_cache(maxsize=1 << 16)
def iri(kind: str, name: str) -> str:
    """The IRI of a resource: ``res:{kind}/{name}``, Chinese kept, unsafe characters escaped.

    ``name`` is taken in its :func:`kg.names.clean_name` form (NFKC, no whitespace or quote
    marks, case kept).

    >>> iri("Agency", "上海市科学技术委员会")
    'https://w3id.org/stikg/resource/Agency/上海市科学技术委员会'
    """
    name = clean_name(name)
    safe = "".join(ch if ord(ch) > 127 else quote(ch, safe="-._~()!$&*+,;=:@") for ch in name)
    return f"{RES}{kind}/{safe}"


def entity_iri(label: str, etype: str, scope: str | None = None) -> str:
    """The IRI of an entity: its base type, its scope when it has one, and its canonical label
    (``res:Program/浙江/创新券`` for the 创新券 of 浙江).

    >>> entity_iri("创新券", "Voucher", "浙江")
    'https://w3id.org/stikg/resource/Program/浙江/创新券'
    """
    kind = base_type(etype)
    return iri(f"{kind}/{iri('', scope)[len(RES) + 1:]}", label) if scope else iri(kind, label)


def doc_iri(doc_id: str) -> str:
    return iri("doc", doc_id)


def _hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


# Quads are plain tuples of N-Triples terms, so serialising them is a sort and a join.
Quad = tuple[str, str, str, str]


def _u(x: str) -> str:
    return f"<{x}>"


def _lit(value: str, lang: str | None = None, dtype: str | None = None) -> str:
    esc = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    if lang:
        return f'"{esc}"@{lang}'
    if dtype:
        return f'"{esc}"^^<{PREFIXES["xsd"]}{dtype}>'
    return f'"{esc}"'


def _num(value: float) -> str:
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = f"{value:.10f}".rstrip("0")
    if text.endswith(".0"):
        text = text[:-2] + ".0"
    return _lit(text, dtype="decimal")


def _int(value: int) -> str:
    return _lit(str(int(value)), dtype="integer")


def to_quads(corpus: Corpus) -> list[Quad]:
    """The whole graph as sorted, de-duplicated N-Quads terms.

    Graph names: ``res:graph/{doc id}`` for what a document states,
    ``res:graph/entities`` for entity descriptions. The pieces (:func:`document_quads`,
    :func:`entity_quads`, :func:`mention_quads`, :func:`relation_quads`,
    :func:`observation_quads`) are what the streaming build writes document by document.
    """
    eiri = {e.key: entity_iri(e.label, e.type, e.scope) for e in corpus.entities}
    by_name = entities_by_name(corpus.entities)
    quads: set[Quad] = set()
    for d in corpus.documents:
        creator = document_creator(corpus, d, by_name=by_name)
        quads.update(document_quads(d, eiri[creator.key] if creator is not None else None))
    for e in corpus.entities:
        quads.update(entity_quads(e, eiri[e.key]))
        for doc_id in sorted({d for d, _, _ in e.mentions}):
            quads.update(mention_quads(eiri[e.key], doc_id))
    for r in corpus.relations:
        quads.update(relation_quads(r, eiri))
    for o in corpus.observations:
        quads.update(observation_quads(o, eiri))
    return sorted(quads)


_RDF, _RDFS, _SKOS, _PROV, _DCT = (PREFIXES[k] for k in ("rdf", "rdfs", "skos", "prov", "dcterms"))


def document_quads(d: Document, creator: str | None) -> Iterator[Quad]:
    """What the graph says about source document ``d`` (``creator``: the IRI of its issuer entity)."""
    g = _u(iri("graph", d.id))
    s = _u(doc_iri(d.id))
    yield s, _u(_RDF + "type"), _u(STIKG + "SourceDocument"), g
    yield s, _u(_RDF + "type"), _u(_PROV + "Entity"), g
    # where the document came from: its address when the manifest gives one, else its file name
    yield s, _u(_DCT + "source"), _u(_web_iri(d.meta.url)) if d.meta.url else _lit(_basename(d.path)), g
    yield s, _u(STIKG + "fileName"), _lit(_basename(d.path)), g
    yield s, _u(STIKG + "textFile"), _lit(f"texts/{d.id}.txt"), g
    yield s, _u(_DCT + "format"), _lit(MEDIA_TYPES[Format(d.format)]), g
    if d.meta.publisher:
        yield s, _u(_DCT + "publisher"), _lit(d.meta.publisher, "zh"), g
    yield s, _u(_RDFS + "label"), _lit(d.meta.number or d.meta.title or d.id, "zh"), g
    if d.sha256:
        yield s, _u(STIKG + "sha256"), _lit(d.sha256), g
    m = d.meta
    if m.number:
        yield s, _u(_DCT + "identifier"), _lit(m.number), g
    if m.date:
        yield s, _u(_DCT + "date"), _lit(m.date, dtype="date"), g
    if m.year:
        yield s, _u(STIKG + "year"), _int(m.year), g
    if m.title:
        yield s, _u(_DCT + "title"), _lit(m.title, "zh"), g
    if m.proposal_number:
        yield s, _u(STIKG + "proposalNumber"), _lit(m.proposal_number), g
    if m.session:
        yield s, _u(STIKG + "session"), _lit(m.session, "zh"), g
    for a in m.addressees:
        yield s, _u(STIKG + "addressee"), _lit(a, "zh"), g
    if m.agency:
        if creator is not None:
            yield s, _u(_DCT + "creator"), _u(creator), g
        else:
            yield s, _u(STIKG + "issuingAgency"), _lit(m.agency, "zh"), g


def entity_quads(e: Entity, node: str) -> Iterator[Quad]:
    """The description of entity ``e`` (IRI ``node``) in ``res:graph/entities``."""
    g = _u(iri("graph", "entities"))
    s = _u(node)
    yield s, _u(_RDF + "type"), _u(STIKG + e.type), g
    yield s, _u(_SKOS + "prefLabel"), _lit(e.display_label, "zh"), g
    yield s, _u(_RDFS + "label"), _lit(e.display_label, "zh"), g
    for a in ([e.label] if e.scope else []) + list(e.aliases):
        yield s, _u(_SKOS + "altLabel"), _lit(a, "zh"), g
    if e.scope:
        yield s, _u(STIKG + "jurisdiction"), _lit(e.scope, "zh"), g


def mention_quads(node: str, doc_id: str) -> Iterator[Quad]:
    """Entity ``node`` is mentioned in document ``doc_id`` (in that document's graph)."""
    g = _u(iri("graph", doc_id))
    yield _u(node), _u(STIKG + "mentionedIn"), _u(doc_iri(doc_id)), g
    yield _u(node), _u(_PROV + "wasDerivedFrom"), _u(doc_iri(doc_id)), g


def relation_quads(r: Relation, eiri: Mapping[str, str]) -> Iterator[Quad]:
    """The edge of ``r`` and its reified assertion with provenance (nothing if an end is unknown)."""
    if r.head not in eiri or r.tail not in eiri:
        return
    g = _u(iri("graph", r.evidence.doc))
    h, t, p = _u(eiri[r.head]), _u(eiri[r.tail]), _u(STIKG + r.relation)
    yield h, p, t, g
    st = _u(iri("statement", _hash(r.head, r.relation, r.tail, r.evidence.doc, r.evidence.start, r.evidence.end)))
    yield st, _u(_RDF + "type"), _u(STIKG + "Assertion"), g
    yield st, _u(_RDF + "type"), _u(_RDF + "Statement"), g
    yield st, _u(_RDF + "subject"), h, g
    yield st, _u(_RDF + "predicate"), p, g
    yield st, _u(_RDF + "object"), t, g
    yield from _provenance(st, r.evidence, r.rule, g)
    yield st, _u(STIKG + "confidence"), _num(r.confidence), g


def observation_quads(o: Observation, eiri: Mapping[str, str]) -> Iterator[Quad]:
    """Observation ``o`` as a ``stikg:Observation`` node with provenance (nothing if its subject is unknown)."""
    if o.subject not in eiri:
        return
    g = _u(iri("graph", o.evidence.doc))
    ob = _u(iri("observation", _hash(o.subject, o.measure, o.value, o.unit, o.year, o.evidence.doc, o.evidence.start)))
    subj = _u(eiri[o.subject])
    yield ob, _u(_RDF + "type"), _u(STIKG + "Observation"), g
    yield ob, _u(STIKG + "subject"), subj, g
    yield subj, _u(STIKG + "hasObservation"), ob, g
    yield ob, _u(STIKG + "measure"), _lit(o.measure, "zh"), g
    yield ob, _u(STIKG + "value"), _num(o.value), g
    yield ob, _u(STIKG + "unit"), _lit(o.unit), g
    if o.year is not None:
        yield ob, _u(STIKG + "year"), _int(o.year), g
    if o.qualifier:
        yield ob, _u(STIKG + "qualifier"), _lit(o.qualifier, "zh"), g
    yield from _provenance(ob, o.evidence, o.rule, g)


def _provenance(node: str, ev: Any, rule: str, g: str) -> Iterator[Quad]:
    yield node, _u(PREFIXES["prov"] + "wasDerivedFrom"), _u(doc_iri(ev.doc)), g
    yield node, _u(STIKG + "evidenceText"), _lit(ev.text, "zh"), g
    yield node, _u(STIKG + "startOffset"), _int(ev.start), g
    yield node, _u(STIKG + "endOffset"), _int(ev.end), g
    yield node, _u(STIKG + "rule"), _lit(rule), g


def _web_iri(url: str) -> str:
    """``url`` with the characters an IRI cannot hold (spaces, ``<>"{}|\\^```) percent-encoded."""
    return "".join(f"%{ord(ch):02X}" if ch in ' <>"{}|\\^`' or ord(ch) < 0x21 else ch for ch in url)


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def write_nquads(quads: list[Quad], fh: Any) -> None:
    """Write quads as N-Quads, one sorted line each."""
    for s, p, o, g in quads:
        fh.write(f"{s} {p} {o} {g} .\n")


def to_dataset(quads: list[Quad]) -> Dataset:
    """An rdflib Dataset with one named graph per source document."""
    from rdflib import Dataset

    ds = Dataset()
    text = "".join(f"{s} {p} {o} {g} .\n" for s, p, o, g in quads)
    ds.parse(data=text, format="nquads")
    return ds


def to_rdf(quads: list[Quad]) -> Graph:
    """An rdflib Graph of all triples (graph names dropped), with the stikg prefixes bound."""
    from rdflib import Graph

    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    text = "".join(f"{s} {p} {o} .\n" for s, p, o, _ in quads)
    g.parse(data=text, format="nt")
    return g


def to_index(
    corpus: Corpus,
    *,
    sentences: Mapping[str, Sequence[Sentence]] | None = None,
    layer: Mapping[str, tuple[list[Any], Mapping[str, list[int]]]] | None = None,
) -> dict[str, Any]:
    """The ``graph.json`` object of ``corpus``.

    Parameters
    ----------
    corpus : Corpus
        The resolved corpus.
    sentences : mapping, optional
        Document id → its sentences in clean offsets (``kg.documents.split_sentences``, passed
        in by the pipeline); the sentence layer is written for the documents given here.
    layer : mapping, optional
        Document id → ``(rows, hits)`` of :func:`kg._doclayer.document_sentences`, computed
        beforehand (the streaming build does, document by document, while it has the text).

    Returns
    -------
    dict
        The index, schema version :data:`INDEX_VERSION` (docs/ARCHITECTURE.md, "graph.json").
    """
    from kg._doclayer import document_sentences

    eiri = {e.key: entity_iri(e.label, e.type, e.scope) for e in corpus.entities}
    obs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for o in corpus.observations:
        if o.subject in eiri:
            obs[o.subject].append({
                "measure": o.measure, "value": o.value, "unit": o.unit, "year": o.year,
                "qualifier": o.qualifier,
                "evidence": {"doc": o.evidence.doc, "start": o.evidence.start, "end": o.evidence.end,
                             "text": o.evidence.text},
            })
    edges: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in corpus.relations:
        if r.head in eiri and r.tail in eiri:
            ev = {
                "doc": r.evidence.doc, "start": r.evidence.start, "end": r.evidence.end,
                "text": r.evidence.text, "rule": r.rule, "confidence": r.confidence,
            }
            head, tail = eiri[r.head], eiri[r.tail]
            if r.relation in SYMMETRIC_RELATIONS:  # one edge per unordered pair
                head, tail = sorted((head, tail))
            bucket = edges[(head, r.relation, tail)]
            if ev not in bucket:
                bucket.append(ev)

    spans: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for e in corpus.entities:
        for doc_id, start, end in e.mentions:
            spans[doc_id][eiri[e.key]].append((start, end))
    documents: dict[str, dict[str, Any]] = {}
    where: dict[str, dict[str, list[int]]] = defaultdict(dict)  # node id → doc id → sentences
    by_name = entities_by_name(corpus.entities)
    for d in sorted(corpus.documents, key=lambda d: d.id):
        creator = document_creator(corpus, d, by_name=by_name)
        documents[d.id] = doc_json(d) | {"issuer": eiri[creator.key] if creator else None}
        if layer is not None and d.id in layer:
            rows, hits = layer[d.id]
        elif sentences is None or d.id not in sentences:
            continue
        else:
            rows, hits = document_sentences(d, sentences[d.id], spans[d.id])
        documents[d.id]["sentences"] = rows
        for node_id, found in hits.items():
            where[node_id][d.id] = found
    return {
        "version": INDEX_VERSION,
        "documents": documents,
        "nodes": [
            {
                "id": eiri[e.key],
                "label": e.display_label,
                "type": e.type,
                "aliases": ([e.label] if e.scope else []) + list(e.aliases),
                "docs": sorted({d for d, _, _ in e.mentions}),
                "mentions": dict(sorted(where.get(eiri[e.key], {}).items())),
                "observations": sorted(
                    obs.get(e.key, []),
                    key=lambda x: (x["year"] or 0, x["measure"], x["value"], x["evidence"]["doc"],
                                   x["evidence"]["start"]),
                ),
            }
            for e in sorted(corpus.entities, key=lambda e: eiri[e.key])
        ],
        "edges": [
            {"source": s, "target": t, "relation": rel,
             "evidence": sorted(ev, key=lambda x: (x["doc"], x["start"]))}
            for (s, rel, t), ev in sorted(edges.items())
        ],
    }


def doc_json(d: Document) -> dict[str, Any]:
    """A document's entry in the graph index's ``documents``: its header and text file (no sentences)."""
    m = d.meta
    return {
        "path": _basename(d.path), "number": m.number, "date": m.date,
        "year": m.year, "title": m.title, "agency": m.agency, "addressees": list(m.addressees),
        "session": m.session, "proposal_number": m.proposal_number,
        "url": m.url, "publisher": m.publisher, "format": d.format, "sha256": d.sha256 or None,
        "text": f"texts/{d.id}.txt",
    }


def ontology_quads(path: str | Any) -> list[Quad]:
    """The ontology's triples as quads in ``res:graph/ontology``, blank nodes labelled canonically.

    Shipping the class hierarchy with the data lets SPARQL follow
    ``a/rdfs:subClassOf*`` (a LoanProduct is a Program) in any store.
    """
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    g = Graph()
    g.parse(str(path), format="turtle")
    graph = _u(iri("graph", "ontology"))
    out = set()
    for line in to_canonical_graph(g).serialize(format="nt").splitlines():
        line = line.strip()
        if line.endswith(" ."):
            s, p, o = line[:-2].split(" ", 2)
            out.add((s, p, o, graph))
    return sorted(out)
