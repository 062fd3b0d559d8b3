"""Check a stikg graph against the SHACL shapes in ``ontology/shapes.ttl``.

Each SHACL result becomes a :class:`Violation` that names the node at fault and,
when the graph carries provenance for it, the document span it came from, so a
user can go back to the sentence.

Example
-------
>>> from kg.validate import validate
>>> for v in validate(graph):          # doctest: +SKIP
...     print(v)
Violation: https://w3id.org/stikg/resource/Program/高企贷 stikg:targets — targets 的客体须为… [004_1856f325c288e0b0:2345-2410]
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from kg.graph import PREFIXES, STIKG

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

__all__ = [
    "ONTOLOGY_DIR",
    "ONTOLOGY_PATH",
    "SHAPES_PATH",
    "Violation",
    "validate",
]

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"
ONTOLOGY_PATH = ONTOLOGY_DIR / "stikg.ttl"
SHAPES_PATH = ONTOLOGY_DIR / "shapes.ttl"

_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result.

    ``focus`` is the IRI of the node at fault, ``path`` the property (``stikg:targets``,
    ``^stikg:hasObservation``) or ``None`` for node-level checks, ``value`` the offending
    value (IRI or literal text) if any, ``severity`` is ``Violation``, ``Warning`` or
    ``Info``, ``source`` is ``"doc-id:start-end"`` (or just ``"doc-id"``) locating the
    evidence, and ``component`` the SHACL constraint component that failed.
    """

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    source: str | None = None
    component: str = ""

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = f" = {self.value}" if self.value is not None else ""
        source = f" [{self.source}]" if self.source else ""
        return f"{self.severity}: {self.focus}{where}{value} — {self.message}{source}"


def validate(
    graph: Graph | str | os.PathLike[str],
    *,
    shapes_path: str | os.PathLike[str] | None = None,
    ontology_path: str | os.PathLike[str] | None = None,
) -> list[Violation]:
    """Validate ``graph`` against the stikg shapes and return every result, sorted.

    Parameters
    ----------
    graph : rdflib.Graph, rdflib.Dataset or path
        The graph to check; a dataset is validated as the union of its graphs, a path
        is parsed with the format guessed from its suffix.
    shapes_path, ontology_path : path, optional
        SHACL shapes and ontology (for ``rdfs:subClassOf``); default to
        :data:`SHAPES_PATH` and :data:`ONTOLOGY_PATH`.

    Returns
    -------
    list of Violation
        Empty when the graph conforms. Violations come before warnings.
    """
    import pyshacl

    data = _as_graph(graph)
    shapes = _parse(Path(shapes_path or SHAPES_PATH), "SHACL shapes")
    ontology = _parse(Path(ontology_path or ONTOLOGY_PATH), "ontology")
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=False,
        abort_on_first=False,
        allow_warnings=False,
        meta_shacl=False,
    )
    return _read_report(report, data, shapes)


def _parse(path: Path, what: str) -> Graph:
    """Parse a Turtle file, with one clear error naming it."""
    from rdflib import Graph

    if not path.is_file():
        raise FileNotFoundError(f"{path}: {what} file not found")
    try:
        return Graph().parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several parser-specific types
        raise ValueError(f"{path}: cannot parse {what} as Turtle: {_one_line(exc)}") from exc


def _one_line(exc: Exception) -> str:
    """An exception message on one line (rdflib parser errors span several)."""
    return " ".join(str(exc).split())


def _as_graph(graph: Any) -> Graph:
    """The data as one rdflib Graph: datasets are merged, paths are parsed."""
    from rdflib import Dataset, Graph
    from rdflib.util import guess_format

    if isinstance(graph, Dataset):
        merged = Graph()
        for s, p, o, _ctx in graph.quads((None, None, None, None)):
            merged.add((s, p, o))
        return merged
    if isinstance(graph, Graph):
        return graph
    path = Path(graph)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: graph file not found")
    fmt = guess_format(str(path)) or "turtle"
    try:
        if fmt in ("nquads", "trig"):
            return _as_graph(Dataset().parse(path, format=fmt))
        return Graph().parse(path, format=fmt)
    except Exception as exc:  # rdflib raises several parser-specific types
        raise ValueError(f"{path}: cannot parse graph as {fmt}: {_one_line(exc)}") from exc


