"""SPARQL over the built graph: queries with pyoxigraph, the Oxigraph server, push to a store.

``query`` loads ``build/stikg.nq`` into an in-memory :class:`pyoxigraph.Store`
(bulk load) and runs SPARQL 1.1 with the default graph as the union of all
named graphs, so queries need no ``GRAPH`` clause. The prefixes of
:data:`PREFIXES` are predeclared; a query may declare its own, which win.

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


def _undeclared_prefixes(sparql: str) -> list[str]:
    """Prefixes a query uses but neither declares nor finds predeclared (a hint for errors)."""
    without_strings = re.sub(r"<[^>\s]*>|\"[^\"\n]*\"|'[^'\n]*'|#[^\n]*", " ", sparql)
    declared = set(_PREFIX_DECL.findall(without_strings)) | set(PREFIXES)
    used = _PREFIX_USE.findall(without_strings)
    return sorted({p for p in used if p not in declared})


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
    rows = [[_term_json(t.subject), _term_json(t.predicate), _term_json(t.object)] for t in answer]
    rows.sort(key=lambda r: tuple(str(sorted(t.items())) for t in r if t))
    return QueryResult(kind="graph", variables=["subject", "predicate", "object"], rows=rows)


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
