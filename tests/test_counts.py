"""One set of counts: the build summary, `kg stats` and the explorer's header come from kg.graph.graph_counts."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kg import explorer
from kg.cli import cli
from kg.graph import graph_counts, read_index


def _page_counts(graph_dir, tmp_path) -> dict:
    index = explorer.read_index(graph_dir)
    html = explorer.write_explorer(index, tmp_path / "explorer.html").read_text(encoding="utf-8")
    block = html.split('<script type="application/json" id="kg-data">', 1)[1].split("</script>", 1)[0]
    return json.loads(block)["counts"]


def test_build_summary_stats_and_explorer_agree(seeds_build, seeds_graph, tmp_path):
    summary = seeds_build.summary()
    stats = json.loads(CliRunner().invoke(cli, ["stats", "--graph", str(seeds_graph), "--format", "json"]).stdout)
    page = _page_counts(seeds_graph, tmp_path)
    assert {k: summary[k] for k in stats} == stats == page
    assert set(summary) - set(stats) == {"failed", "violations"}


def test_counts_add_up(seeds_graph):
    counts = graph_counts(read_index(seeds_graph))
    assert sum(counts["by_relation"].values()) == counts["relations"]
    assert sum(counts["by_type"].values()) == counts["entities"]
    assert counts["statements"] >= counts["relations"]


def test_relations_are_distinct_edges_and_statements_their_sentences():
    index = {"documents": {}, "nodes": [], "edges": [
        {"source": "a", "relation": "targets", "target": "b", "evidence": [{"doc": "d", "start": 0}, {"doc": "d", "start": 9}]},
        {"source": "a", "relation": "supports", "target": "b", "evidence": [{"doc": "d", "start": 0}]},
    ]}
    counts = graph_counts(index)
    assert (counts["relations"], counts["statements"], counts["by_relation"]) == (2, 3, {"supports": 1, "targets": 1})


def test_the_cli_summary_table_prints_the_same_numbers(seeds_graph):
    result = CliRunner().invoke(cli, ["stats", "--graph", str(seeds_graph)])
    counts = graph_counts(read_index(seeds_graph))
    rows = {line.split("│")[1].strip(): line.split("│")[2].strip()
            for line in result.output.splitlines() if line.count("│") == 3}
    assert rows["relations (distinct edges)"] == str(counts["relations"])
    assert rows["statements (evidence sentences)"] == str(counts["statements"])
    assert rows["entities"] == str(counts["entities"])
