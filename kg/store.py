"""SPARQL over the built graph: queries with pyoxigraph, the Oxigraph server, push to a store.

``query`` loads ``build/stikg.nq`` into an in-memory :class:`pyoxigraph.Store`
(bulk load) and runs SPARQL 1.1 with the default graph as the union of all
named graphs, so queries need no ``GRAPH`` clause. The prefixes of
:data:`PREFIXES` are predeclared; a query may declare its own, which win.

The Oxigraph server (``serve``) has no way to predeclare prefixes, so a query sent to it
must declare what it uses; :func:`query_endpoint` sends a query to any SPARQL endpoint
with the missing declarations of :data:`PREFIXES` added (:func:`with_prefixes`).

Example::

    >>> result = query("build", "SELECT ?p WHERE { ?p stikg:targets ?t }")  # doctest: +SKIP
    >>> result.variables
    ['p']
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import GraphNotBuiltError, QueryError, ServerError
from kg.graph import PREFIXES

__all__ = [
    "PREFIXES",
    "QueryResult",
    "Server",
    "load_store",
    "query",
    "query_endpoint",
    "with_prefixes",
    "find_oxigraph",
    "serve",
    "push",
    "shorten_iri",
]

# PREFIXES (the graph's own table, re-exported here) may be used in every query undeclared.

XSD = PREFIXES["xsd"]
_NUMERIC = {f"{XSD}{t}" for t in ("integer", "decimal", "double", "float", "int", "long")}


def shorten_iri(iri: str) -> str:
    """``https://w3id.org/stikg/resource/Program/高企贷`` → ``res:Program/高企贷``."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


@dataclass
class QueryResult:
    """The answer of a SPARQL query.

    ``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT/DESCRIBE, whose
    rows are ``subject``/``predicate``/``object``). ``rows`` hold the terms in
    SPARQL JSON results form (``{"type": "uri", "value": …}``), ``None`` for
    unbound variables.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[list[dict[str, str] | None]] = field(default_factory=list)
    boolean: bool | None = None

    def values(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values (str, int, float), e.g. for tests."""
        return [
            {v: _plain(term) for v, term in zip(self.variables, row, strict=True)}
            for row in self.rows
        ]

    def column(self, variable: str) -> list[Any]:
        """The plain values of one variable, in row order."""
        return [row[variable] for row in self.values()]

    def to_json(self) -> dict[str, Any]:
        """The W3C SPARQL 1.1 Query Results JSON format."""
        if self.kind == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        bindings = [
            {v: term for v, term in zip(self.variables, row, strict=True) if term is not None}
            for row in self.rows
        ]
        return {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}

    def to_csv(self) -> str:
        """The W3C SPARQL 1.1 Query Results CSV format (values only, CRLF lines)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if self.kind == "ask":
            writer.writerow(["boolean"])
            writer.writerow(["true" if self.boolean else "false"])
            return out.getvalue()
        writer.writerow(self.variables)
        for row in self.rows:
            writer.writerow(["" if t is None else _csv_value(t) for t in row])
        return out.getvalue()

    def display_rows(self) -> list[list[str]]:
        """Rows as short strings for a table: prefixed IRIs, literal values."""
        return [["" if t is None else _display(t) for t in row] for row in self.rows]


def _csv_value(term: dict[str, str]) -> str:
    return f"_:{term['value']}" if term["type"] == "bnode" else term["value"]


def _display(term: dict[str, str]) -> str:
    if term["type"] == "uri":
        return shorten_iri(term["value"])
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    return term["value"]


def _plain(term: dict[str, str] | None) -> Any:
    if term is None:
        return None
    if term["type"] == "literal" and term.get("datatype") in _NUMERIC:
        value = term["value"]
        try:
            return int(value)
        except ValueError:
            return float(value)
    return term["value"]


def _term_json(term: Any) -> dict[str, str] | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != f"{XSD}string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def _nquads(graph_dir: str | os.PathLike[str]) -> Path:
    path = Path(graph_dir) / "stikg.nq"
    if not path.is_file():
        raise GraphNotBuiltError(str(path))
    return path


def load_store(graph_dir: str | os.PathLike[str]) -> Any:
    """An in-memory ``pyoxigraph.Store`` holding ``graph_dir/stikg.nq`` (named graphs kept)."""
    import pyoxigraph as ox

    path = _nquads(graph_dir)
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except SyntaxError as exc:
        raise QueryError(f"{path} is not valid N-Quads ({exc}): rebuild it with `kg build`") from exc
    return store


_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_PREFIX_USE = re.compile(r"(?<![\w<\"'?$:/#.-])([A-Za-z][\w-]*):(?=[\w%])")


def _one_line(message: str, width: int = 160) -> str:
    """The parser's message on one line: ``line L, column C: …``, long expectation lists cut."""
    message = " ".join(message.split())
    match = re.match(r"error at (\d+):(\d+):\s*(.*)", message)
    if match:
        message = f"line {match[1]}, column {match[2]}: {match[3]}"
    return message if len(message) <= width else message[: width - 1].rstrip(", ") + "…"


