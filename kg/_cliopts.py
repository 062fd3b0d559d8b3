"""What every ``kg`` command shares: error handling, the common options, JSON and console output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

import click

from kg.errors import KgError

__all__ = ["DEFAULT_GRAPH", "config_option", "echo_json", "format_option", "graph_option", "handle_errors",
           "model_option"]

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


#: What each ``--format`` choice prints, for the help of commands that do not say more.
_FORMAT_HELP = {
    "text": "for reading",
    "table": "for reading",
    "csv": "for spreadsheets",
    "json": "for scripts",
}


def format_option(*choices: str, default: str | None = None, help: str | None = None) -> Callable[..., Any]:
    """The shared ``--format`` option; ``help`` says what each choice gives (else a generic line)."""
    if help is None:
        help = "Output format: " + ", ".join(f"{c} ({_FORMAT_HELP.get(c, c)})" for c in choices) + "."
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default or choices[0],
        show_default=True,
        help=help,
    )


def graph_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """The shared ``--graph DIR`` option: where ``kg build`` wrote its output."""
    return click.option(
        "--graph",
        "graph_dir",
        default=DEFAULT_GRAPH,
        show_default=True,
        type=click.Path(file_okay=False),
        help="The graph to read: the directory `kg build` wrote (stikg.nq, graph.json).",
    )(func)


def config_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--config FILE``: the extraction pipeline's spaCy config (default: kg/pipeline.cfg)."""
    return click.option(
        "--config", "config", default=None, type=click.Path(dir_okay=False),
        help="Extraction pipeline config (spaCy .cfg; default: the shipped kg/pipeline.cfg). "
             "Swap a component or point paths.lexicon / paths.vocab at your own data.",
    )(func)


def model_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--model DIR``: a model directory written by ``kg train`` (default: the shipped model)."""
    return click.option(
        "--model", "model", default=None, type=click.Path(),
        help="Trained model directory written by `kg train` (default: the model shipped with stikg; "
             "`none`: the rules alone).",
    )(func)


def echo_json(data: Any) -> None:
    """Print JSON for scripts: UTF-8, not ASCII-escaped, stable key order."""
    click.echo(json.dumps(data, ensure_ascii=False, sort_keys=True))


def _console() -> Any:
    """A rich console; lines are not hard-wrapped, tables are 120 columns wide when piped."""
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:
        console = Console(highlight=False, soft_wrap=True, width=120)
    return console
