"""The reduce step of a streaming build: resolved entities + spooled extractions → the graph files.

:func:`write_graph` reads the spool (:class:`kg.stream.Spool`) once, document by document:
it re-keys the document's relations and observations to the merged entities, writes its
quads (:mod:`kg.graph`'s ``*_quads`` pieces) into a :class:`kg.stream.QuadSorter` and
computes its document layer (the sentences that mention entities) while its text is at hand;
only the light parts of each document (header, no text) stay for the index. Then the
entities' own quads and the ontology's; N-Quads and Turtle are written from the sorted
stream, ``graph.json`` and ``graph.sqlite`` from the index.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from kg.model import Corpus, Document, Observation, Relation

__all__ = ["write_graph"]


def _lines(quads: Iterable[tuple[str, str, str, str]]) -> list[str]:
    return [f"{s} {p} {o} {g} .\n" for s, p, o, g in quads]


def write_graph(spool: Any, resolver: Any, local: Callable[[str], bool], out: Path, *,
                want_rdflib: bool = False) -> tuple[dict[str, Any], Any]:
    """Write ``stikg.nq``, ``stikg.ttl``, ``graph.json`` and ``graph.sqlite`` into ``out``.

    Returns the graph's counts (:func:`kg.graph.graph_counts`) and, with ``want_rdflib``, the
    graph as an rdflib Graph (for SHACL validation), else None.
    """
    from kg._doclayer import document_sentences
    from kg._domains import admits
    from kg._index import entities_by_name, graph_counts
    from kg._indexdb import DB_NAME, write_db
    from kg.documents import split_sentences
    from kg.graph import (
        PREFIXES,
        document_quads,
        entity_iri,
        entity_quads,
        iri,
        mention_quads,
        observation_quads,
        ontology_quads,
        relation_quads,
        to_index,
    )
    from kg.stream import QuadSorter, write_rdf
    from kg.validate import ONTOLOGY_PATH

    entities, remap = resolver.resolve(local)
    types = {e.key: e.type for e in entities}
    eiri = {e.key: entity_iri(e.label, e.type, e.scope) for e in entities}
    by_name = entities_by_name(entities)
    order = {e.key: i for i, e in enumerate(entities)}  # entities are sorted by key
    work = out / ".work"
    work.mkdir()
    sorter = QuadSorter(work)
    documents: list[Document] = []
    relations: list[Relation] = []
    observations: list[Observation] = []
    layer: dict[str, Any] = {}
    mentions: dict[str, set[tuple[str, int, int]]] = defaultdict(set)
    for x in spool:
        d = x.doc
        creator = by_name.get(d.meta.agency) if d.meta.agency else None
        quads = list(document_quads(d, eiri[creator.key] if creator is not None else None))
        here: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for e in x.entities:
            key = remap[e.key]
            for m in e.mentions:
                here[key].add((m[1], m[2]))
                mentions[key].add(m)
        for key in here:
            quads.extend(mention_quads(eiri[key], d.id))
        rels = [replace(r, head=remap.get(r.head, r.head), tail=remap.get(r.tail, r.tail)) for r in x.relations]
        rels = [r for r in rels if r.head != r.tail  # and only what the merged types admit (kg.pipeline._merge)
                and admits(r.relation, types.get(r.head, "Entity"), types.get(r.tail, "Entity"))]
        obs = [replace(o, subject=remap.get(o.subject, o.subject)) for o in x.observations]
        for r in rels:
            quads.extend(relation_quads(r, eiri))
        for o in obs:
            quads.extend(observation_quads(o, eiri))
        sorter.add(_lines(quads))
        spans = {eiri[k]: sorted(here[k]) for k in sorted(here, key=order.__getitem__)}
        layer[d.id] = document_sentences(d, split_sentences(d.clean), spans)
        documents.append(replace(d, text="", clean="", offsets=[]))  # the header is all the index needs
        relations.extend(rels)
        observations.extend(obs)
    for e in entities:
        e.mentions = sorted(mentions.pop(e.key, ()))
        sorter.add(_lines(entity_quads(e, eiri[e.key])))
    sorter.add(_lines(ontology_quads(ONTOLOGY_PATH)))
    corpus = Corpus(
        documents=documents,
        entities=entities,
        relations=sorted(relations, key=lambda r: (r.head, r.relation, r.tail, r.evidence.doc, r.evidence.start)),
        observations=sorted(observations, key=lambda o: (o.subject, o.year or 0, o.measure, o.value,
                                                         o.evidence.doc, o.evidence.start)),
    )
    del relations, observations
    index = to_index(corpus, layer=layer)
    del corpus, layer
    with open(out / "graph.json", "w", encoding="utf-8", newline="\n") as fh:
        json.dump(index, fh, ensure_ascii=False, sort_keys=True, indent=1)
        fh.write("\n")
    write_db(index, out / DB_NAME)
    counts = graph_counts(index)
    del index
    write_rdf(sorter.merged(), out / "stikg.nq", out / "stikg.ttl", skip_graph=f"<{iri('graph', 'ontology')}>",
              prefixes=PREFIXES, scratch=work)
    graph = None
    if want_rdflib:
        from rdflib import Graph

        graph = Graph()
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns)
        graph.parse(out / "stikg.ttl", format="turtle")
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    return counts, graph
