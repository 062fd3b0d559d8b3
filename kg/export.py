"""Export the built graph: ttl, trig, nt, nq, jsonld (RDF) and graphml, gexf, csv (networks).

RDF formats are serialised by pyoxigraph from ``stikg.nq`` with sorted
statements (deterministic output): ``trig``, ``nq`` and ``jsonld`` keep one
named graph per source document; ``ttl`` and ``nt`` hold the union of all graphs.
``ttl`` and ``trig`` declare the project's prefixes (:data:`kg.graph.PREFIXES`);
``jsonld`` has a ``@context`` of the same prefixes and a short key per property
(:func:`compact_jsonld`).

Network formats come from ``graph.json``: one node per entity with ``label``,
``type``, ``aliases`` and ``iri`` attributes, one directed edge per
``(source, relation, target)`` with ``relation``, ``label`` (the relation's
Chinese name, shown by Gephi), ``evidence`` (the first sentence), ``documents``
and ``support`` (number of sentences). CSV writes two tables,
``nodes.csv`` and ``edges.csv``: ``--out FILE.csv`` writes ``FILE.nodes.csv``
and ``FILE.edges.csv``; ``--out DIR`` (an existing directory, or a path ending
in ``/``) writes ``DIR/nodes.csv`` and ``DIR/edges.csv``.

Example::

    >>> export("build", "graphml", "build/stikg.graphml")  # doctest: +SKIP
    [PosixPath('build/stikg.graphml')]
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Any

from kg.errors import OutputError
from kg.graph import PREFIXES
from kg.model import RELATION_LABELS
from kg.paths import Index, load_index, source_of

__all__ = [
    "FORMATS", "RDF_FORMATS", "render", "export", "csv_targets", "to_networkx", "compact_jsonld"
]

RDF_FORMATS: tuple[str, ...] = ("ttl", "trig", "nt", "nq", "jsonld")
FORMATS: tuple[str, ...] = (*RDF_FORMATS, "graphml", "gexf", "csv")

_DATASET_FORMATS = {"trig", "nq", "jsonld"}


def _rdf(graph_dir: str | os.PathLike[str], fmt: str) -> bytes:
    import pyoxigraph as ox

    from kg.store import _nquads

    quads = list(ox.parse(path=str(_nquads(graph_dir)), format=ox.RdfFormat.N_QUADS))
    target = {
        "ttl": ox.RdfFormat.TURTLE,
        "trig": ox.RdfFormat.TRIG,
        "nt": ox.RdfFormat.N_TRIPLES,
        "nq": ox.RdfFormat.N_QUADS,
        "jsonld": ox.RdfFormat.JSON_LD,
    }[fmt]
    items: list[Any]
    if fmt in _DATASET_FORMATS:
        items = sorted(set(quads), key=lambda q: (str(q.graph_name), str(q.subject),
                                                  str(q.predicate), str(q.object)))
    else:
        items = sorted({q.triple for q in quads}, key=lambda t: (str(t.subject), str(t.predicate),
                                                               str(t.object)))
    prefixes = PREFIXES if fmt in ("ttl", "trig") else None
    data = ox.serialize(items, format=target, prefixes=prefixes)
    assert data is not None  # no output file given: pyoxigraph returns the bytes
    if fmt == "jsonld":
        return compact_jsonld(json.loads(data))
    return data


# --------------------------------------------------------------------------- JSON-LD

RDF_TYPE = PREFIXES["rdf"] + "type"
_TERM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _curie(iri: str) -> str:
    """``res:Program/高企贷`` for an IRI under one of :data:`PREFIXES`, else the IRI itself."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _kind(value: dict[str, Any]) -> tuple[str, str | None]:
    """How a JSON-LD value object can be shortened: by IRI, datatype, language or as a string."""
    if "@id" in value:
        return ("@id", None)
    if "@language" in value:
        return ("@language", value["@language"])
    if "@type" in value:
        return ("@type", value["@type"])
    return ("string", None)


def _types_as_keyword(nodes: list[dict[str, Any]]) -> bool:
    """Whether every ``rdf:type`` value is an IRI, so that ``@type`` can carry them all."""
    return all("@id" in t and not t["@id"].startswith("_:") for n in nodes for t in n.get(RDF_TYPE, []))


