"""The explorer page as a file: self-contained, faithful to graph.json, focused, written safely."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import explorer
from kg.cli import cli
from kg.errors import EntityNotFound, GraphNotBuiltError, InputError, OutputError
from kg.model import RELATION_LABELS

FIXTURE = Path(__file__).parent / "data" / "explorer_graph.json"
RES = "https://w3id.org/stikg/resource/"


@pytest.fixture(scope="module")
def index() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def page(index, tmp_path_factory) -> str:
    out = explorer.write_explorer(index, tmp_path_factory.mktemp("viz") / "explorer.html")
    return out.read_text(encoding="utf-8")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.blocks: dict[str, str] = {}
        self.styles: list[str] = []
        self._in: tuple[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = (tag, dict(attrs).get("id"))

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in and self._in[0] == "script" and self._in[1]:
            self.blocks[self._in[1]] = data
        if self._in and self._in[0] == "style":
            self.styles.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def _data(html: str) -> dict:
    return json.loads(_parse(html).blocks["kg-data"])


def _vis(html: str) -> dict:
    return json.loads(_parse(html).blocks["kg-vis"])


def test_page_loads_no_external_script_or_stylesheet(page):
    tags = _parse(page).tags
    assert [a for t, a in tags if t == "script" and "src" in a] == []
    assert [t for t, _ in tags if t in ("link", "iframe", "img", "object", "embed")] == []


def test_inlined_styles_reference_only_data_urls(page):
    css = "\n".join(_parse(page).styles)
    assert "@import" not in css
    assert all(u.startswith(("data:", '"data:', "'data:")) for u in re.findall(r"url\(([^)]*)\)", css))


def test_vis_network_is_inlined_without_source_map(page):
    assert "vis-network" in page and "new vis.Network(" in page
    assert "sourceMappingURL" not in page
    assert len(page) > 400_000  # vis-network itself is ~460 kB


def test_embedded_nodes_match_the_index(page, index):
    data = _data(page)
    assert [n["id"] for n in data["nodes"]] == sorted(n["id"] for n in index["nodes"])
    by_id = {n["id"]: n for n in index["nodes"]}
    for node in data["nodes"]:
        source = by_id[node["id"]]
        assert (node["label"], node["type"], node["aliases"], node["observations"]) == (
            source["label"], source["type"], sorted(source["aliases"]), source["observations"])


def test_embedded_edges_match_the_index(page, index):
    data = _data(page)
    ids = [n["id"] for n in data["nodes"]]
    embedded = {(ids[e["s"]], e["relation"], ids[e["t"]]): e["evidence"] for e in data["edges"]}
    assert embedded == {(e["source"], e["relation"], e["target"]): e["evidence"] for e in index["edges"]}


def test_documents_are_embedded_with_number_and_date(page, index):
    docs = _data(page)["documents"]
    assert {k: (v["number"], v["date"]) for k, v in docs.items()} == {
        k: (v["number"], v["date"]) for k, v in index["documents"].items()}


def test_vis_edges_carry_chinese_relation_names_true_direction_and_colour(page):
    data, vis = _data(page), _vis(page)
    typed = vis["edges"][: len(data["edges"])]
    for edge, drawn in zip(data["edges"], typed, strict=True):
        assert (drawn["from"], drawn["to"]) == (edge["s"], edge["t"])
        assert drawn["label"] == RELATION_LABELS[edge["relation"]][0]
        assert drawn["arrows"]["to"]["enabled"] is (edge["relation"] != "partnerOf")
        assert drawn["color"]["color"] == data["relations"][edge["relation"]]["color"]


def test_every_relation_has_its_own_colour_in_edges_and_legend(page):
    data = _data(page)
    colours = [info["color"] for info in data["relations"].values()]
    assert len(set(colours)) == len(colours)
    assert all(c == explorer.RELATION_COLORS[r] for r, c in zip(data["relations"], colours, strict=True))


def test_vis_nodes_styled_by_type_and_sized_by_degree(page):
    data, vis = _data(page), _vis(page)
    assert [n["id"] for n in vis["nodes"]] == list(range(len(data["nodes"]) + len(data["doc_nodes"])))
    for node, drawn in zip(data["nodes"], vis["nodes"], strict=False):
        assert (drawn["color"], drawn["shape"]) == explorer.TYPE_STYLES[node["type"]]
    hub = next(i for i, n in enumerate(data["nodes"]) if n["label"] == "上海市科学技术委员会")
    assert vis["nodes"][hub]["value"] == max(n["value"] for n in vis["nodes"][: len(data["nodes"])])


def test_documents_follow_the_nodes_and_start_hidden(page, index):
    data, vis = _data(page), _vis(page)
    assert [d["doc"] for d in data["doc_nodes"]] == sorted(index["documents"])
    first = len(data["nodes"])
    assert all(n.get("hidden") and n["shape"] == "box" for n in vis["nodes"][first:])
    mentions = {(u, data["doc_nodes"][v - first]["doc"]) for u, v, _ in data["doc_edges"]}
    assert mentions == {(i, d) for i, n in enumerate(data["nodes"]) for d in n["docs"]}


def test_first_view_is_the_largest_connected_part_with_its_hubs(page):
    import networkx as nx

    data, vis = _data(page), _vis(page)
    typed = nx.Graph()
    typed.add_nodes_from(range(len(data["nodes"])))
    typed.add_edges_from((e["s"], e["t"]) for e in data["edges"])
    largest = max(nx.connected_components(typed), key=len)
    assert set(data["core"]) == largest
    shown = {n["id"] for n in vis["nodes"] if not n.get("hidden")}
    assert shown == largest
    degree = dict(typed.degree())
    assert data["hubs"] and all(degree[h] >= max(degree[i] for i in largest if i not in data["hubs"])
                                for h in data["hubs"])
    assert all(vis["nodes"][h]["font"]["size"] > vis["nodes"][0]["font"].get("size", 0) or h == 0
               for h in data["hubs"])


def test_core_and_hubs_of_a_graph_without_edges_is_everything():
    assert explorer.core_and_hubs(["a", "b"], []) == (["a", "b"], [])


def test_the_page_embeds_the_paths_of_kg_connect(page, index):
    from kg._links import build_links, page_links

    data = _data(page)
    expected = page_links(build_links(index["nodes"], index["edges"], index["documents"]))
    assert data["links"] == json.loads(json.dumps(expected["links"], ensure_ascii=False))


def test_the_page_embeds_the_one_name_normaliser(page):
    from kg.names import DROP_PATTERN, casefold_table

    data = _data(page)
    assert data["names"] == {"drop": DROP_PATTERN, "fold": casefold_table()}
    script = (Path(explorer.__file__).parent / "assets" / "explorer.js").read_text(encoding="utf-8")
    script += (Path(explorer.__file__).parent / "assets" / "paths.js").read_text(encoding="utf-8")
    assert "《" not in script and "“" not in script


def test_the_page_embeds_the_counts_of_kg_stats(page, index):
    from kg.graph import graph_counts

    assert _data(page)["counts"] == graph_counts(index)


def test_legend_lists_types_in_model_order(page):
    assert _data(page)["type_order"] == [
        "Agency", "Program", "Platform", "Event", "PolicyDocument",
        "Organization", "TargetGroup", "Place", "Person"]


def test_label_text_cannot_close_the_script_block(index, tmp_path):
    hostile = json.loads(json.dumps(index))
    hostile["nodes"][0]["label"] = "</script><script>alert(1)</script>"
    html = explorer.write_explorer(hostile, tmp_path / "x.html").read_text(encoding="utf-8")
    assert html.count("</script") == 4
    assert "</script><script>alert(1)" not in html


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("市科委", "上海市科学技术委员会"),
        ("上海市科学技术委员会", "上海市科学技术委员会"),
        (" 市 科委 ", "上海市科学技术委员会"),
        ("“市科委”", "上海市科学技术委员会"),
        ("InnoMatch 平台", "InnoMatch全球技术供需对接平台"),
        ("innomatch", "InnoMatch全球技术供需对接平台"),
        (f"{RES}Program/高企贷", "高企贷"),
    ],
    ids=["alias", "label", "spaces", "quotes", "alias-with-space", "case", "iri"],
)
def test_find_node_by_label_alias_or_iri(index, name, label):
    assert explorer.find_node(index, name)["label"] == label


def test_a_partial_name_finds_the_one_node_that_contains_it(index):
    assert explorer.find_node(index, "科委")["label"] == "上海市科学技术委员会"


def test_unknown_name_suggests_close_names(index):
    with pytest.raises(EntityNotFound) as err:
        explorer.find_node(index, "上海市科学技木委员会")
    assert "上海市科学技术委员会" in err.value.suggestions


@pytest.mark.parametrize(
    ("hops", "expected"),
    [
        (0, {"上海交通大学"}),
        (1, {"上海交通大学", "InnoMatch全球技术供需对接平台", "闵行区"}),
        (2, {"上海交通大学", "InnoMatch全球技术供需对接平台", "闵行区",
             "上海市科学技术委员会", "上海技术交易所"}),
    ],
    ids=["0-hops", "1-hop", "2-hops"],
)
def test_focus_keeps_nodes_within_hops(index, hops, expected):
    sub = explorer.subgraph(index, "上海交大", hops)
    assert {n["label"] for n in sub["nodes"]} == expected
    kept = {n["id"] for n in sub["nodes"]}
    assert all(e["source"] in kept and e["target"] in kept for e in sub["edges"])


def test_focused_page_selects_focus_and_keeps_whole_graph_degrees(index, tmp_path):
    html = explorer.write_explorer(index, tmp_path / "f.html", focus="上海交大", hops=1)
    data = _data(html.read_text(encoding="utf-8"))
    assert data["nodes"][data["focus"]]["label"] == "上海交通大学"
    innomatch = next(n for n in data["nodes"] if n["label"].startswith("InnoMatch"))
    assert innomatch["deg"] == 3  # 市科委, 上海技术交易所, 上海交通大学 — not only what is shown


def test_same_index_gives_byte_identical_page(index, tmp_path):
    first = explorer.write_explorer(index, tmp_path / "a.html").read_bytes()
    assert explorer.write_explorer(index, tmp_path / "b.html").read_bytes() == first


def test_failed_write_leaves_previous_page_and_no_temp_file(index, tmp_path, monkeypatch):
    out = tmp_path / "explorer.html"
    out.write_text("previous", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(explorer.os, "replace", boom)
    with pytest.raises(OutputError, match="explorer.html"):
        explorer.write_explorer(index, out)
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["explorer.html"]


def test_read_index_from_build_directory(tmp_path):
    (tmp_path / "graph.json").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    assert len(explorer.read_index(tmp_path)["nodes"]) == 20


@pytest.mark.parametrize(
    ("content", "error"),
    [(None, GraphNotBuiltError), ("{not json", InputError), ('{"edges": []}', InputError)],
    ids=["missing", "broken-json", "no-nodes"],
)
def test_read_index_rejects_missing_or_broken_graph(tmp_path, content, error):
    if content is not None:
        (tmp_path / "graph.json").write_text(content, encoding="utf-8")
    with pytest.raises(error, match="graph.json"):
        explorer.read_index(tmp_path)


def test_cli_viz_writes_page(tmp_path):
    (tmp_path / "graph.json").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["viz", "--graph", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "explorer.html").is_file()
    assert "explorer.html" in result.output


def test_cli_viz_unknown_focus_is_one_line_error(tmp_path):
    (tmp_path / "graph.json").write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["viz", "--graph", str(tmp_path), "--focus", "不存在的机构"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["Error: no entity named '不存在的机构'"]
    assert not (tmp_path / "explorer.html").exists()


def test_cli_viz_without_build_says_what_to_do(tmp_path):
    result = CliRunner().invoke(cli, ["viz", "--graph", str(tmp_path / "build")])
    assert result.exit_code == 2
    assert "kg build" in result.output