def _code(sparql: str) -> str:
    """The query with IRIs, strings and comments blanked out (where prefixes cannot be)."""
    return re.sub(r"<[^>\s]*>|\"[^\"\n]*\"|'[^'\n]*'|#[^\n]*", " ", sparql)


def _undeclared_prefixes(sparql: str) -> list[str]:
    """Prefixes a query uses but neither declares nor finds predeclared (a hint for errors)."""
    code = _code(sparql)
    declared = set(_PREFIX_DECL.findall(code)) | set(PREFIXES)
    used = _PREFIX_USE.findall(code)
    return sorted({p for p in used if p not in declared})


def with_prefixes(sparql: str) -> str:
    """``sparql`` with a ``PREFIX`` declaration for each of :data:`PREFIXES` it does not declare.

    The declarations go in front of the query's first line, so an error a server reports
    keeps its line number. Example::

        >>> with_prefixes("PREFIX skos: <urn:x#>\\nASK {}").count("PREFIX skos:")
        1
    """
    declared = set(_PREFIX_DECL.findall(_code(sparql)))
    missing = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared)
    return f"{missing} {sparql}" if missing else sparql


def query(graph_dir: str | os.PathLike[str], sparql: str, *, store: Any = None) -> QueryResult:
    """Run a SPARQL 1.1 query over the graph in ``graph_dir`` (or a loaded ``store``).

    Raises :class:`kg.errors.QueryError` with the parser's message, including
    line and column, when the query is malformed.
    """
    import pyoxigraph as ox

    if store is None:
        store = load_store(graph_dir)
    try:
        answer = store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
    except SyntaxError as exc:
        message = _one_line(str(exc))
        unknown = _undeclared_prefixes(sparql)
        hint = f" (unknown prefix {', '.join(p + ':' for p in unknown)})" if unknown else ""
        raise QueryError(f"malformed SPARQL query: {message}{hint}") from exc
    except OSError as exc:
        raise QueryError(f"SPARQL query failed: {exc}") from exc
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [[_term_json(sol[v]) for v in variables] for sol in answer]
        return QueryResult(kind="select", variables=variables, rows=rows)
    return _graph_result(answer)


def _graph_result(triples: Any) -> QueryResult:
    """The answer of a CONSTRUCT or DESCRIBE query: one sorted row per triple."""
    rows = [[_term_json(t.subject), _term_json(t.predicate), _term_json(t.object)] for t in triples]
    rows.sort(key=lambda r: tuple(str(sorted(t.items())) for t in r if t))
    return QueryResult(kind="graph", variables=["subject", "predicate", "object"], rows=rows)


def _result_term(term: dict[str, str] | None) -> dict[str, str] | None:
    """A term of SPARQL JSON results in the form :func:`query` gives (plain strings untyped)."""
    if term is None:
        return None
    kind = "literal" if term.get("type") == "typed-literal" else term.get("type", "literal")
    out = {"type": kind, "value": term.get("value", "")}
    if kind == "literal":
        if term.get("xml:lang"):
            out["xml:lang"] = term["xml:lang"]
        elif term.get("datatype") and term["datatype"] != f"{XSD}string":
            out["datatype"] = term["datatype"]
    return out


