"""``graph.sqlite``: the graph index in a file that opens in milliseconds.

The same content as ``graph.json`` (documents, nodes, edges; see :mod:`kg._index`), one row
per item, plus what ``kg connect`` and ``kg show`` look things up by: a table of names
(label and aliases, raw and :func:`kg.names.name_key`) and the path graph of
:func:`kg._links.build_links` in compressed sparse rows — for every node, by rank, its
neighbours and the weights of the links to them, stored as binary arrays — with each link's
kind and evidence in a table read only for the links of the paths found. Opening reads the
arrays (a few bytes per link) and nothing else; every other row is read when asked for.

The schema version is in ``meta``; a file written by a newer stikg is refused with a message
that says to rebuild or upgrade. This module is private: :mod:`kg._index` owns the index
and opens this format for :func:`kg._index.load_index`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from kg._links import KINDS, Link, Links, build_links
from kg.errors import InputError
from kg.names import name_key

__all__ = ["DB_NAME", "DB_VERSION", "write_db", "store_db", "db_meta", "name_rows", "finish_db", "open_db", "DBLinks",
           "DBIndexData"]

#: File name of the index inside a build directory.
DB_NAME = "graph.sqlite"

#: Version of the ``graph.sqlite`` schema.
DB_VERSION = 1

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE nodes (rank INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, data TEXT);
CREATE TABLE names (name TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL, node TEXT NOT NULL);
CREATE TABLE edges (j INTEGER PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE links (u INTEGER NOT NULL, v INTEGER NOT NULL, kind TEXT NOT NULL, weight REAL NOT NULL,
                    span INTEGER NOT NULL, edges TEXT NOT NULL, refs TEXT NOT NULL, PRIMARY KEY (u, v)) WITHOUT ROWID;
CREATE TABLE arrays (name TEXT PRIMARY KEY, data BLOB NOT NULL);
"""
_INDEXES = """
CREATE INDEX names_by_name ON names (name);
CREATE INDEX names_by_key ON names (key);
CREATE INDEX edges_by_source ON edges (source);
CREATE INDEX edges_by_target ON edges (target);
"""


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _blob(values: array[Any]) -> bytes:
    if sys.byteorder != "little":  # the file is the same on every machine
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _unblob(typecode: str, data: bytes) -> array[Any]:
    values = array(typecode)
    values.frombytes(data)
    if sys.byteorder != "little":
        values.byteswap()
    return values


def write_db(index: Mapping[str, Any], path: str | os.PathLike[str], *, links: Links | None = None) -> None:
    """Write the index ``index`` (the ``graph.json`` object) as ``graph.sqlite`` at ``path``.

    ``links`` is its path graph when the caller has it already. Rows go in a fixed order,
    so the same index gives the same file.
    """
    nodes = index.get("nodes", [])
    edges = index.get("edges", [])
    documents = index.get("documents", {})
    links = links or build_links(nodes, edges, documents)
    rank = links.rank
    meta = db_meta(index.get("version", 1), len(links.order) - len(links.documents), len(links.order), links.lightest)
    by_id = {n["id"]: n for n in nodes}
    indptr, nbr, weight, kind = array("q", [0]), array("i"), array("d"), array("b")
    for node in links.order:
        adjacent = links.adjacency.get(node, [])  # sorted by rank
        nbr.extend(rank[v] for v in adjacent)
        found = [links.link(node, v) for v in adjacent]
        weight.extend(k.weight for k in found)
        kind.extend(KINDS.index(k.kind) for k in found)
        indptr.append(len(nbr))
    store_db(
        path, meta,
        documents=((d, _dumps(documents[d])) for d in sorted(documents)),
        nodes=((i, n, _dumps(by_id[n]) if n in by_id else None) for i, n in enumerate(links.order)),
        names=name_rows(by_id),
        edges=((j, e["source"], e["target"], _dumps(e)) for j, e in enumerate(edges)),
        links=((rank[a], rank[b], k.kind, k.weight, k.span, _dumps(list(k.edges)), _dumps([list(r) for r in k.refs]))
               for (a, b), k in sorted(links.pairs.items(), key=lambda kv: (rank[kv[0][0]], rank[kv[0][1]]))),
        arrays=(indptr, nbr, weight, kind))


def db_meta(index_version: int, entities: int, nodes: int, lightest: float) -> dict[str, Any]:
    """The ``meta`` table of ``graph.sqlite``: versions, entity and node counts, the lightest link."""
    return {"version": DB_VERSION, "index_version": index_version, "entities": entities, "nodes": nodes,
            "lightest": lightest}


