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


def main() -> None:
    """Entry point of the ``kg`` console script."""
    cli(prog_name="kg")


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

    \b
    Example:
      kg viz --graph build --out build/explorer.html
      kg viz --focus 市科委 --hops 2 --out build/shikewei.html
    """
    from pathlib import Path

    from kg.explorer import DEFAULT_TITLE, read_index, write_explorer

    index = read_index(graph_dir)
    out = Path(out_path) if out_path else Path(graph_dir) / "explorer.html"
    written = write_explorer(index, out, focus=focus, hops=hops, title=title or DEFAULT_TITLE)
    click.echo(f"Explorer 浏览页: {written}  (open it in a browser 用浏览器打开)")
