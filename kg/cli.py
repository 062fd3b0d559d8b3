"""The ``kg`` command line: each command parses, calls one library function, prints.

Heavy libraries are imported inside the commands, so ``kg --help`` is fast.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from kg import __version__
from kg._cli_quality import eval_command, train_command
from kg._cliopts import (
    DEFAULT_GRAPH,
    _console,
    config_option,
    echo_json,
    format_option,
    graph_option,
    handle_errors,
    model_option,
)

__all__ = ["main", "cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """stikg — a knowledge graph of science-and-technology innovation policy.

    \b
    Build the graph from documents, then ask it questions:
      kg build seeds/            # documents → build/stikg.ttl, graph.json …
      kg connect 高企贷 InnoMatch  # what connects X to Y
      kg show 市科委               # everything about one entity
      kg query -f queries/01_programs_of_commission.rq
    """


# --- building the graph (issue 2) ---


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--out", "out_dir", default=DEFAULT_GRAPH, show_default=True, type=click.Path(),
              help="Directory to write the graph files into (made if missing).")
@click.option("--strict", is_flag=True, help="Fail on the first document that cannot be read (default: report and skip it).")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation of the built graph.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Extract documents in this many processes in parallel; the output is the same for any number.")
@click.option("--cache", "cache_dir", default=".kgcache", show_default=True, type=click.Path(file_okay=False),
              help="Directory of cached per-document extractions; unchanged documents are not re-extracted.")
@click.option("--no-cache", is_flag=True, help="Extract every document again; neither read nor write the cache.")
@click.option("--manifest", "manifest", default=None, type=click.Path(dir_okay=False),
              help="A .csv or .jsonl file of sources: path, url, title, date, issuer, 文号 per document; "
                   "used over what the headers say, every difference reported.")
@click.option("--executor", default="processes", show_default=True, type=click.Choice(["processes", "dask"]),
              help="Where documents are extracted: local processes (--workers), or a Dask cluster (--scheduler).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="With --executor dask: the scheduler's address, e.g. tcp://10.0.0.5:8786.")
@config_option
@model_option
@format_option("text", "json")
@handle_errors
def build(paths: tuple[str, ...], out_dir: str, strict: bool, no_validate: bool, workers: int,
          cache_dir: str, no_cache: bool, manifest: str | None, executor: str, scheduler: str | None,
          config: str | None, model: str | None, fmt: str) -> None:
    """Build the graph from documents (default: seeds/) into --out (default: build/).

    \b
    Reads .txt, .md, .html (saved web pages), .pdf (with a text layer), .docx and
    .doc (with antiword). Writes stikg.ttl, stikg.nq (one named graph per
    document), graph.json, extraction.jsonl and texts/ (each document's text as
    read, which evidence offsets point into), validates the graph against
    ontology/shapes.ttl and prints a summary. Every file under a folder is read
    or reported with the reason.
    \b
    Example:
      kg build seeds/ --out build/
      kg build downloads/ --manifest downloads/sources.csv
      kg build corpus/ --workers 2          # parallel extraction
      kg build seeds/ --no-cache            # re-extract everything
      kg build corpus/ --executor dask --scheduler tcp://10.0.0.5:8786
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from kg.documents import iter_sources
    from kg.pipeline import build as run_build

    paths = paths or ("seeds",)
    err = Console(stderr=True)
    total = len(iter_sources(paths, exclude=[manifest] if manifest else [])[0])
    with Progress(
        TextColumn("[bold]extracting"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
        console=err, transient=True, disable=fmt == "json" or not err.is_terminal,
    ) as bar:
        task = bar.add_task("", total=total)
        finished = [0]

        def step(path: str) -> None:
            finished[0] += 1
            bar.update(task, completed=finished[0], description=path.rsplit("/", 1)[-1])

        def piece(path: str, done: int, size: int) -> None:  # a long document advances piece by piece
            name = path.rsplit("/", 1)[-1]
            bar.update(task, completed=finished[0] + done / max(size, 1), description=f"{name} {100 * done // max(size, 1)}%")

        result = run_build(paths, out_dir, strict=strict, validate=not no_validate, progress=step, on_piece=piece,
                           workers=workers, cache=None if no_cache else cache_dir, config=config,
                           manifest=manifest, model=model, executor=executor, scheduler=scheduler)
    summary = result.summary()
    summary["ignored"] = [{"path": p, "reason": why} for p, why in result.ignored]
    summary["notes"] = list(result.notes)
    summary["cache"] = {"hits": result.cache_hits, "misses": result.cache_misses}
    summary["out"] = str(result.out_dir)
    summary["failures"] = [{"path": f.path, "message": f.message} for f in result.failures]
    summary["violation_messages"] = [str(v) for v in result.violations[:50]]
    if fmt == "json":
        echo_json(summary)
        return
    for f in result.failures:
        click.echo(f"skipped {f.path}: {f.message}", err=True)
    for p, why in result.ignored:
        click.echo(f"ignored {p}: {why}", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    _print_summary(summary)
    if not no_cache:
        failed = f", {len(result.failures)} failed" if result.failures else ""
        click.echo(f"cache {cache_dir}: {result.cache_hits} document(s) reused, "
                   f"{result.cache_misses - len(result.failures)} extracted{failed}", err=True)
    for v in result.violations[:20]:
        click.echo(f"SHACL: {v}", err=True)
    if result.violations:
        click.echo(f"{len(result.violations)} SHACL violation(s); see `kg validate`.", err=True)
    click.echo(f"Wrote {', '.join(str(p) + ('/' if p.is_dir() else '') for p in result.files)}")


def _print_summary(summary: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from kg.model import RELATION_LABELS, SUBCLASS_OF, type_label

    console = Console()
    table = Table(title="stikg graph", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("documents", str(summary["documents"]))
    table.add_row("entities", str(summary["entities"]))
    for t, n in sorted(summary["by_type"].items(), key=lambda tn: (SUBCLASS_OF.get(tn[0], tn[0]), tn[0] in SUBCLASS_OF, tn[0])):
        zh = type_label(t)[0]
        indent = "    " if t in SUBCLASS_OF else "  "
        table.add_row(f"{indent}{t} {zh}", str(n))
    table.add_row("relations (distinct edges)", str(summary["relations"]))
    for r, n in summary["by_relation"].items():
        zh = RELATION_LABELS.get(r, (r, r))[0]
        table.add_row(f"  {r} {zh}", str(n))
    table.add_row("statements (evidence sentences)", str(summary["statements"]))
    table.add_row("observations", str(summary["observations"]))
    console.print(table)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@config_option
@model_option
@format_option("json", "ttl", help="json: the SPEC extraction JSON, one line per document; ttl: the same as Turtle.")
@handle_errors
def extract(files: tuple[str, ...], config: str | None, model: str | None, fmt: str) -> None:
    """Extract entities, relations and observations from FILES (no cross-document resolution).

    \b
    --format json prints the SPEC extraction JSON, one line per document;
    --format ttl prints the same as Turtle.
    \b
    Example:
      kg extract seeds/*.txt --format json > pred.jsonl
    """
    from kg.documents import iter_paths, read_document
    from kg.nlp import get_nlp
    from kg.pipeline import extract_document, read_config

    nlp = get_nlp(read_config(config, model))
    docs = [read_document(p) for p in iter_paths(files)]
    extractions = [extract_document(d, nlp=nlp) for d in docs]
    if fmt == "json":
        for x in extractions:
            click.echo(json.dumps(x.to_json(), ensure_ascii=False, sort_keys=True))
        return
    from kg.graph import to_quads, to_rdf
    from kg.pipeline import _merge

    click.echo(to_rdf(to_quads(_merge(extractions))).serialize(format="turtle"), nl=False)


@cli.command()
@graph_option
@format_option("text", "json")
@handle_errors
def stats(graph_dir: str, fmt: str) -> None:
    """Counts of the built graph: entities by type, relations by name, observations.

    The same counts as the `kg build` summary and the explorer's header: relations are
    distinct edges (source, relation, target); statements the sentences stating them.

    \b
    Example:
      kg stats --graph build/
    """
    from kg.graph import graph_counts, read_index

    summary = graph_counts(read_index(graph_dir))
    if fmt == "json":
        echo_json(summary)
    else:
        _print_summary(summary)


@cli.command()
@graph_option
@format_option("text", "json")
@handle_errors
def validate(graph_dir: str, fmt: str) -> None:
    """Validate the built graph against the SHACL shapes in ontology/shapes.ttl.

    Exits 1 when there are violations, each printed with the document and
    offsets it came from.
    \b
    Example:
      kg validate --graph build/
    """
    from pathlib import Path

    from rdflib import Graph

    from kg.errors import GraphNotBuiltError
    from kg.validate import validate as shacl_validate

    path = Path(graph_dir) / "stikg.ttl"
    if not path.exists():
        raise GraphNotBuiltError(str(path))
    g = Graph()
    g.parse(path, format="turtle")
    violations = shacl_validate(g)
    if fmt == "json":
        echo_json([v.__dict__ if hasattr(v, "__dict__") else str(v) for v in violations])
    else:
        for v in violations:
            click.echo(str(v))
        click.echo(f"{len(violations)} violation(s) in {path}" if violations else f"{path} conforms to the shapes.")
    if violations:
        sys.exit(1)


def main() -> None:
    """Entry point of the ``kg`` console script."""
    cli(prog_name="kg")


# --- using the graph (issue 3) ---


@cli.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(dir_okay=False),
              help="Read the query from a .rq file instead of the QUERY argument.")
@click.option("--endpoint", metavar="URL", default=None,
              help="Send the query to this SPARQL endpoint (e.g. the one `kg serve` prints) "
                   "instead of reading --graph; the predeclared prefixes are added to it.")
@format_option("table", "csv", "json",
               help="table (to read), csv or json (the W3C SPARQL 1.1 results formats, for scripts).")
@graph_option
@handle_errors
def query(sparql: str | None, query_file: str | None, endpoint: str | None, fmt: str,
          graph_dir: str) -> None:
    """Run a SPARQL query over the built graph (pyoxigraph) or at a SPARQL endpoint.

    The prefixes stikg: res: skos: prov: dcterms: rdfs: rdf: xsd: owl: are
    predeclared; the default graph is the union of all named graphs. With
    --endpoint the declarations the query lacks are sent with it, since a
    server such as `kg serve` cannot predeclare them.

    \b
    Examples:
      kg query 'SELECT DISTINCT ?p WHERE { ?p stikg:targets/skos:prefLabel "高新技术企业"@zh }'
      kg query -f queries/02_financing_for_high_tech.rq --format csv
      kg query -f queries/05_aliases_of_eastern_centre.rq --endpoint http://127.0.0.1:7878/query
    """
    from kg.errors import InputError
    from kg.store import query as run_query
    from kg.store import query_endpoint

    if (sparql is None) == (query_file is None):
        raise InputError("give either a SPARQL QUERY argument or -f FILE.rq (not both)")
    if query_file is not None:
        try:
            with open(query_file, encoding="utf-8") as fh:
                sparql = fh.read()
        except OSError as exc:
            raise InputError(f"cannot read {query_file}: {exc.strerror or exc}") from exc
    if not sparql or not sparql.strip():
        raise InputError(f"{query_file or 'QUERY'}: the SPARQL query is empty")
    result = query_endpoint(endpoint, sparql) if endpoint else run_query(graph_dir, sparql)
    if fmt == "json":
        echo_json(result.to_json())
    elif fmt == "csv":
        click.echo(result.to_csv(), nl=False)
    elif result.kind == "ask":
        click.echo("yes" if result.boolean else "no")
    else:
        from rich.table import Table

        table = Table(*result.variables, show_lines=False)
        for row in result.display_rows():
            table.add_row(*row)
        console = _console()
        console.print(table)
        console.print(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}")


@cli.command()
@click.argument("x")
@click.argument("y")
@click.option("--max-hops", default=4, show_default=True, type=click.IntRange(1, 12),
              help="Longest path to report, in hops.")
@click.option("--paths", "n_paths", default=3, show_default=True, type=click.IntRange(1, 50),
              help="How many distinct paths to report.")
@click.option("--only", multiple=True, metavar="KIND",
              help="Follow only these relations or layers (sentence, paragraph, document); repeatable.")
@click.option("--exclude", multiple=True, metavar="KIND",
              help="Never follow these relations or layers (sentence, paragraph, document); repeatable.")
@click.option("--via", multiple=True, metavar="TYPE",
              help="Intermediate nodes must be of these types, e.g. Platform (repeatable).")
@click.option("--hub-penalty/--no-hub-penalty", default=True, show_default=True,
              help="Make paths through hubs (nodes with many neighbours) cost more.")
@format_option("text", "json", help="text (to read) or json (every path, each hop with its kind and evidence).")
@graph_option
@handle_errors
def connect(x: str, y: str, max_hops: int, n_paths: int, only: tuple[str, ...],
            exclude: tuple[str, ...], via: tuple[str, ...], hub_penalty: bool, fmt: str,
            graph_dir: str) -> None:
    """What connects X to Y: the k lightest distinct paths, strongest evidence first.

    Hops are typed relations first (主管 administeredBy, 面向 targets …), then the
    documents: both named in one sentence (同句), in one paragraph (同段), in one
    document (同文, with its 文号, issuer and date); a document's 文号 may be X or Y
    (提及 mentions, 发文 issued by). Every hop is printed with its kind and evidence.
    X and Y are labels or aliases (spaces, quote marks and case ignored); a name that
    only fits one entity partly is resolved with a note saying so. Exits 1 if nothing
    connects them, with the reason.

    \b
    Examples:
      kg connect 高企贷 InnoMatch
      kg connect 市科委 东部中心 --only administeredBy --only sentence --paths 5
      kg connect 上海交通大学 上海技术交易所 --exclude document --format json
    """
    from kg._clitext import print_paths
    from kg.paths import connect as find_paths
    from kg.paths import load_index, lookup

    index = load_index(graph_dir)
    matches = [lookup(index, name, documents=True) for name in (x, y)]
    _notes(matches)
    found = find_paths(index, matches[0].id, matches[1].id, max_hops=max_hops, paths=n_paths,
                       only=only, exclude=exclude, via=via, hub_penalty=hub_penalty)
    if fmt == "json":
        echo_json({"from": index.ref(found[0].nodes[0]), "to": index.ref(found[0].nodes[-1]),
                   "resolved": [_match_json(m) for m in matches],
                   "paths": [p.to_json(index) for p in found]})
        return
    print_paths(_console(), index, found)


def _notes(matches: list[Any]) -> None:
    """Say on stderr which node a name that is not a node's name was taken for."""
    for match in matches:
        if match.note():
            click.echo(f"note: {match.note()}", err=True)


def _match_json(match: Any) -> dict[str, Any]:
    return {"query": match.query, "id": match.id, "label": match.label, "how": match.how,
            "alternatives": list(match.alternatives)}


@cli.command()
@click.argument("name")
@format_option("text", "json")
@graph_option
@handle_errors
def show(name: str, fmt: str, graph_dir: str) -> None:
    """Everything about one entity: type, IRI, aliases, relations, observations, documents.

    \b
    Examples:
      kg show 市科委
      kg show 高企贷 --format json
    """
    from kg._clitext import print_card
    from kg.paths import card, load_index

    index = load_index(graph_dir)
    entity = card(index, name)
    if entity.match is not None:
        _notes([entity.match])
    if fmt == "json":
        echo_json(entity.to_json() | ({"resolved": _match_json(entity.match)} if entity.match else {}))
        return
    print_card(_console(), index, entity)


@cli.command()
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535),
              help="TCP port to listen on; it must be free.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (127.0.0.1: this machine only).")
@graph_option
@handle_errors
def serve(port: int, host: str, graph_dir: str) -> None:
    """Serve the built graph read-only with the real Oxigraph SPARQL server (Ctrl-C stops it).

    Queries see the union of all named graphs. The Oxigraph server cannot
    predeclare prefixes: a query sent to it declares the ones it uses, or is
    sent with `kg query --endpoint URL`, which adds stikg: res: skos: … itself.

    \b
    Example:
      kg serve --port 7878
      kg query --endpoint http://127.0.0.1:7878/query 'SELECT * WHERE { ?p stikg:targets ?t }'
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE {?s ?p ?o} LIMIT 3' \\
           http://127.0.0.1:7878/query
    """
    import signal

    from kg.store import serve as start

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the server on `kill` too
    server = start(graph_dir, port, host)
    try:  # from here on, whatever ends kg (Ctrl-C, kill, a closed pipe) stops the server
        click.echo(f"SPARQL endpoint: {server.query_url}")
        click.echo(f"Web UI:          {server.url}/   (Ctrl-C to stop)")
        click.echo(f"Prefixes:        not predeclared by the server; `kg query --endpoint "
                   f"{server.query_url}` adds them")
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@cli.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol URL of the store to load into, e.g. http://127.0.0.1:7878/store "
                   "(each named graph there is replaced).")