def store_db(path: str | os.PathLike[str], meta: Mapping[str, Any], *, documents: Iterable[tuple[str, str]],
             nodes: Iterable[tuple[int, str, str | None]], names: Iterable[tuple[str, str, str, str]],
             edges: Iterable[tuple[int, str, str, str]], links: Iterable[tuple[Any, ...]],
             arrays: tuple[array[Any], array[Any], array[Any], array[Any]]) -> None:
    """Write ``graph.sqlite`` at ``path`` from its rows, each table in the order given (the one
    layout :func:`write_db` and the streaming build share, so both give the same bytes).

    ``nodes`` are ``(rank, id, JSON or None)``, ``edges`` ``(j, source, target, JSON)``, ``links``
    the rows of the ``links`` table by rank, ``arrays`` the path graph's CSR arrays.
    """
    Path(path).unlink(missing_ok=True)
    con = sqlite3.connect(str(path), isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.executescript(_SCHEMA)
        con.execute("BEGIN")
        con.executemany("INSERT INTO meta VALUES (?, ?)", sorted((k, json.dumps(v)) for k, v in meta.items()))
        con.executemany("INSERT INTO documents VALUES (?, ?)", documents)
        con.executemany("INSERT INTO nodes VALUES (?, ?, ?)", nodes)
        con.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", names)
        con.executemany("INSERT INTO edges VALUES (?, ?, ?, ?)", edges)
        con.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?)", links)
        finish_db(con, *arrays)
    finally:
        con.close()


def finish_db(con: sqlite3.Connection, indptr: array[Any], nbr: array[Any], weight: array[Any],
              kind: array[Any]) -> None:
    """Store the path graph's arrays (CSR: ``indptr``, neighbours, weights, kinds), commit, index."""
    con.executemany("INSERT INTO arrays VALUES (?, ?)", [("indptr", _blob(indptr)), ("nbr", _blob(nbr)),
                                                        ("weight", _blob(weight)), ("kind", _blob(kind))])
    con.execute("COMMIT")
    con.executescript(_INDEXES)


def name_rows(by_id: Mapping[str, Mapping[str, Any]]) -> Iterator[tuple[str, str, str, str]]:
    """``(name, name key, kind, node id)`` of every label and alias, by node id."""
    for node_id in sorted(by_id):
        node = by_id[node_id]
        for kind, names in (("label", [node["label"]]), ("alias", node.get("aliases", []))):
            for name in names:
                yield name, name_key(name), kind, node_id


class _Rows(Mapping[str, dict[str, Any]]):
    """A read-only mapping id → JSON row of one table, read on demand and kept once read."""

    def __init__(self, con: sqlite3.Connection, table: str, where: str = "") -> None:
        self._con, self._table, self._where = con, table, where
        self._cache: dict[str, dict[str, Any]] = {}
        self._len: int | None = None

    def __getitem__(self, key: str) -> dict[str, Any]:
        if key not in self._cache:
            row = self._con.execute(f"SELECT data FROM {self._table} WHERE id = ? {self._where}", (key,)).fetchone()
            if row is None or row[0] is None:
                raise KeyError(key)
            self._cache[key] = json.loads(row[0])
        return self._cache[key]

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        sql = f"SELECT id FROM {self._table} WHERE 1 {self._where} ORDER BY id"
        return (row[0] for row in self._con.execute(sql))

    def __len__(self) -> int:
        if self._len is None:
            sql = f"SELECT count(*) FROM {self._table} WHERE 1 {self._where}"
            self._len = int(self._con.execute(sql).fetchone()[0])
        return self._len