def _shift_columns(message: str, shift: int) -> str:
    """``error at 1:C`` → ``error at 1:C-shift``: columns of the query as the user wrote it."""
    match = re.match(r"(\s*error at 1:)(\d+)", message)
    if not match or shift <= 0:
        return message
    return f"{match[1]}{max(1, int(match[2]) - shift)}{message[match.end():]}"


def _http_query(endpoint: str, sparql: str, timeout: float, shift: int = 0) -> tuple[str, bytes]:
    """POST ``sparql`` to ``endpoint``; (content type, body) of the answer.

    ``shift`` is the number of characters added in front of the user's query, taken off
    the columns of line 1 in a parser message.
    """
    parsed = urllib.parse.urlsplit(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ServerError(f"--endpoint {endpoint!r} is not an http(s) URL of a SPARQL endpoint")
    request = urllib.request.Request(
        endpoint,
        data=urllib.parse.urlencode({"query": sparql}).encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.headers.get_content_type(), resp.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip()
        if exc.code == 400:
            message = _one_line(_shift_columns(detail, shift) or str(exc.reason))
            raise QueryError(f"malformed SPARQL query: {message}") from exc
        raise ServerError(f"{endpoint} answered HTTP {exc.code}: {_one_line(detail or exc.reason)}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ServerError(f"cannot reach {endpoint}: {reason}; is the server running?") from exc


def query_endpoint(endpoint: str, sparql: str, *, timeout: float = 60) -> QueryResult:
    """Run a SPARQL query at a SPARQL 1.1 endpoint, with the prefixes :func:`query` predeclares.

    The declarations of :data:`PREFIXES` the query lacks are added (:func:`with_prefixes`),
    so the queries of ``queries/`` and the README run unchanged against ``kg serve``, which
    cannot predeclare prefixes itself. The result has the same form as :func:`query`'s.
    Example: ``query_endpoint("http://127.0.0.1:7878/query", "ASK { ?p stikg:targets ?t }")``.
    Raises :class:`kg.errors.QueryError` when the endpoint rejects the query and
    :class:`kg.errors.ServerError` when it cannot be reached or does not answer SPARQL.
    """
    import json

    import pyoxigraph as ox

    full = with_prefixes(sparql)
    try:
        content_type, body = _http_query(endpoint, full, timeout, shift=len(full) - len(sparql))
    except QueryError as exc:
        unknown = _undeclared_prefixes(sparql)
        if not unknown:
            raise
        raise QueryError(f"{exc} (unknown prefix {', '.join(p + ':' for p in unknown)})") from exc
    if content_type == "application/sparql-results+json":
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ServerError(f"{endpoint} answered invalid SPARQL JSON results ({exc})") from exc
        if "boolean" in data:
            return QueryResult(kind="ask", boolean=bool(data["boolean"]))
        variables = list(data.get("head", {}).get("vars", []))
        rows = [[_result_term(b.get(v)) for v in variables]
                for b in data.get("results", {}).get("bindings", [])]
        return QueryResult(kind="select", variables=variables, rows=rows)
    if content_type == "application/n-triples":
        try:
            return _graph_result(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise ServerError(f"{endpoint} answered invalid N-Triples ({exc})") from exc
    raise ServerError(f"{endpoint} answered {content_type}, not SPARQL results: is it a SPARQL endpoint?")


def find_oxigraph() -> str:
    """Path of the ``oxigraph`` server binary: next to the Python executable, else on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise ServerError(
        "the oxigraph server binary was not found next to Python or on PATH: pip install oxigraph"
    )


@dataclass
class Server:
    """A running Oxigraph server process; ``stop()`` (or ``with``) ends it and cleans up."""

    process: subprocess.Popen[bytes]
    url: str
    location: str
    owns_location: bool = True

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.url}/query"

    @property
    def store_url(self) -> str:
        """The SPARQL 1.1 Graph Store Protocol endpoint."""
        return f"{self.url}/store"

    def stop(self) -> None:
        """Terminate the server and remove its temporary database."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.owns_location:
            shutil.rmtree(self.location, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _wait_ready(process: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    probe = f"{url}/query?query={urllib.parse.quote('ASK {}')}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode("utf-8", "replace").strip() if process.stderr else ""
            last = err.splitlines()[-1] if err else f"exit code {process.returncode}"
            raise ServerError(f"oxigraph server stopped at start-up: {last}")
        try:
            with urllib.request.urlopen(probe, timeout=1) as resp:
                if resp.status == 200 and process.poll() is None:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    process.terminate()
    raise ServerError(f"oxigraph server did not answer at {url} within {timeout:.0f} s")


def _check_port_free(host: str, port: int) -> None:
    """Refuse a port something already listens on (else the probe would reach the other server)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise ServerError(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}): choose another --port"
            ) from exc


def start_server(
    location: str, port: int, host: str = "127.0.0.1", *, read_only: bool, timeout: float = 20
) -> Server:
    """Start ``oxigraph serve`` (or ``serve-read-only``) on an existing database directory."""
    binary = find_oxigraph()
    _check_port_free(host, port)
    command = "serve-read-only" if read_only else "serve"
    args = [binary, command, "--location", location, "--bind", f"{host}:{port}"]
    if read_only:
        args.append("--union-default-graph")
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://{host}:{port}"
    try:
        _wait_ready(process, url, timeout)
    except BaseException:
        if process.poll() is None:
            process.kill()
            process.wait()
        raise
    return Server(process=process, url=url, location=location, owns_location=False)


def serve(
    graph_dir: str | os.PathLike[str], port: int = 7878, host: str = "127.0.0.1"
) -> Server:
    """Start the real Oxigraph server, read-only, over the built graph; returns when it answers.

    The graph is loaded with ``oxigraph load`` into a temporary database that
    ``Server.stop()`` removes; SPARQL queries see the union of all named graphs.
    Example: ``with serve("build", 7878) as server: print(server.query_url)``.
    """
    nquads = _nquads(graph_dir)
    binary = find_oxigraph()
    location = tempfile.mkdtemp(prefix="stikg-oxigraph-")
    try:
        loaded = subprocess.run(
            [binary, "load", "--location", location, "--file", str(nquads)],
            capture_output=True,
            check=False,
        )
        if loaded.returncode != 0:
            err = loaded.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ServerError(f"oxigraph could not load {nquads}: {err[-1] if err else 'failed'}")
        server = start_server(location, port, host, read_only=True)
    except BaseException:
        shutil.rmtree(location, ignore_errors=True)
        raise
    server.owns_location = True
    return server


def _graphs(graph_dir: str | os.PathLike[str]) -> dict[str, list[Any]]:
    """The quads of ``stikg.nq`` grouped by graph name (default graph under ``""``)."""
    import pyoxigraph as ox

    path = _nquads(graph_dir)
    graphs: dict[str, list[Any]] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graphs.setdefault(name, []).append(quad.triple)
    return graphs


def push(
    graph_dir: str | os.PathLike[str], endpoint: str, *, timeout: float = 60
) -> list[tuple[str, int]]:
    """Load the graph into a SPARQL 1.1 Graph Store Protocol endpoint, one named graph per document.

    Each named graph of ``stikg.nq`` is sent with ``PUT {endpoint}?graph=IRI``
    as ``application/n-triples`` (replacing what the store held under that
    name); triples outside named graphs go to ``?default``. Returns
    ``[(graph IRI, triple count)]`` in the order sent.
    Example: ``push("build", "http://127.0.0.1:7878/store")`` (Fuseki: ``…/dataset/data``).
    """
    import pyoxigraph as ox

    parsed = urllib.parse.urlsplit(endpoint)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ServerError(f"--endpoint {endpoint!r} is not an http(s) URL of a Graph Store endpoint")
    sent: list[tuple[str, int]] = []
    for name, triples in sorted(_graphs(graph_dir).items()):
        body = ox.serialize(sorted(triples, key=str), format=ox.RdfFormat.N_TRIPLES)
        target = "default" if not name else "graph=" + urllib.parse.quote(name, safe="")
        sep = "&" if parsed.query else "?"
        request = urllib.request.Request(
            f"{endpoint}{sep}{target}",
            data=body,
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:200]
            raise ServerError(
                f"{endpoint} refused graph <{name or 'default'}>: HTTP {exc.code} {detail}"
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ServerError(f"cannot reach {endpoint}: {reason}; is the store running?") from exc
        sent.append((name, len(triples)))
    return sent
