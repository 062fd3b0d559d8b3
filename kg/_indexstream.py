"""The graph index written as a build streams: ``graph.json`` and ``graph.sqlite`` with one
document, node or edge in memory at a time.

:class:`IndexWriter` takes the documents one after another (:meth:`IndexWriter.add`) and puts
what the index needs of each — its JSON with the sentences that mention entities, where each
entity is named, its relations and observations, the pairs of entities it names together —
into a scratch SQLite file. :meth:`IndexWriter.finish` reads them back in order and writes
``graph.json`` item by item (the bytes of ``json.dump(index, sort_keys=True, indent=1)``) and
``graph.sqlite`` by :func:`kg._indexdb.store_db` (the bytes of :func:`kg._indexdb.write_db`
of the same index). Besides the entities, memory holds the path graph's arrays: a few bytes
per link. The index's schema is :mod:`kg._index`'s; the path graph's rules are
:mod:`kg._links`'s (:func:`~kg._links.document_pairs`, :func:`~kg._links.link_weight`).
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain
from pathlib import Path
from typing import IO, Any

from kg._index import INDEX_VERSION
from kg._indexdb import _dumps, db_meta, name_rows, store_db
from kg._links import (
    KINDS,
    document_node,
    document_pairs,
    link_weight,
    node_penalty,
    sample_sentence,
)
from kg.model import RELATIONS, SYMMETRIC_RELATIONS, Document, Entity, Observation, Relation

__all__ = ["IndexWriter"]

_SCRATCH = """
CREATE TABLE docs (id TEXT PRIMARY KEY, issuer TEXT, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE named (node INTEGER NOT NULL, doc TEXT NOT NULL, found TEXT, first INTEGER);
CREATE TABLE rels (s TEXT, rel TEXT, t TEXT, doc TEXT, start INTEGER, hk TEXT, tk TEXT, seq INTEGER, ev TEXT);
CREATE TABLE obs (node INTEGER, year INTEGER, measure TEXT, value REAL, doc TEXT, start INTEGER, seq INTEGER, data TEXT);
CREATE TABLE pairs (u INTEGER, v INTEGER, kind INTEGER, doc TEXT, a INTEGER, b INTEGER);
CREATE TABLE nodes (rank INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE edges (j INTEGER PRIMARY KEY, source TEXT, target TEXT, relation TEXT, data TEXT NOT NULL);
CREATE TABLE links (u INTEGER, v INTEGER, kind TEXT, weight REAL, span INTEGER, edges TEXT, refs TEXT,
                    PRIMARY KEY (u, v)) WITHOUT ROWID;
"""
_FINDING = """
CREATE INDEX named_by_node ON named (node, doc);
CREATE INDEX named_by_doc ON named (doc);
CREATE INDEX obs_by_node ON obs (node);
"""
_SENTENCE, _PARAGRAPH = 1, 2


def _pretty(obj: Any, level: int) -> str:
    """``obj`` as ``json.dump(..., indent=1)`` writes it ``level`` deep (without the first indent)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=1).replace("\n", "\n" + " " * level)


class IndexWriter:
    """The graph index of documents added one by one, kept in a scratch file until :meth:`finish`.

    ``entities`` are the merged entities (sorted by key), ``iris`` their node ids by key.
    """

    def __init__(self, scratch: Path, entities: Sequence[Entity], iris: Mapping[str, str]) -> None:
        self.entities = entities
        self.iris = iris
        self.ids = sorted(set(iris.values()))  # the path graph's entity nodes, by rank
        self.rank = {n: i for i, n in enumerate(self.ids)}
        self.con = sqlite3.connect(str(scratch), isolation_level=None)
        self.con.execute("PRAGMA journal_mode = OFF")
        self.con.execute("PRAGMA synchronous = OFF")
        self.con.executescript(_SCRATCH)
        self.con.execute("BEGIN")
        self._seq = 0

    def add(self, doc: Document, issuer: str | None, named: Iterable[str], rows: list[list[Any]],
            hits: Mapping[str, list[int]], relations: Iterable[Relation], observations: Iterable[Observation]) -> None:
        """One document: its header ``doc``, the node id of its ``issuer``, the node ids ``named``
        in it, its sentence ``rows`` and ``hits`` (:func:`kg._doclayer.document_sentences`), and
        its relations and observations keyed by merged entity keys."""
        from kg.graph import doc_json

        con, rank, iris = self.con, self.rank, self.iris
        data = doc_json(doc) | {"issuer": issuer, "sentences": rows}
        con.execute("INSERT INTO docs VALUES (?, ?, ?)", (doc.id, issuer, _dumps(data)))
        con.executemany("INSERT INTO named VALUES (?, ?, ?, ?)", (
            (rank[n], doc.id, _dumps(hits[n]) if hits.get(n) else None,
             sample_sentence(rows, hits[n]) if hits.get(n) else None) for n in named))
        in_sentence: dict[int, list[int]] = defaultdict(list)
        for node_id in sorted(hits, key=rank.__getitem__):
            for i in hits[node_id]:
                in_sentence[i].append(rank[node_id])
        sentence, paragraph = document_pairs(rows, in_sentence, lambda a, b: (a, b) if a < b else (b, a))
        con.executemany("INSERT INTO pairs VALUES (?, ?, ?, ?, ?, NULL)",
                        ((u, v, _SENTENCE, doc.id, i) for (u, v), i in sentence))
        con.executemany("INSERT INTO pairs VALUES (?, ?, ?, ?, ?, ?)",
                        ((u, v, _PARAGRAPH, doc.id, i, j) for (u, v), i, j in paragraph))
        for r in relations:
            if r.head not in iris or r.tail not in iris:
                continue
            ev = {"doc": r.evidence.doc, "start": r.evidence.start, "end": r.evidence.end,
                  "text": r.evidence.text, "rule": r.rule, "confidence": r.confidence}
            head, tail = iris[r.head], iris[r.tail]
            if r.relation in SYMMETRIC_RELATIONS:  # one edge per unordered pair
                head, tail = sorted((head, tail))
            con.execute("INSERT INTO rels VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (head, r.relation, tail, ev["doc"], ev["start"], r.head, r.tail, self._seq, _dumps(ev)))
            self._seq += 1
        for o in observations:
            if o.subject not in iris:
                continue
            item = {"measure": o.measure, "value": o.value, "unit": o.unit, "year": o.year, "qualifier": o.qualifier,
                    "evidence": {"doc": o.evidence.doc, "start": o.evidence.start, "end": o.evidence.end,
                                 "text": o.evidence.text}}
            con.execute("INSERT INTO obs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (rank[iris[o.subject]], o.year or 0, o.measure, o.value, o.evidence.doc, o.evidence.start,
                         self._seq, _dumps(item)))
            self._seq += 1

    def finish(self, json_path: Path, db_path: Path) -> dict[str, Any]:
        """Write ``graph.json`` and ``graph.sqlite``; returns :func:`kg._index.graph_counts` of the index."""
        self.con.execute("COMMIT")
        self.con.executescript(_FINDING)
        self.con.execute("BEGIN")
        counts = self._nodes() | self._edges()
        self._links()
        with open(json_path, "w", encoding="utf-8", newline="\n") as fh:
            self._write_json(fh)
        self._write_db(db_path)
        counts["documents"] = self.con.execute("SELECT count(*) FROM docs").fetchone()[0]
        self.con.execute("COMMIT")
        self.con.close()
        keys = ("documents", "entities", "by_type", "relations", "by_relation", "statements", "observations")
        return {k: counts[k] for k in keys}

    def _nodes(self) -> dict[str, Any]:
        """The nodes' JSON, in ``graph.json`` order (by id), into the scratch file."""
        con, rank = self.con, self.rank
        by_type: Counter[str] = Counter()
        n_obs = 0
        for k, e in enumerate(sorted(self.entities, key=lambda e: self.iris[e.key])):
            node_id = self.iris[e.key]
            r = rank[node_id]
            docs: list[str] = []
            mentions: dict[str, list[int]] = {}
            for doc, found in con.execute("SELECT doc, found FROM named WHERE node = ? ORDER BY doc", (r,)):
                if not docs or docs[-1] != doc:
                    docs.append(doc)
                if found is not None:
                    mentions[doc] = json.loads(found)
            observations = [json.loads(row[0]) for row in con.execute(
                "SELECT data FROM obs WHERE node = ? ORDER BY year, measure, value, doc, start, seq", (r,))]
            node = {"id": node_id, "label": e.display_label, "type": e.type,
                    "aliases": ([e.label] if e.scope else []) + list(e.aliases), "docs": docs,
                    "mentions": mentions, "observations": observations}
            con.execute("INSERT INTO nodes VALUES (?, ?)", (k, _dumps(node)))
            by_type[e.type] += 1
            n_obs += len(observations)
        return {"entities": len(self.entities), "by_type": dict(sorted(by_type.items())), "observations": n_obs}

    def _edges(self) -> dict[str, Any]:
        """The edges' JSON, one per source, relation and target, evidence by document and offset."""
        con = self.con
        by_relation: Counter[str] = Counter()
        statements = 0
        rows = con.execute("SELECT s, rel, t, ev FROM rels ORDER BY s, rel, t, doc, start, hk, tk, seq")
        insert = "INSERT INTO edges VALUES (?, ?, ?, ?, ?)"
        j = 0
        key: tuple[str, str, str] | None = None
        evidence: list[str] = []
        for s, rel, t, ev in chain(rows, [(None, None, None, None)]):
            if (s, rel, t) != key:
                if key is not None:
                    edge = {"source": key[0], "target": key[2], "relation": key[1],
                            "evidence": [json.loads(x) for x in evidence]}
                    con.execute(insert, (j, key[0], key[2], key[1], _dumps(edge)))
                    j += 1
                    by_relation[key[1]] += 1
                    statements += len(evidence)
                key, evidence = (s, rel, t), []
            if ev not in evidence:
                evidence.append(ev)
        return {"relations": j, "by_relation": dict(sorted(by_relation.items())), "statements": statements}

    def _links(self) -> None:
        """The path graph of :func:`kg._links.build_links`, link by link, into the scratch file."""
        con, rank = self.con, self.rank
        typed: dict[tuple[int, int], list[int]] = defaultdict(list)
        neighbours: dict[int, set[int]] = defaultdict(set)
        for j, source, target, relation in con.execute("SELECT j, source, target, relation FROM edges ORDER BY j"):
            a, b = rank[source], rank[target]
            if a != b:
                neighbours[a].add(b)
                neighbours[b].add(a)
                if relation in RELATIONS:
                    typed[(a, b) if a < b else (b, a)].append(j)
        for u, v in con.execute(f"SELECT DISTINCT u, v FROM pairs WHERE kind = {_SENTENCE}"):
            neighbours[u].add(v)
            neighbours[v].add(u)
        penalty = [node_penalty(len(neighbours.get(r, ()))) for r in range(len(self.ids))]
        del neighbours
        insert = "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?)"
        for (u, v), found in typed.items():
            con.execute(insert, (u, v, "relation", link_weight("relation", penalty[u], penalty[v]), 2,
                                 _dumps(found), "[]"))
        rows = con.execute("SELECT u, v, kind, doc, a, b FROM pairs ORDER BY u, v, kind, doc, a")
        key: tuple[int, int] | None = None
        refs: list[list[Any]] = []
        kind = 0
        for u, v, k, doc, a, b in chain(rows, [(None, None, 0, None, None, None)]):
            if (u, v) != key:
                if key is not None and key not in typed:
                    name = "sentence" if kind == _SENTENCE else "paragraph"
                    con.execute(insert, (*key, name, link_weight(name, penalty[key[0]], penalty[key[1]]), 2,
                                         "[]", _dumps(refs)))
                key, refs, kind = (u, v), [], k
            if k == kind:  # a pair named in one sentence is linked by that, not by its paragraphs
                refs.append([doc, a] if k == _SENTENCE else [doc, a, b])
        del typed
        n = len(self.ids)
        docs = sorted((document_node(d), d, issuer) for d, issuer in con.execute("SELECT id, issuer FROM docs"))
        for k, (_, doc_id, issuer) in enumerate(docs):
            named: dict[int, int | None] = dict(con.execute("SELECT node, first FROM named WHERE doc = ?", (doc_id,)))
            if isinstance(issuer, str) and issuer in rank:
                named.setdefault(rank[issuer], None)
            for r in sorted(named):
                name = "issued" if self.ids[r] == issuer else "mention"
                sample = [[doc_id, named[r]]] if named[r] is not None else []
                con.execute(insert, (r, n + k, name, link_weight(name, penalty[r], 0.0), 1, "[]", _dumps(sample)))
        self.documents = [(node, doc_id) for node, doc_id, _ in docs]

    def _write_json(self, fh: IO[str]) -> None:
        """``graph.json``: the scratch file's documents, edges and nodes in order, as ``json.dump`` would."""
        con = self.con

        def items(rows: Iterator[Any], keyed: bool) -> Iterator[str]:
            for row in rows:
                value = _pretty(json.loads(row[-1]), 2)
                yield f"  {json.dumps(row[0], ensure_ascii=False)}: {value}" if keyed else f"  {value}"

        fh.write("{\n")
        for name, rows, keyed in (("documents", con.execute("SELECT id, data FROM docs ORDER BY id"), True),
                                  ("edges", con.execute("SELECT data FROM edges ORDER BY j"), False),
                                  ("nodes", con.execute("SELECT data FROM nodes ORDER BY rank"), False)):
            fh.write(f' "{name}": ')
            first = True
            for item in items(rows, keyed):
                fh.write(("{\n" if keyed else "[\n") if first else ",\n")
                fh.write(item)
                first = False
            fh.write(("{}" if keyed else "[]") if first else ("\n }" if keyed else "\n ]"))
            fh.write(",\n")
        fh.write(f' "version": {INDEX_VERSION}\n}}\n')

    def _write_db(self, path: Path) -> None:
        """``graph.sqlite`` from the scratch file (:func:`kg._indexdb.store_db`)."""
        con, n_entities = self.con, len(self.ids)
        order = len(self.ids) + len(self.documents)
        lightest = con.execute("SELECT min(weight) FROM links").fetchone()[0]
        indptr, nbr, weight, kind = array("q", [0]), array("i"), array("d"), array("b")
        u = 0
        for a, b, w, k in con.execute("SELECT u, v, weight, kind FROM links UNION ALL "
                                      "SELECT v, u, weight, kind FROM links ORDER BY 1, 2"):
            while u < a:
                indptr.append(len(nbr))
                u += 1
            nbr.append(b)
            weight.append(w)
            kind.append(KINDS.index(k))
        while u < order:
            indptr.append(len(nbr))
            u += 1
        named = {}
        for (data,) in con.execute("SELECT data FROM nodes ORDER BY rank"):
            node = json.loads(data)
            named[node["id"]] = {"label": node["label"], "aliases": node["aliases"]}

        def nodes() -> Iterator[tuple[int, str, str | None]]:
            for r, (data,) in enumerate(con.execute("SELECT data FROM nodes ORDER BY rank")):
                yield r, json.loads(data)["id"], data
            for k, (node, _) in enumerate(self.documents):
                yield n_entities + k, node, None

        store_db(path, db_meta(INDEX_VERSION, n_entities, order, 1.0 if lightest is None else lightest),
                 documents=con.execute("SELECT id, data FROM docs ORDER BY id"), nodes=nodes(),
                 names=name_rows(named),
                 edges=con.execute("SELECT j, source, target, data FROM edges ORDER BY j"),
                 links=con.execute("SELECT u, v, kind, weight, span, edges, refs FROM links ORDER BY u, v"),
                 arrays=(indptr, nbr, weight, kind))