class _Edges(Sequence[dict[str, Any]]):
    """The edges in ``graph.json`` order, read on demand."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con
        self._len: int | None = None

    def __getitem__(self, j: Any) -> Any:
        if isinstance(j, slice):
            return [self[i] for i in range(*j.indices(len(self)))]
        row = self._con.execute("SELECT data FROM edges WHERE j = ?", (j,)).fetchone()
        if row is None:
            raise IndexError(j)
        return json.loads(row[0])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (json.loads(row[0]) for row in self._con.execute("SELECT data FROM edges ORDER BY j"))

    def __len__(self) -> int:
        if self._len is None:
            self._len = int(self._con.execute("SELECT count(*) FROM edges").fetchone()[0])
        return self._len


class DBIndexData:
    """The tables of an open ``graph.sqlite``: documents, nodes and edges as lazy containers,
    name look-ups, and the path graph (:class:`DBLinks`)."""

    def __init__(self, con: sqlite3.Connection, meta: dict[str, Any]) -> None:
        self.con = con
        self.meta = meta
        self.documents = _Rows(con, "documents")
        self.nodes = _Rows(con, "nodes", "AND data IS NOT NULL")
        self.edges = _Edges(con)
        self._links: DBLinks | None = None

    def named(self, name: str) -> list[tuple[str, str]]:
        """``(kind, node id)`` of the nodes with label or alias ``name``."""
        return [(k, n) for k, n in self.con.execute("SELECT kind, node FROM names WHERE name = ?", (name,))]

    def keyed(self, key: str) -> list[tuple[str, str]]:
        """``(kind, node id)`` of the nodes with a name whose name key is ``key``."""
        return [(k, n) for k, n in self.con.execute("SELECT kind, node FROM names WHERE key = ?", (key,))]

    def containing(self, key: str) -> set[str]:
        """Ids of the nodes with a name whose key contains ``key``."""
        return {row[0] for row in self.con.execute("SELECT node FROM names WHERE instr(key, ?) > 0", (key,))}

    def all_keys(self) -> list[str]:
        """Every name key, sorted (for the closest-name suggestions)."""
        return [row[0] for row in self.con.execute("SELECT DISTINCT key FROM names ORDER BY key")]

    def edges_of(self, node_id: str, end: str) -> list[dict[str, Any]]:
        """Edges whose ``end`` (``"source"`` or ``"target"``) is ``node_id``."""
        column = "source" if end == "source" else "target"
        sql = f"SELECT data FROM edges WHERE {column} = ? ORDER BY j"
        return [json.loads(row[0]) for row in self.con.execute(sql, (node_id,))]

    def links(self) -> DBLinks:
        if self._links is None:
            self._links = DBLinks(self.con, self.meta)
        return self._links


def open_db(path: str | os.PathLike[str]) -> DBIndexData:
    """Open ``graph.sqlite`` read-only and check its schema version."""
    try:
        con = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, check_same_thread=False)
        meta = {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM meta")}
    except (sqlite3.Error, ValueError) as exc:
        raise InputError(f"{path}: not a readable graph index ({exc}); rebuild it with `kg build`") from None
    version = meta.get("version")
    if not isinstance(version, int) or version > DB_VERSION:
        con.close()
        raise InputError(f"{path}: graph index version {version!r} is newer than this stikg reads "
                         f"({DB_VERSION}); rebuild it with this `kg build` or upgrade stikg")
    return DBIndexData(con, meta)


class _Identity(Mapping[int, int]):
    """Rank of a node of :class:`DBLinks`: nodes are their ranks."""

    def __init__(self, n: int) -> None:
        self._n = n

    def __getitem__(self, key: int) -> int:
        return key

    def __iter__(self) -> Iterator[int]:
        return iter(range(self._n))

    def __len__(self) -> int:
        return self._n


class _DocumentKeys(Mapping[int, str]):
    """Document nodes (ranks from ``first``) → document id."""

    def __init__(self, con: sqlite3.Connection, first: int, n: int) -> None:
        self._con, self._first, self._n = con, first, n
        self._ids: list[str] | None = None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and self._first <= key < self._n

    def __getitem__(self, key: int) -> str:
        if key not in self:
            raise KeyError(key)
        if self._ids is None:
            self._ids = [row[0] for row in self._con.execute(
                "SELECT id FROM nodes WHERE rank >= ? ORDER BY rank", (self._first,))]
        return self._ids[key - self._first].rsplit("/", 1)[-1]

    def __iter__(self) -> Iterator[int]:
        return iter(range(self._first, self._n))

    def __len__(self) -> int:
        return self._n - self._first


class _Weight:
    """What the search reads of a link: its weight and kind (the rest is in the ``links`` table)."""

    __slots__ = ("weight", "kind")

    def __init__(self, weight: float, kind: str) -> None:
        self.weight = weight
        self.kind = kind


class _Pairs(Mapping[tuple[int, int], Any]):
    """``(u, v)`` with ``u < v`` → an object with the link's ``weight``, from the arrays."""

    def __init__(self, links: DBLinks) -> None:
        self._l = links

    def _find(self, key: tuple[int, int]) -> int:
        u, v = key
        lo, hi = self._l.indptr[u], self._l.indptr[u + 1]
        i = bisect_left(self._l.nbr, v, lo, hi)
        return i if i < hi and self._l.nbr[i] == v else -1

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and self._find(key) >= 0  # type: ignore[arg-type]

    def __getitem__(self, key: tuple[int, int]) -> _Weight:
        i = self._find(key)
        if i < 0:
            raise KeyError(key)
        return _Weight(self._l.weight[i], KINDS[self._l.kind[i]])

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for u in range(len(self._l.indptr) - 1):
            for i in range(self._l.indptr[u], self._l.indptr[u + 1]):
                if u < self._l.nbr[i]:
                    yield u, self._l.nbr[i]

    def __len__(self) -> int:
        return len(self._l.nbr) // 2


