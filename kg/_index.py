"""The graph index: its schema versions, the two files that hold it, reading, look-up, counting.

This module owns the index. ``kg build`` writes it twice: ``graph.json`` (one JSON object,
for the explorer, exports and anyone who reads JSON) and ``graph.sqlite`` (the same content
in a file that opens in milliseconds, :mod:`kg._indexdb`). :func:`load_index` gives an
:class:`Index` over ``graph.sqlite`` when it is there (``kg connect``, ``kg show``), else over
``graph.json`` (builds from before ``graph.sqlite``, hand-made graphs).

Written by :func:`kg.graph.to_index` at ``kg build`` next to the RDF files (sorted keys, deterministic) and read by
``kg connect``, ``kg show``, ``kg stats``, ``kg export`` and the explorer with :mod:`json`
only. The schema is described in docs/ARCHITECTURE.md ("graph.json"). Public names are
re-exported by :mod:`kg.graph`.

Version 2 added the document layer: each document's ``issuer`` (node id) and ``sentences``
(``[start, end, paragraph, text]`` of every sentence that mentions an entity), and each
node's ``mentions`` (document id → indexes into that document's ``sentences``). Readers take
version 1 files too; they simply have no sentences, so only typed and document links exist.
Documents later gained ``format``, ``url``, ``publisher``, ``sha256`` and ``text`` (the path of
the text evidence offsets point into, ``texts/<doc id>.txt``); readers use ``.get`` for them.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kg._links import Links, build_links, document_node
from kg.errors import GraphNotBuiltError, InputError
from kg.model import Corpus, Document, Entity
from kg.names import name_key

__all__ = ["INDEX_VERSION", "Index", "load_index", "read_index", "graph_counts", "document_creator", "entities_by_name"]

#: Version of the ``graph.json`` schema written by :func:`to_index`.
INDEX_VERSION = 2


def document_creator(corpus: Corpus, doc: Document, *, by_name: Mapping[str, Entity] | None = None) -> Entity | None:
    """The entity the header's issuing agency names (by label or alias), if there is one.

    ``by_name`` is :func:`entities_by_name` of ``corpus.entities`` when the caller has it (one
    look-up instead of a scan of every entity for every document).
    """
    agency = doc.meta.agency
    if not agency:
        return None
    if by_name is not None:
        return by_name.get(agency)
    return next((e for e in corpus.entities if agency in (e.label, *e.aliases)), None)


def entities_by_name(entities: Iterable[Entity]) -> dict[str, Entity]:
    """Label and aliases → the first entity (in the order given) that has that name."""
    out: dict[str, Entity] = {}
    for e in entities:
        for name in (e.label, *e.aliases):
            out.setdefault(name, e)
    return out


def read_index(graph: str | os.PathLike[str]) -> dict[str, Any]:
    """Load ``graph.json`` from a build directory (or the file itself), checking its shape.

    Raises :class:`~kg.errors.GraphNotBuiltError` when it is missing and
    :class:`~kg.errors.InputError` when it is not a graph index this version can read.
    """
    path = Path(graph)
    if path.is_dir() or not path.suffix:
        path = path / "graph.json"
    if not path.is_file():
        raise GraphNotBuiltError(str(path))
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a readable graph.json ({exc}); rebuild it with `kg build`") from exc
    if not isinstance(index, dict) or not isinstance(index.get("nodes"), list):
        raise InputError(f"{path}: no 'nodes' list; rebuild it with `kg build`")
    version = index.get("version", 1)
    if not isinstance(version, int) or version > INDEX_VERSION:
        raise InputError(f"{path}: graph.json version {version!r} is newer than this stikg reads "
                         f"({INDEX_VERSION}); rebuild it with this `kg build` or upgrade stikg")
    index.setdefault("edges", [])
    index.setdefault("documents", {})
    return index


class Index:
    """The graph index in memory or on disk: documents, nodes by id, edges, name look-ups, paths.

    ``documents`` and ``nodes`` are mappings by id, ``edges`` a sequence in ``graph.json``
    order; over ``graph.sqlite`` they read rows on demand, so opening is instant whatever the
    size of the graph.
    """

    def __init__(self, documents: Mapping[str, dict[str, Any]], nodes: Mapping[str, dict[str, Any]],
                 edges: Sequence[dict[str, Any]], *, db: Any = None) -> None:
        self.documents = documents
        self.nodes = nodes
        self.edges = edges
        self._db = db
        self._names: dict[str, list[tuple[str, str]]] = {}
        self._keys: dict[str, list[tuple[str, str]]] = {}
        self._links: Links | None = None
        if db is None:
            for node_id in sorted(nodes):
                node = nodes[node_id]
                for kind, names in (("label", [node["label"]]), ("alias", node.get("aliases", []))):
                    for name in names:
                        self._names.setdefault(name, []).append((kind, node_id))
                        self._keys.setdefault(name_key(name), []).append((kind, node_id))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Index:
        """The index of a parsed ``graph.json`` object."""
        nodes = {n["id"]: n for n in data.get("nodes", [])}
        return cls(dict(data.get("documents", {})), nodes, list(data.get("edges", [])))

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Index:
        """The index of a ``graph.sqlite`` file (schema version checked)."""
        from kg._indexdb import open_db

        db = open_db(path)
        return cls(db.documents, db.nodes, db.edges, db=db)

    def named(self, name: str) -> list[tuple[str, str]]:
        """``(kind, node id)`` of the nodes whose label (kind ``label``) or an alias is ``name``."""
        return self._db.named(name) if self._db is not None else list(self._names.get(name, []))

    def keyed(self, key: str) -> list[tuple[str, str]]:
        """``(kind, node id)`` of the nodes with a name whose :func:`~kg.names.name_key` is ``key``."""
        return self._db.keyed(key) if self._db is not None else list(self._keys.get(key, []))

    def containing(self, key: str) -> set[str]:
        """Ids of the nodes with a name whose key contains ``key``."""
        if self._db is not None:
            return set(self._db.containing(key))
        return {i for k, ids in self._keys.items() if key in k for _, i in ids}

    def all_keys(self) -> list[str]:
        """Every name key, sorted."""
        return self._db.all_keys() if self._db is not None else sorted(self._keys)

    def edges_of(self, node_id: str, end: str) -> list[dict[str, Any]]:
        """The edges whose ``end`` (``"source"`` or ``"target"``) is ``node_id``, in index order."""
        if self._db is not None:
            return list(self._db.edges_of(node_id, end))
        return [e for e in self.edges if e[end] == node_id]

    def links(self) -> Links:
        """The unfiltered path graph (typed relations and the document layer), built or opened once.

        Over ``graph.sqlite`` its nodes are ranks (:meth:`Links.key` / :meth:`Links.node` convert).
        """
        if self._links is None:
            if self._db is not None:
                self._links = self._db.links()
            else:
                self._links = build_links(self.nodes.values(), self.edges, self.documents)
        return self._links

    def document_id(self, node_id: str) -> str | None:
        """The document id of a document node (``res:doc/{id}``), else None."""
        doc_id = node_id.rsplit("/", 1)[-1]
        return doc_id if node_id == document_node(doc_id) and doc_id in self.documents else None

    def label(self, node_id: str) -> str:
        """The display label of a node (a document's 文号, or its id)."""
        if node_id in self.nodes:
            return str(self.nodes[node_id]["label"])
        doc_id = self.document_id(node_id)
        if doc_id is not None:
            return str(self.documents[doc_id].get("number") or doc_id)
        raise KeyError(node_id)

    def ref(self, node_id: str) -> dict[str, Any]:
        """``{"id", "label", "type"}`` of a node; documents have type ``SourceDocument``."""
        node = self.nodes.get(node_id)
        kind = node.get("type") if node else "SourceDocument"
        return {"id": node_id, "label": self.label(node_id), "type": kind}


def load_index(graph_dir: str | os.PathLike[str]) -> Index:
    """The index of a build directory: ``graph.sqlite`` when it is there, else ``graph.json``."""
    from kg._indexdb import DB_NAME

    path = Path(graph_dir)
    db = path / DB_NAME if path.is_dir() else path if path.suffix == ".sqlite" else None
    if db is not None and db.is_file():
        return Index.open(db)
    return Index.from_dict(read_index(graph_dir))


def graph_counts(index: Mapping[str, Any]) -> dict[str, Any]:
    """The counts of a built graph — the one set every report uses.

    ``relations`` counts distinct typed edges (one per source, relation and target, a
    symmetric relation once per pair), ``by_relation`` the same per relation; ``statements``
    counts the evidence sentences behind them (an edge stated in two sentences is one
    relation and two statements). ``entities`` counts nodes, ``by_type`` per most specific
    type; ``observations`` counts numeric facts; ``documents`` source documents.

    >>> graph_counts({"documents": {"d": {}}, "nodes": [{"type": "Program", "observations": []}],
    ...               "edges": [{"relation": "targets", "evidence": [{}, {}]}]})["statements"]
    2
    """
    nodes, edges = index.get("nodes", []), index.get("edges", [])
    return {
        "documents": len(index.get("documents", {})),
        "entities": len(nodes),
        "by_type": dict(sorted(Counter(n["type"] for n in nodes).items())),
        "relations": len(edges),
        "by_relation": dict(sorted(Counter(e["relation"] for e in edges).items())),
        "statements": sum(len(e.get("evidence", [])) for e in edges),
        "observations": sum(len(n.get("observations", [])) for n in nodes),
    }