@graph_option
@handle_errors
def push(endpoint: str, graph_dir: str) -> None:
    """Load the graph into a SPARQL 1.1 Graph Store, one named graph per source document.

    Each named graph is replaced (HTTP PUT, N-Triples). Works with Oxigraph
    (…/store), Fuseki (…/DATASET/data), Virtuoso and QLever Graph Store endpoints.

    \b
    Example:
      kg push --endpoint http://127.0.0.1:7878/store
    """
    from kg.store import push as send

    sent = send(graph_dir, endpoint)
    for name, count in sent:
        click.echo(f"{count:6d} triples → {name or '(default graph)'}")
    click.echo(f"{len(sent)} graphs, {sum(c for _, c in sent)} triples pushed to {endpoint}")


@cli.command()
@format_option("ttl", "trig", "nt", "nq", "jsonld", "graphml", "gexf", "csv",
               help="RDF: ttl (Turtle) and nt (N-Triples) hold every triple; trig (TriG), nq "
                    "(N-Quads) and jsonld (JSON-LD with a @context) keep one named graph per "
                    "document. Networks: graphml and gexf (for Gephi), csv (node and edge tables).")
@click.option("--out", "out", type=click.Path(), default=None,
              help="File to write (default: standard output). csv writes two tables: --out FILE.csv "
                   "gives FILE.nodes.csv and FILE.edges.csv, --out DIR/ gives DIR/nodes.csv and DIR/edges.csv.")
