"""kg.paths: name lookup, what connects X to Y, entity cards."""

from __future__ import annotations

import json

import pytest

from kg.errors import EntityNotFound, GraphNotBuiltError, InputError, NoPath
from kg.paths import Index, card, connect, find_node, load_index, normalize_name, shorten

RES = "https://w3id.org/stikg/resource/"


@pytest.fixture(scope="module")
def index(minigraph):
    return load_index(minigraph)


def labels(index, path):
    return [index.label(n) for n in path.nodes]


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("高企贷", "高企贷"),
        ("市科委", "上海市科学技术委员会"),
        ("东部中心", "国家技术转移东部中心"),
        ("InnoMatch 全球技术供需对接平台", "InnoMatch全球技术供需对接平台"),
        ("《上海市科技创新券管理办法（试行）》", "上海市科技创新券管理办法（试行）"),
        ("“高企贷”", "高企贷"),
        ("上海市科技创新券管理办法(试行)", "上海市科技创新券管理办法（试行）"),
        ("ＩｎｎｏＭａｔｃｈ平台", "InnoMatch全球技术供需对接平台"),
        ("innomatch", "InnoMatch全球技术供需对接平台"),
        ("技术交易所", "上海技术交易所"),
    ],
    ids=["label", "alias", "alias-2", "spaces", "title-marks", "quotes", "ascii-parens",
         "fullwidth", "case", "unique-substring"],
)
def test_find_node(index, name, label):
    assert find_node(index, name)["label"] == label


def test_label_wins_over_alias():
    index = Index.from_dict({"nodes": [
        {"id": "a", "label": "东部中心", "type": "Platform", "aliases": []},
        {"id": "b", "label": "国家技术转移东部中心", "type": "Platform", "aliases": ["东部中心"]},
    ], "edges": []})
    assert find_node(index, "东部中心")["id"] == "a"


def test_unknown_name_suggests_close_names(index):
    with pytest.raises(EntityNotFound) as info:
        find_node(index, "科创助理贷")
    assert "科创助力贷" in info.value.suggestions
    assert "科创助力贷" in str(info.value)


def test_ambiguous_substring_is_not_guessed(index):
    with pytest.raises(EntityNotFound) as info:
        find_node(index, "技术转移")
    assert {"全球技术转移大会", "国家技术转移东部中心"} <= set(info.value.suggestions)


def test_normalize_name():
    assert normalize_name(" 《ＡＢ 科委》") == normalize_name("ab科委")


def test_connect_finds_several_distinct_paths(index):
    paths = connect(index, "高企贷", "InnoMatch", paths=3)
    assert len(paths) >= 2
    assert len({p.nodes for p in paths}) == len(paths)
    assert all(p.nodes[0].endswith("/高企贷") and "InnoMatch" in p.nodes[-1] for p in paths)


def test_paths_come_lightest_first(index):
    weights = [p.weight for p in connect(index, "高企贷", "InnoMatch", paths=3)]
    assert weights == sorted(weights)


def test_steps_keep_their_true_direction(index):
    path = connect(index, "高企贷", "InnoMatch", only=["administeredBy"], paths=1)[0]
    first, second = path.hops
    assert labels(index, path) == ["高企贷", "上海市科学技术委员会", "InnoMatch全球技术供需对接平台"]
    assert first.steps[0].forward is True
    assert second.steps[0].forward is False
    assert second.steps[0].source.endswith("InnoMatch全球技术供需对接平台")


def test_parallel_edges_collapse_into_one_hop(index):
    path = connect(index, "上海技术交易所", "东部中心", paths=1)[0]
    (hop,) = path.hops
    assert sorted((s.relation, s.forward) for s in hop.steps) == [("partnerOf", True), ("supports", False)]


def test_only_restricts_relations(index):
    for path in connect(index, "高企贷", "InnoMatch", only=["targets"], paths=5):
        assert {s.relation for h in path.hops for s in h.steps} == {"targets"}


def test_exclude_removes_a_relation(index):
    paths = connect(index, "高企贷", "InnoMatch", exclude=["targets"], paths=5)
    assert all(s.relation != "targets" for p in paths for h in p.hops for s in h.steps)


def test_via_restricts_intermediate_types(index):
    paths = connect(index, "高企贷", "InnoMatch", via=["Agency"], paths=5)
    assert [labels(index, p) for p in paths] == [
        ["高企贷", "上海市科学技术委员会", "InnoMatch全球技术供需对接平台"]]