def _terms(nodes: list[dict[str, Any]], skip: set[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Property IRI → (key, term definition): the local name when unique, else the CURIE."""
    kinds: dict[str, set[tuple[str, str | None]]] = {}
    for node in nodes:
        for prop, values in node.items():
            if not prop.startswith("@") and prop not in skip:
                kinds.setdefault(prop, set()).update(_kind(v) for v in values)
    local: dict[str, list[str]] = {}
    for prop in kinds:
        curie = _curie(prop)
        name = curie.split(":", 1)[1] if curie != prop else ""
        if _TERM.fullmatch(name) and name not in PREFIXES:
            local.setdefault(name, []).append(prop)
    keys = {props[0]: name for name, props in local.items() if len(props) == 1}
    terms: dict[str, tuple[str, dict[str, Any]]] = {}
    for prop, found in sorted(kinds.items()):
        definition: dict[str, Any] = {"@id": _curie(prop)}
        if len(found) == 1:
            (kind, arg), = found
            if kind == "@id":
                definition["@type"] = "@id"
            elif kind == "@type" and arg is not None:
                definition["@type"] = _curie(arg)
            elif kind == "@language":
                definition["@language"] = arg
        terms[prop] = (keys.get(prop, _curie(prop)), definition)
    return terms


def _compact_node(node: dict[str, Any], terms: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "@id" in node:
        out["@id"] = _curie(node["@id"])
    if RDF_TYPE in node and RDF_TYPE not in terms:
        types = [_curie(t["@id"]) for t in node[RDF_TYPE]]
        out["@type"] = types[0] if len(types) == 1 else types
    for prop, values in node.items():
        if prop.startswith("@") or prop not in terms:
            continue
        key, definition = terms[prop]
        coerced = len(definition) > 1
        compact = []
        for value in values:
            if not coerced:
                value = dict(value)
                if "@id" in value:
                    value["@id"] = _curie(value["@id"])
                elif "@type" in value:
                    value["@type"] = _curie(value["@type"])
                compact.append(value if set(value) != {"@value"} else value["@value"])
            else:
                compact.append(_curie(value["@id"]) if "@id" in value else value["@value"])
        out[key] = compact[0] if len(compact) == 1 else compact
    return out


def compact_jsonld(expanded: list[dict[str, Any]]) -> bytes:
    """Expanded JSON-LD (as pyoxigraph writes it) → a document with a ``@context``.

    The context declares the project's prefixes (:data:`kg.graph.PREFIXES`) and one short key
    per property: its local name (``prefLabel``, ``targets``, ``startOffset``) unless two
    vocabularies share it (``rdf:subject`` and ``stikg:subject`` stay CURIEs), with the
    value's type when every value of the property has the same one (``@id`` for IRIs, a
    datatype, a language). IRIs are written as CURIEs (``res:Program/高企贷``), ``rdf:type``
    as ``@type``; named graphs stay ``{"@id": graph, "@graph": [...]}``. Parsed back, the
    document gives the same dataset, graph by graph. Key order is fixed: deterministic bytes.
    """
    nodes = [n for item in expanded for n in (item["@graph"] if "@graph" in item else [item])]
    terms = _terms(nodes, {RDF_TYPE} if _types_as_keyword(nodes) else set())
    context: dict[str, Any] = dict(PREFIXES)
    for key, definition in sorted(terms.values(), key=lambda kd: kd[0]):
        context[key] = definition if len(definition) > 1 else definition["@id"]
    graph: list[dict[str, Any]] = []
    for item in expanded:
        if "@graph" in item:
            graph.append({"@id": _curie(item["@id"]),
                          "@graph": [_compact_node(n, terms) for n in item["@graph"]]})
        else:
            graph.append(_compact_node(item, terms))
    text = json.dumps({"@context": context, "@graph": graph}, ensure_ascii=False, indent=1)
    return (text + "\n").encode("utf-8")


def to_networkx(index: Index) -> Any:
    """A ``networkx.MultiDiGraph`` of the index with Gephi-friendly string attributes."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for node_id in sorted(index.nodes):
        node = index.nodes[node_id]
        graph.add_node(
            node_id,
            label=node["label"],
            type=node.get("type") or "",
            aliases="|".join(node.get("aliases", [])),
            iri=node_id,
            observations=len(node.get("observations", [])),
        )
    for edge in sorted(index.edges, key=lambda e: (e["source"], e["relation"], e["target"])):
        evidence = edge.get("evidence", [])
        graph.add_edge(
            edge["source"],
            edge["target"],
            key=edge["relation"],
            relation=edge["relation"],
            label=RELATION_LABELS.get(edge["relation"], (edge["relation"],))[0],
            evidence=evidence[0]["text"] if evidence else "",
            documents="|".join(sorted({source_of(index, e.get("doc", ""))[0] for e in evidence})),
            support=len(evidence),
        )
    return graph


def _network(index: Index, fmt: str) -> bytes:
    import networkx as nx

    graph = to_networkx(index)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buffer, encoding="utf-8")
    else:
        nx.write_gexf(graph, buffer, encoding="utf-8")
    return buffer.getvalue()


