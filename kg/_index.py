"""``graph.json``, the prepared index: its schema version, reading and counting.

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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kg.errors import GraphNotBuiltError, InputError
from kg.model import Corpus, Document, Entity

__all__ = ["INDEX_VERSION", "read_index", "graph_counts", "document_creator"]

#: Version of the ``graph.json`` schema written by :func:`to_index`.
INDEX_VERSION = 2


def document_creator(corpus: Corpus, doc: Document) -> Entity | None:
    """The entity the header's issuing agency names (by label or alias), if there is one."""
    agency = doc.meta.agency
    if not agency:
        return None
    return next((e for e in corpus.entities if agency in (e.label, *e.aliases)), None)


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
