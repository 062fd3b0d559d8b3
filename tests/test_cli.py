"""The CLI as a whole: every command documented, `kg build` / `kg extract` / `kg stats` / `kg validate`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_fa9796796592fc92.txt"


@pytest.mark.parametrize("command", sorted(cli.commands), ids=str)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and f"kg {command}" in result.output


@pytest.mark.parametrize("command", sorted(cli.commands), ids=str)
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"kg {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_dash_m_kg_runs_the_cli() -> None:
    proc = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and "build" in proc.stdout


def test_extract_prints_one_json_line_per_document() -> None:
    result = CliRunner().invoke(cli, ["extract", str(SEED), str(SEED.with_name("004_1856f325c288e0b0.txt"))])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [d["doc"]["number"] for d in lines] == ["沪科提复〔2022〕8号", "沪科建复〔2024〕43号"]


def test_extract_ttl_is_turtle() -> None:
    from rdflib import Graph

    result = CliRunner().invoke(cli, ["extract", str(SEED), "--format", "ttl"])
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.output, format="turtle")) > 100


def test_build_stats_and_validate_on_one_document(tmp_path: Path) -> None:
    out = tmp_path / "g"
    result = CliRunner().invoke(cli, ["build", str(SEED), "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["documents"] == 1 and summary["entities"] > 10
    stats = CliRunner().invoke(cli, ["stats", "--graph", str(out), "--format", "json"])
    assert json.loads(stats.output)["entities"] == summary["entities"]
    check = CliRunner().invoke(cli, ["validate", "--graph", str(out)])
    assert check.exit_code == 0, check.output
    assert "conforms" in check.output


def test_stats_without_a_graph_says_how_to_build_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", "--graph", str(tmp_path)])
    assert result.exit_code != 0
    assert "kg build" in result.output


def _options(command: str) -> list[click.Option]:
    return [p for p in cli.commands[command].params if isinstance(p, click.Option)]


@pytest.mark.parametrize("command", sorted(cli.commands), ids=str)
def test_every_option_says_what_it_does(command: str) -> None:
    assert [o.name for o in _options(command) if not (o.help or "").strip()] == []


@pytest.mark.parametrize("command", sorted(c for c in cli.commands if any(o.name == "fmt" for o in _options(c))),
                         ids=str)
def test_format_help_names_every_choice_and_no_other(command: str) -> None:
    (option,) = [o for o in _options(command) if o.name == "fmt"]
    choices = set(option.type.choices)
    named = {c for c in ("text", "table", "csv", "json", "jsonld", "ttl", "trig", "nt", "nq", "graphml", "gexf")
             if re.search(rf"\b{c}\b", option.help)}
    assert named == choices
