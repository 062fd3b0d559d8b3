"""The `kg query/connect/show/serve/push/export` commands, through CliRunner and a real process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kg.cli import cli

COMMANDS = ["query", "connect", "show", "serve", "push", "export"]


@pytest.fixture()
def run(minigraph):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, [*args, "--graph", str(minigraph)])

    return invoke


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"kg {command}" in result.output


def test_query_table(run):
    result = run("query", "SELECT DISTINCT ?l WHERE { ?x a stikg:Event ; skos:prefLabel ?l } ORDER BY ?l")
    assert result.exit_code == 0
    assert "全球技术转移大会" in result.output
    assert "2 rows" in result.output


def test_query_json_from_file(run, tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("# aliases\nSELECT ?a WHERE { ?x skos:prefLabel \"国家技术转移东部中心\"@zh ; skos:altLabel ?a }",
                  encoding="utf-8")
    result = run("query", "-f", str(rq), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [b["a"]["value"] for b in data["results"]["bindings"]] == ["东部中心"]


def test_query_csv(run):
    result = run("query", "ASK { ?x a stikg:Program }", "--format", "csv")
    assert result.output.splitlines() == ["boolean", "true"]


def test_malformed_query_exits_non_zero_with_position(run):
    result = run("query", "SELECT ?x WHERE {\n ?x ?p }")
    assert result.exit_code == 2
    assert "line 2, column" in result.output


def test_malformed_query_in_a_real_process(minigraph):
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "query", "SELECT * WHERE { ?s ?p", "--graph", str(minigraph)],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("Error: malformed SPARQL query: line 1, column")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_query_needs_exactly_one_source(run):
    result = run("query")
    assert result.exit_code == 2
    assert "-f FILE.rq" in result.output


def test_connect_prints_paths_with_evidence(run):
    result = run("connect", "高企贷", "InnoMatch")
    assert result.exit_code == 0
    assert "Path 2" in result.output
    assert "高企贷 —主管 administeredBy→ 上海市科学技术委员会" in result.output
    assert "上海市科学技术委员会 ←主管 administeredBy— InnoMatch全球技术供需对接平台" in result.output
    assert "沪科提复〔2023〕45号, 2023-05-16" in result.output


def test_connect_json(run):
    result = run("connect", "东部中心", "上海技术交易所", "--format", "json")
    data = json.loads(result.output)
    assert data["from"]["label"] == "国家技术转移东部中心"
    edges = data["paths"][0]["steps"][0]["edges"]
    assert {(e["relation"], e["direction"]) for e in edges} == {("partnerOf", "backward"), ("supports", "forward")}


def test_connect_prints_the_kind_of_every_hop(run):
    result = run("connect", "宁德时代", "上海交通大学", "--max-hops", "3")
    assert result.exit_code == 0, result.output
    assert "同段 in one paragraph" in result.output or "同文 in one document" in result.output
    assert "—参与 participatesIn→" in result.output


def test_connect_document_hop_shows_the_document(run):
    result = run("connect", "高企贷", "上海市人民政府办公厅")
    assert result.exit_code == 0, result.output
    assert "高企贷 —同文 in one document— 上海市人民政府办公厅" in result.output
    assert "003_ad9b0b437a45fd86" in result.output


def test_connect_json_carries_the_kind(run):
    data = json.loads(run("connect", "高企贷", "上海市人民政府办公厅", "--format", "json").stdout)
    assert data["paths"][0]["kinds"] == ["document"]
    step = data["paths"][0]["steps"][0]
    assert (step["kind"], step["kind_zh"], step["kind_en"]) == ("document", "同文", "in one document")
    assert {ev["text"] for ev in step["evidence"]} and step["documents"][0]["id"] == "003_ad9b0b437a45fd86"


def test_connect_without_path_exits_1_and_says_why(tmp_path):
    node = {"type": "Organization", "aliases": [], "docs": [], "mentions": {}, "observations": []}
    (tmp_path / "graph.json").write_text(json.dumps({
        "version": 2, "documents": {},
        "nodes": [node | {"id": f"x:{n}", "label": n} for n in ("甲", "乙")], "edges": []},
        ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["connect", "甲", "乙", "--graph", str(tmp_path)])
    assert result.exit_code == 1
    assert "甲 and 乙 share nothing" in result.output
    assert "--max-hops" not in result.output


def test_a_partial_name_is_resolved_with_a_note_on_stderr(run):
    result = run("connect", "技术交易所", "高企贷", "--format", "json")
    assert result.exit_code == 0
    assert "note: 技术交易所 → 上海技术交易所 (no node is named 技术交易所" in result.stderr
    assert json.loads(result.stdout)["resolved"][0]["how"] == "contains"


def test_a_name_that_fits_several_asks_which(run):
    result = run("show", "技术转移")
    assert result.exit_code == 2
    assert "'技术转移' fits several entities:" in result.output
    assert "国家技术转移东部中心" in result.output


def test_connect_unknown_name_suggests(run):
    result = run("connect", "高企代", "InnoMatch")
    assert result.exit_code == 2
    assert "no entity named '高企代'" in result.output
    assert "did you mean" in result.output


def test_show_card(run):
    result = run("show", "上技所")
    assert "note:" not in result.output
    assert result.exit_code == 0
    for text in ["上海技术交易所", "Platform", "https://w3id.org/stikg/resource/Platform/上海技术交易所",
                 "—合作 partnerOf→ 国家技术转移东部中心", "←参与 participatesIn— 上海交通大学",
                 "交易额", "31.4", "提升企业创新能力"]:
        assert text in result.output, text


def test_show_json(run):
    data = json.loads(run("show", "高企贷", "--format", "json").output)
    assert [(o["year"], o["value"]) for o in data["observations"]][:2] == [(2021, 1521.63), (2023, 3534.78)]


def test_export_to_stdout(run):
    result = run("export", "--format", "nt")
    assert result.exit_code == 0
    assert "<https://w3id.org/stikg/resource/Program/高企贷>" in result.output


def test_export_csv_needs_out(run):
    result = run("export", "--format", "csv")
    assert result.exit_code == 2
    assert "--out" in result.output


def test_export_csv_to_directory(run, tmp_path):
    result = run("export", "--format", "csv", "--out", f"{tmp_path}/tables/")
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["edges.csv", "nodes.csv"]


def test_missing_graph(tmp_path):
    result = CliRunner().invoke(cli, ["show", "高企贷", "--graph", str(tmp_path)])
    assert result.exit_code == 2
    assert "run `kg build` first" in result.output


def test_push_refuses_a_non_http_endpoint(run):
    result = run("push", "--endpoint", "ftp://example.org/store")
    assert result.exit_code == 2
    assert "--endpoint" in result.output