@graph_option
@handle_errors
def export(fmt: str, out: str | None, graph_dir: str) -> None:
    """Export the graph as RDF (ttl, trig, nt, nq, jsonld) or for Gephi/pandas (graphml, gexf, csv).

    \b
    Examples:
      kg export --format graphml --out build/stikg.graphml
      kg export --format csv --out build/csv/      # nodes.csv + edges.csv
      kg export --format nt > stikg.nt
    """
    from kg.errors import InputError
    from kg.export import export as write
    from kg.export import render

    if out is None:
        if fmt == "csv":
            raise InputError("--format csv writes two tables: pass --out FILE.csv or --out DIR/")
        sys.stdout.buffer.write(render(graph_dir, fmt))
        sys.stdout.buffer.flush()
        return
    for path in write(graph_dir, fmt, out):
        click.echo(f"wrote {path}", err=True)


# --- explorer (issue 4) ---


@cli.command("viz")
@graph_option
@click.option(
    "--out",
    "out_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="HTML file to write.  [default: GRAPH/explorer.html]",
)
@click.option("--focus", default=None, help="Show only the neighbourhood of this entity (label or alias).")
@click.option("--hops", default=2, show_default=True, type=click.IntRange(min=0), help="Hops around --focus.")
@click.option("--title", default=None, help="Page title.")
@handle_errors
def viz(graph_dir: str, out_path: str | None, focus: str | None, hops: int, title: str | None) -> None:
    """Write the interactive HTML explorer (one self-contained file, works offline).

    The page opens on the largest part of the graph joined by relations, hubs labelled;
    the "Documents" button shows every entity and the documents that mention it; path
    mode finds the same paths as `kg connect`.

    \b
    Example:
      kg viz --graph build --out build/explorer.html
      kg viz --focus 市科委 --hops 2 --out build/shikewei.html
    """
    from pathlib import Path

    from kg.explorer import DEFAULT_TITLE, read_index, write_explorer

    index = read_index(graph_dir)
    if focus:
        from kg.paths import Index, lookup

        match = lookup(Index.from_dict(index), focus)
        _notes([match])
        focus = match.id
    out = Path(out_path) if out_path else Path(graph_dir) / "explorer.html"
    written = write_explorer(index, out, focus=focus, hops=hops, title=title or DEFAULT_TITLE)
    click.echo(f"Explorer 浏览页: {written}  (open it in a browser 用浏览器打开)")


# --- quality and training (issues 8, 9): kg/_cli_quality.py ---

cli.add_command(eval_command)
cli.add_command(train_command)