def test_max_hops_is_respected(index):
    paths = connect(index, "宁德时代", "上海交通大学", max_hops=6, paths=5)
    assert paths and all(len(p.hops) <= 6 for p in paths)
    with pytest.raises(NoPath, match="within 2 hops"):
        connect(index, "宁德时代", "上海交通大学", max_hops=2)


def test_no_path_between_components(index):
    with pytest.raises(NoPath):
        connect(index, "高企贷", "上海市人民政府办公厅")


@pytest.mark.parametrize(
    ("option", "value"),
    [("only", ["funds"]), ("exclude", ["targetz"]), ("via", ["City"])],
    ids=["only", "exclude", "via"],
)
def test_bad_filter_values_are_refused(index, option, value):
    with pytest.raises(InputError, match=f"--{option}"):
        connect(index, "高企贷", "InnoMatch", **{option: value})


def test_same_entity_twice_is_refused(index):
    with pytest.raises(InputError, match="same entity"):
        connect(index, "东部中心", "国家技术转移东部中心")


def hub_graph() -> Index:
    """A—Hub—B (Hub linked to 40 leaves) and the longer specific chain A—C—D—B."""
    nodes = [{"id": n, "label": n, "type": "Organization", "aliases": []}
             for n in ["A", "B", "C", "D", "Hub"] + [f"leaf{i:02d}" for i in range(40)]]
    pairs = [("A", "Hub"), ("Hub", "B"), ("A", "C"), ("C", "D"), ("D", "B")]
    pairs += [(f"leaf{i:02d}", "Hub") for i in range(40)]
    edges = [{"source": s, "target": t, "relation": "partnerOf", "evidence": []} for s, t in pairs]
    return Index.from_dict({"nodes": nodes, "edges": edges})


@pytest.mark.parametrize(
    ("hub_penalty", "first"),
    [(True, ("A", "C", "D", "B")), (False, ("A", "Hub", "B"))],
    ids=["penalised", "no-penalty"],
)
def test_hub_penalty_changes_the_ranking(hub_penalty, first):
    paths = connect(hub_graph(), "A", "B", paths=2, hub_penalty=hub_penalty)
    assert paths[0].nodes == first
    assert len(paths) == 2


def test_card_lists_relations_both_ways(index):
    entity = card(index, "市科委")
    assert entity.node["label"] == "上海市科学技术委员会"
    assert not entity.outgoing
    assert {e["relation"] for e in entity.incoming} == {"administeredBy"}
    assert any(e["source"] == RES + "Program/高企贷" for e in entity.incoming)


def test_card_observations_by_year(index):
    years = [o["year"] for o in card(index, "上海技术交易所").observations]
    assert years == [2020, 2021, None]


def test_card_documents_with_number_and_date(index):
    docs = card(index, "高企贷").documents
    assert [(d["number"], d["date"]) for d in docs] == [
        ("沪科提复〔2023〕45号", "2023-05-16"), ("沪科建复〔2024〕43号", "2024-06-05"), (None, None)]


def test_card_json_carries_evidence_sources(index):
    data = card(index, "高企贷").to_json()
    targets = [e for e in data["outgoing"] if e["target"]["label"] == "高新技术企业"][0]
    assert {ev["number"] for ev in targets["evidence"]} == {"沪科建复〔2024〕43号", "003_ad9b0b437a45fd86"}
    json.dumps(data, ensure_ascii=False)


def test_missing_index_says_to_build(tmp_path):
    with pytest.raises(GraphNotBuiltError):
        load_index(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("短句。", "短句。"),
        ("**一是**支持\n\n平台", "一是支持平台"),
        ("甲" * 100 + "高企贷" + "乙" * 100, "…" + "甲" * 39 + "高企贷" + "乙" * 38 + "…"),
    ],
    ids=["short", "markup-and-page-break", "window-around-name"],
)
def test_shorten(text, expected):
    assert shorten(text, ["高企贷"], width=80) == expected


def test_seeds_graph_links_a_company_to_the_commission_by_distinct_paths(seeds_graph):
    from kg.paths import connect, load_index

    found = connect(load_index(seeds_graph), "宁德时代", "市科委")
    assert len(found) >= 2
    assert len({tuple(p.nodes) for p in found}) == len(found)
    assert all(step.evidence for p in found for hop in p.hops for step in hop.steps)