def _read_report(report: Graph, data: Graph, shapes: Graph) -> list[Violation]:
    """Turn pyshacl's results graph into sorted :class:`Violation` objects."""
    from rdflib import RDF, BNode, Namespace, URIRef

    sh = Namespace("http://www.w3.org/ns/shacl#")
    sources = _SourceIndex(data)
    out: set[Violation] = set()
    for result in report.subjects(RDF.type, sh.ValidationResult):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        value = report.value(result, sh.value)
        severity = report.value(result, sh.resultSeverity)
        component = report.value(result, sh.sourceConstraintComponent)
        shape = report.value(result, sh.sourceShape)
        messages = sorted(str(m) for m in report.objects(result, sh.resultMessage))
        predicates = set(shapes.objects(shape, sh.targetSubjectsOf)) if shape is not None else set()
        if isinstance(path, URIRef):
            predicates = {path}
        out.add(
            Violation(
                focus=str(focus),
                path=_path_text(report, path) if path is not None else None,
                value=None if value is None or isinstance(value, BNode) else str(value),
                message="; ".join(messages) or _local(component),
                severity=_local(severity) or "Violation",
                source=sources.locate(focus, predicates, value if path is not None else None),
                component=_local(component),
            )
        )
    return sorted(out, key=_sort_key)


def _sort_key(v: Violation) -> tuple[Any, ...]:
    return (
        _SEVERITY_ORDER.get(v.severity, 9),
        v.focus,
        v.path or "",
        v.value or "",
        v.message,
        v.component,
        v.source or "",
    )


def _short(term: Node) -> str:
    """``stikg:targets`` for a known namespace, the full IRI otherwise."""
    text = str(term)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and prefix != "res":
            return f"{prefix}:{text[len(ns) :]}"
    return text


def _path_text(report: Graph, path: Node) -> str:
    """A SHACL path as text: ``stikg:x``, ``^stikg:x`` or ``stikg:x+``."""
    from rdflib import BNode, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    if not isinstance(path, BNode):
        return _short(path)
    for key, fmt in ((sh.inversePath, "^{}"), (sh.oneOrMorePath, "{}+"),
                     (sh.zeroOrMorePath, "{}*"), (sh.zeroOrOnePath, "{}?")):
        inner = report.value(path, key)
        if inner is not None:
            return fmt.format(_path_text(report, inner))
    return "(path)"


def _local(term: Node | None) -> str:
    """Local name of an IRI (after ``#`` or the last ``/``)."""
    if term is None:
        return ""
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _doc_id(term: Node) -> str:
    """Document id of a source-document IRI: the part after ``/doc/``."""
    text = str(term)
    tail = text.split("/doc/", 1)[1] if "/doc/" in text else _local(term)
    return unquote(tail)


_Span = tuple[str, int, int]


def _span_text(span: _Span) -> str:
    doc, start, end = span
    return f"{doc}:{start}-{end}" if end >= 0 else f"{doc}:{start}"


class _SourceIndex:
    """Where in the source documents a node (or the evidence about it) comes from."""

    def __init__(self, data: Graph) -> None:
        from rdflib import RDF, Namespace

        stikg = Namespace(STIKG)
        prov = Namespace("http://www.w3.org/ns/prov#")
        self._data = data
        self._stikg = stikg
        self._prov = prov
        self._own: dict[Node, _Span] = {}
        self._as_subject: dict[Node, list[tuple[Node | None, Node | None, _Span]]] = defaultdict(list)
        self._as_object: dict[Node, list[_Span]] = defaultdict(list)
        for node, start in data.subject_objects(stikg.startOffset):
            doc = data.value(node, prov.wasDerivedFrom)
            if doc is None or _int(start) < 0:
                continue
            span = (_doc_id(doc), _int(start), _int(data.value(node, stikg.endOffset)))
            self._own[node] = span
            subject = data.value(node, RDF.subject) or data.value(node, stikg.subject)
            obj = data.value(node, RDF.object)
            if subject is not None:
                self._as_subject[subject].append((data.value(node, RDF.predicate), obj, span))
            if obj is not None:
                self._as_object[obj].append(span)
        self._docs = set(data.subjects(RDF.type, stikg.SourceDocument))

    def locate(self, focus: Node | None, predicates: set[Node], value: Node | None) -> str | None:
        """``doc:start-end`` of the earliest matching evidence, else ``doc``, else ``None``.

        Tries the focus node's own evidence, then the assertion of the offending edge
        (focus, predicate, value), then any assertion or observation about the focus,
        then assertions with the focus as object, then the documents it is derived from
        or mentioned in.
        """
        if focus is None:
            return None
        if focus in self._own:
            return _span_text(self._own[focus])
        if focus in self._docs:
            return _doc_id(focus)
        stated = self._as_subject.get(focus, [])
        for keep in (
            lambda p, o: p in predicates and (value is None or o == value),
            lambda p, o: True,
        ):
            spans = [span for p, o, span in stated if keep(p, o)]
            if spans:
                return _span_text(min(spans))
        if self._as_object.get(focus):
            return _span_text(min(self._as_object[focus]))
        docs = set(self._data.objects(focus, self._prov.wasDerivedFrom))
        docs |= set(self._data.objects(focus, self._stikg.mentionedIn))
        return min((_doc_id(d) for d in docs), default=None)


def _int(term: Node | None) -> int:
    """An offset literal as int, ``-1`` when missing or not a number."""
    try:
        return int(str(term)) if term is not None else -1
    except ValueError:
        return -1