class _Adjacency(Mapping[int, Sequence[int]]):
    def __init__(self, links: DBLinks) -> None:
        self._l = links

    def __getitem__(self, u: int) -> Sequence[int]:
        if not 0 <= u < len(self._l.indptr) - 1:
            raise KeyError(u)
        return self._l.nbr[self._l.indptr[u] : self._l.indptr[u + 1]]

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self._l.indptr) - 1))

    def __len__(self) -> int:
        return len(self._l.indptr) - 1


class _Least(Mapping[int, float]):
    def __init__(self, links: DBLinks) -> None:
        self._l = links

    def __getitem__(self, u: int) -> float:
        lo, hi = self._l.indptr[u], self._l.indptr[u + 1]
        if lo == hi:
            raise KeyError(u)
        return min(self._l.weight[lo:hi])

    def __iter__(self) -> Iterator[int]:
        return (u for u in range(len(self._l.indptr) - 1) if self._l.indptr[u] < self._l.indptr[u + 1])

    def __len__(self) -> int:
        return sum(1 for _ in self)


class DBLinks(Links):
    """The path graph of ``graph.sqlite``: the nodes are ranks (ints), adjacency and weights come
    from the arrays, a link's kind and evidence from the ``links`` table when asked for.

    :meth:`node` and :meth:`key` convert between ranks and node ids.
    """

    def __init__(self, con: sqlite3.Connection, meta: Mapping[str, Any]) -> None:  # noqa: D107
        arrays = dict(con.execute("SELECT name, data FROM arrays"))
        self.con = con
        self.indptr = _unblob("q", arrays["indptr"])
        self.nbr = _unblob("i", arrays["nbr"])
        self.weight = _unblob("d", arrays["weight"])
        self.kind = _unblob("b", arrays["kind"])
        n, first = int(meta["nodes"]), int(meta["entities"])
        self.first = first
        self.order = _Identity(n)  # type: ignore[assignment]
        self.rank = _Identity(n)  # type: ignore[assignment]
        self.hub: dict[str, float] = {}
        self.pairs = _Pairs(self)  # type: ignore[assignment]
        self.adjacency = _Adjacency(self)  # type: ignore[assignment]
        self.documents = _DocumentKeys(con, first, n)  # type: ignore[assignment]
        self.lightest = float(meta.get("lightest", 1.0))
        self.least = _Least(self)  # type: ignore[assignment]
        self._ids: dict[int, str] = {}

    def units(self, start: int, limit: int, usable: Callable[[int], bool] | None,
              bound: Mapping[int, int] | None = None) -> dict[int, int]:
        """:func:`kg._links._units` over the arrays (documents are the ranks from ``first``)."""
        indptr, nbr, first = self.indptr, self.nbr, self.first
        over = limit + 1
        dist = {start: 0}
        queues: dict[int, list[int]] = {0: [start]}
        d = 0
        while d < limit and queues:
            for u in queues.pop(d, ()):
                if dist[u] != d:
                    continue
                near = u >= first
                for v in nbr[indptr[u] : indptr[u + 1]]:
                    nd = d + 1 if near or v >= first else d + 2
                    if (nd <= limit and nd < dist.get(v, over) and (bound is None or nd + bound.get(v, over) <= limit)
                            and (usable is None or usable(v))):
                        dist[v] = nd
                        queues.setdefault(nd, []).append(v)
            d += 1
        return dist

    def node(self, key: Any) -> str:
        """The node id of rank ``key``."""
        if key not in self._ids:
            row = self.con.execute("SELECT id FROM nodes WHERE rank = ?", (key,)).fetchone()
            if row is None:
                raise KeyError(key)
            self._ids[key] = row[0]
        return self._ids[key]

    def key(self, node_id: str) -> Any:
        """The rank of node ``node_id``."""
        row = self.con.execute("SELECT rank FROM nodes WHERE id = ?", (node_id,)).fetchone()
        if row is None:
            raise KeyError(node_id)
        self._ids[row[0]] = node_id
        return row[0]

    def link(self, a: Any, b: Any) -> Link:
        """The link between ranks ``a`` and ``b`` with its kind and evidence (ends as node ids)."""
        u, v = (a, b) if a < b else (b, a)
        row = self.con.execute("SELECT kind, weight, span, edges, refs FROM links WHERE u = ? AND v = ?",
                               (u, v)).fetchone()
        if row is None:
            raise KeyError((a, b))
        kind, weight, span, edges, refs = row
        return Link(self.node(u), self.node(v), kind, weight, span, tuple(json.loads(edges)),
                    tuple(tuple(r) for r in json.loads(refs)))

