"""The ``kg`` command line: each command parses, calls one library function, prints.

Heavy libraries are imported inside the commands, so ``kg --help`` is fast.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click

from kg import __version__
from kg.errors import KgError

__all__ = ["main", "cli"]

DEFAULT_GRAPH = "build"


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into one-line messages and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)

    return wrapper


def format_option(*choices: str, default: str | None = None) -> Callable[..., Any]:
    """The shared ``--format`` option."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default or choices[0],
        show_default=True,
        help="Output format (json for scripts).",
    )


def graph_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """The shared ``--graph DIR`` option: where ``kg build`` wrote its output."""
    return click.option(
        "--graph",
        "graph_dir",
        default=DEFAULT_GRAPH,
        show_default=True,
        type=click.Path(file_okay=False),
        help="Directory written by `kg build`.",
    )(func)


def echo_json(data: Any) -> None:
    """Print JSON for scripts: UTF-8, not ASCII-escaped, stable key order."""
    click.echo(json.dumps(data, ensure_ascii=False, sort_keys=True))


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
@click.option("--out", "out_dir", default=DEFAULT_GRAPH, show_default=True, type=click.Path(), help="Output directory.")
@click.option("--strict", is_flag=True, help="Fail on the first document that cannot be read (default: report and skip it).")
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation of the built graph.")
@format_option("text", "json")
@handle_errors
def build(paths: tuple[str, ...], out_dir: str, strict: bool, no_validate: bool, fmt: str) -> None:
    """Build the graph from documents (default: seeds/) into --out (default: build/).

    \b
    Writes stikg.ttl, stikg.nq (one named graph per document), graph.json and
    extraction.jsonl, validates the graph against ontology/shapes.ttl and
    prints a summary.
    \b
    Example:
      kg build seeds/ --out build/
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from kg.documents import iter_paths
    from kg.pipeline import build as run_build

    paths = paths or ("seeds",)
    err = Console(stderr=True)
    total = len(iter_paths(paths))
    with Progress(
        TextColumn("[bold]extracting"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
        console=err, transient=True, disable=fmt == "json" or not err.is_terminal,
    ) as bar:
        task = bar.add_task("", total=total)

        def step(path: str) -> None:
            bar.update(task, advance=1, description=path.rsplit("/", 1)[-1])

        result = run_build(paths, out_dir, strict=strict, validate=not no_validate, progress=step)
    summary = result.summary()
    summary["out"] = str(result.out_dir)
    summary["failures"] = [{"path": f.path, "message": f.message} for f in result.failures]
    summary["violation_messages"] = [str(v) for v in result.violations[:50]]
    if fmt == "json":
        echo_json(summary)
        return
    for f in result.failures:
        click.echo(f"skipped {f.path}: {f.message}", err=True)
    _print_summary(summary)
    for v in result.violations[:20]:
        click.echo(f"SHACL: {v}", err=True)
    if result.violations:
        click.echo(f"{len(result.violations)} SHACL violation(s); see `kg validate`.", err=True)
    click.echo(f"Wrote {', '.join(str(p) for p in result.files)}")


def _print_summary(summary: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from kg.model import RELATION_LABELS, TYPE_LABELS

    console = Console()
    table = Table(title="stikg graph", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("documents", str(summary["documents"]))
    table.add_row("entities", str(summary["entities"]))
    for t, n in summary["by_type"].items():
        zh = TYPE_LABELS.get(t, (t, t))[0]
        table.add_row(f"  {t} {zh}", str(n))
    table.add_row("relations", str(summary["relations"]))
    for r, n in summary["by_relation"].items():
        zh = RELATION_LABELS.get(r, (r, r))[0]
        table.add_row(f"  {r} {zh}", str(n))
    table.add_row("observations", str(summary["observations"]))
    console.print(table)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@format_option("json", "ttl")
@handle_errors
def extract(files: tuple[str, ...], fmt: str) -> None:
    """Extract entities, relations and observations from FILES (no cross-document resolution).

    \b
    --format json prints the SPEC extraction JSON, one line per document;
    --format ttl prints the same as Turtle.
    \b
    Example:
      kg extract seeds/*.txt --format json > pred.jsonl
    """
    from kg.documents import iter_paths, read_document
    from kg.pipeline import extract_document

    docs = [read_document(p) for p in iter_paths(files)]
    extractions = [extract_document(d) for d in docs]
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

    \b
    Example:
      kg stats --graph build/
    """
    from kg.graph import index_summary, load_index

    summary = index_summary(load_index(graph_dir))
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
