"""The reduce step of a streaming build: resolved entities + spooled extractions → the graph files.

:func:`write_graph` reads the spool (:class:`kg.stream.Spool`) once, document by document:
it re-keys the document's relations and observations to the merged entities, writes its
quads (:mod:`kg.graph`'s ``*_quads`` pieces) into a :class:`kg.stream.QuadSorter`, computes
its document layer (the sentences that mention entities) while its text is at hand and hands
what the index needs of it to a :class:`kg._indexstream.IndexWriter`, which keeps it on disk;
nothing of a document stays in memory after it. Then the entities' own quads and the
ontology's; ``graph.json`` and ``graph.sqlite`` are written from the index writer's scratch
file, N-Quads and Turtle from the sorted stream.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import chain
from pathlib import Path
from typing import Any

__all__ = ["write_graph"]


def _lines(quads: Iterable[tuple[str, str, str, str]]) -> Iterator[str]:
    return (f"{s} {p} {o} {g} .\n" for s, p, o, g in quads)


def write_graph(spool: Any, resolver: Any, local: Callable[[str], bool], out: Path, *,
                want_rdflib: bool = False) -> tuple[dict[str, Any], Any]:
    """Write ``stikg.nq``, ``stikg.ttl``, ``graph.json`` and ``graph.sqlite`` into ``out``.

    Returns the graph's counts (:func:`kg._index.graph_counts`) and, with ``want_rdflib``, the
    graph as an rdflib Graph (for SHACL validation), else None.
    """
    from kg._doclayer import document_sentences
    from kg._domains import admits
    from kg._index import entities_by_name
    from kg._indexdb import DB_NAME
    from kg._indexstream import IndexWriter
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
    index = IndexWriter(work / "index.sqlite", entities, eiri)
    for x in spool:
        d = x.doc
        creator = by_name.get(d.meta.agency) if d.meta.agency else None
        here: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for e in x.entities:
            key = remap[e.key]
            for m in e.mentions:
                here[key].add((m[1], m[2]))
        rels = [replace(r, head=remap.get(r.head, r.head), tail=remap.get(r.tail, r.tail)) for r in x.relations]
        rels = [r for r in rels if r.head != r.tail  # and only what the merged types admit (kg.pipeline._merge)
                and admits(r.relation, types.get(r.head, "Entity"), types.get(r.tail, "Entity"))]
        obs = [replace(o, subject=remap.get(o.subject, o.subject)) for o in x.observations]
        # the quads go to the sorter as they are made, not as a list: one long document's are many
        sorter.add(_lines(chain(
            document_quads(d, eiri[creator.key] if creator is not None else None),
            (q for key in here for q in mention_quads(eiri[key], d.id)),
            (q for r in rels for q in relation_quads(r, eiri)),
            (q for o in obs for q in observation_quads(o, eiri)),
        )))
        spans = {eiri[k]: sorted(here[k]) for k in sorted(here, key=order.__getitem__)}
        rows, hits = document_sentences(d, split_sentences(d.clean), spans)
        index.add(d, eiri[creator.key] if creator is not None else None, spans, rows, hits, rels, obs)
    for e in entities:
        sorter.add(_lines(entity_quads(e, eiri[e.key])))
    sorter.add(_lines(ontology_quads(ONTOLOGY_PATH)))
    sorter.flush()  # the index needs the memory more than the last run does
    counts = index.finish(out / "graph.json", out / DB_NAME)
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