def _csv_tables(index: Index) -> tuple[bytes, bytes]:
    nodes, edges = io.StringIO(), io.StringIO()
    writer = csv.writer(nodes, lineterminator="\n")
    writer.writerow(["id", "label", "type", "aliases", "documents", "observations"])
    for node_id in sorted(index.nodes):
        node = index.nodes[node_id]
        writer.writerow([node_id, node["label"], node.get("type", ""), "|".join(node.get("aliases", [])),
                         "|".join(node.get("docs", [])), len(node.get("observations", []))])
    writer = csv.writer(edges, lineterminator="\n")
    writer.writerow(["source", "source_label", "relation", "relation_zh", "target", "target_label",
                     "support", "evidence", "documents"])
    for edge in sorted(index.edges, key=lambda e: (e["source"], e["relation"], e["target"])):
        evidence = edge.get("evidence", [])
        writer.writerow([
            edge["source"], index.label(edge["source"]), edge["relation"],
            RELATION_LABELS.get(edge["relation"], (edge["relation"],))[0],
            edge["target"], index.label(edge["target"]), len(evidence),
            evidence[0]["text"] if evidence else "",
            "|".join(sorted({source_of(index, e.get("doc", ""))[0] for e in evidence})),
        ])
    return nodes.getvalue().encode("utf-8"), edges.getvalue().encode("utf-8")


def render(graph_dir: str | os.PathLike[str], fmt: str) -> bytes:
    """The graph in one of the single-file formats (every format but ``csv``), as bytes."""
    if fmt in RDF_FORMATS:
        return _rdf(graph_dir, fmt)
    if fmt in ("graphml", "gexf"):
        return _network(load_index(graph_dir), fmt)
    raise OutputError(f"--format {fmt} writes several files or is unknown: pass --out")


def csv_targets(out: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Where ``--format csv --out OUT`` writes its node and edge tables (see module docstring)."""
    text = os.fspath(out)
    path = Path(text)
    if path.is_dir() or text.endswith(("/", os.sep)):
        return path / "nodes.csv", path / "edges.csv"
    stem = path.with_suffix("") if path.suffix.lower() == ".csv" else path
    return stem.with_name(stem.name + ".nodes.csv"), stem.with_name(stem.name + ".edges.csv")


def _umask() -> int:
    """The process umask (read from /proc where it can be, so that it is never changed)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """The mode ``open(path, "w")`` would give: the existing file's, else 0o666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _write_atomic(files: list[tuple[Path, bytes]]) -> None:
    """Write every file to a temporary name first, then rename them all: nothing half-written.

    The temporary file (private, 0600) gets the mode a plain ``open(path, "w")`` would give
    before it is renamed, so exports honour the umask.
    """
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
                with os.fdopen(fd, "wb") as fh:
                    temps.append((tmp, path))
                    fh.write(data)
                os.chmod(tmp, _mode_for(path))
            except OSError as exc:
                raise OutputError(
                    f"cannot write {path}: {exc.strerror or exc}; choose another --out"
                ) from exc
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)


def export(graph_dir: str | os.PathLike[str], fmt: str, out: str | os.PathLike[str]) -> list[Path]:
    """Write the graph in ``fmt`` to ``out`` (each file written to a temporary name, then renamed).

    Returns the paths written: one file, or two for ``csv``.
    """
    if fmt == "csv":
        nodes, edges = _csv_tables(load_index(graph_dir))
        node_path, edge_path = csv_targets(out)
        _write_atomic([(node_path, nodes), (edge_path, edges)])
        return [node_path, edge_path]
    path = Path(out)
    _write_atomic([(path, render(graph_dir, fmt))])
    return [path]
