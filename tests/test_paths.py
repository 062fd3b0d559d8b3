"""kg.paths: name lookup, what connects X to Y (typed relations and the document layer), entity cards."""

from __future__ import annotations

import json

import pytest

from kg._links import BASE_WEIGHT, HUB_CAP, KINDS
from kg.errors import EntityNotFound, GraphNotBuiltError, InputError, NoPath
from kg.paths import AmbiguousName, Index, card, connect, find_node, load_index, lookup, shorten

RES = "https://w3id.org/stikg/resource/"


@pytest.fixture(scope="module")
def index(minigraph):
    return load_index(minigraph)


def labels(index, path):
    return [index.label(n) for n in path.nodes]


def kinds(path):
    return [hop.kind for hop in path.hops]


def graph(nodes, edges=(), documents=None, mentions=None) -> Index:
    """A hand-made index: ``nodes`` labels, ``edges`` (source, relation, target), ``documents``
    doc id → list of (paragraph, text) sentences, ``mentions`` label → {doc: [sentence, …]}."""
    mentions = mentions or {}
    docs = {}
    for doc_id, rows in (documents or {}).items():
        docs[doc_id] = {"number": f"测〔2024〕{len(docs) + 1}号", "date": "2024-01-0" + str(len(docs) + 1),
                        "title": None, "agency": None, "issuer": None,
                        "sentences": [[10 * i, 10 * i + len(t), p, t] for i, (p, t) in enumerate(rows)]}
    return Index.from_dict({
        "version": 2, "documents": docs,
        "nodes": [{"id": f"{RES}Organization/{n}", "label": n, "type": "Organization", "aliases": [],
                   "docs": sorted(mentions.get(n, {})), "mentions": mentions.get(n, {}), "observations": []}
                  for n in nodes],
        "edges": [{"source": f"{RES}Organization/{s}", "target": f"{RES}Organization/{t}", "relation": r,
                   "evidence": [{"doc": "d", "start": 0, "end": 2, "text": f"{s}{t}"}]} for s, r, t in edges],
    })


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label", "how"),
    [
        ("高企贷", "高企贷", "label"),
        ("市科委", "上海市科学技术委员会", "alias"),
        ("东部中心", "国家技术转移东部中心", "alias"),
        ("InnoMatch 全球技术供需对接平台", "InnoMatch全球技术供需对接平台", "normalised"),
        ("《上海市科技创新券管理办法（试行）》", "上海市科技创新券管理办法（试行）", "normalised"),
        ("“高企贷”", "高企贷", "normalised"),
        ("上海市科技创新券管理办法(试行)", "上海市科技创新券管理办法（试行）", "normalised"),
        ("ＩｎｎｏＭａｔｃｈ平台", "InnoMatch全球技术供需对接平台", "normalised"),
        ("innomatch", "InnoMatch全球技术供需对接平台", "normalised"),
        ("技术交易所", "上海技术交易所", "contains"),
    ],
    ids=["label", "alias", "alias-2", "spaces", "title-marks", "quotes", "ascii-parens",
         "fullwidth", "case", "unique-substring"],
)
def test_lookup_says_how_it_matched(index, name, label, how):
    match = lookup(index, name)
    assert (match.label, match.how) == (label, how)
    assert find_node(index, name)["label"] == label


def test_exact_matches_carry_no_note(index):
    assert lookup(index, "市科委").note() is None


def test_a_partial_name_is_resolved_with_a_note(index):
    match = lookup(index, "技术交易所")
    assert match.guessed
    assert match.note().startswith("技术交易所 → 上海技术交易所 (no node is named 技术交易所")


def test_note_names_the_closest_alternatives():
    index = graph(["科技部火炬中心", "科技局", "火炬计划"])
    note = lookup(index, "火炬中心").note()
    assert note == "火炬中心 → 科技部火炬中心 (no node is named 火炬中心; closest: 火炬计划)"


def test_label_wins_over_alias():
    index = Index.from_dict({"nodes": [
        {"id": "a", "label": "东部中心", "type": "Platform", "aliases": []},
        {"id": "b", "label": "国家技术转移东部中心", "type": "Platform", "aliases": ["东部中心"]},
    ], "edges": []})
    assert lookup(index, "东部中心").id == "a"


def test_an_alias_of_two_nodes_asks_which():
    index = Index.from_dict({"nodes": [
        {"id": "a", "label": "浙江省科学技术厅", "type": "Agency", "aliases": ["省科技厅"]},
        {"id": "b", "label": "江苏省科学技术厅", "type": "Agency", "aliases": ["省科技厅"]},
    ], "edges": []})
    with pytest.raises(AmbiguousName, match="fits several entities") as info:
        lookup(index, "省科技厅")
    assert set(info.value.suggestions) == {"浙江省科学技术厅", "江苏省科学技术厅"}


def test_unknown_name_suggests_close_names(index):
    with pytest.raises(EntityNotFound) as info:
        lookup(index, "科创助理贷")
    assert not isinstance(info.value, AmbiguousName)
    assert "科创助力贷" in info.value.suggestions
    assert "科创助力贷" in str(info.value)


def test_ambiguous_substring_is_not_guessed(index):
    with pytest.raises(AmbiguousName) as info:
        lookup(index, "技术转移")
    assert {"全球技术转移大会", "国家技术转移东部中心"} <= set(info.value.suggestions)


def test_a_document_number_names_its_document_only_when_asked(index):
    match = lookup(index, "沪科建复〔2024〕43号", documents=True)
    assert (match.how, match.id) == ("document", RES + "doc/004_1856f325c288e0b0")
    with pytest.raises(EntityNotFound):
        lookup(index, "沪科建复〔2024〕43号")


# --- connect: typed relations ------------------------------------------------------------------


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
    assert hop.kind == "relation"
    assert sorted((s.relation, s.forward) for s in hop.steps) == [("partnerOf", True), ("supports", False)]


def test_only_restricts_relations(index):
    for path in connect(index, "高企贷", "InnoMatch", only=["targets"], paths=5):
        assert kinds(path) == ["relation"] * len(path.hops)
        assert {s.relation for h in path.hops for s in h.steps} == {"targets"}


def test_exclude_removes_a_relation(index):
    paths = connect(index, "高企贷", "InnoMatch", exclude=["targets"], paths=5)
    assert all(s.relation != "targets" for p in paths for h in p.hops for s in h.steps)


def test_exclude_removes_a_layer(index):
    paths = connect(index, "高企贷", "InnoMatch", exclude=["document"], paths=5)
    assert paths and all(k != "document" for p in paths for k in kinds(p))


def test_via_restricts_intermediate_types(index):
    paths = connect(index, "高企贷", "InnoMatch", via=["Agency"], paths=5,
                    exclude=["sentence", "paragraph", "document"])
    assert [labels(index, p) for p in paths] == [
        ["高企贷", "上海市科学技术委员会", "InnoMatch全球技术供需对接平台"]]


def test_max_hops_is_respected(index):
    paths = connect(index, "宁德时代", "上海交通大学", max_hops=6, paths=5)
    assert paths and all(len(p.hops) <= 6 for p in paths)


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
    pairs = [("A", "Hub"), ("Hub", "B"), ("A", "C"), ("C", "D"), ("D", "B")]
    pairs += [(f"leaf{i:02d}", "Hub") for i in range(40)]
    return graph(["A", "B", "C", "D", "Hub"] + [f"leaf{i:02d}" for i in range(40)],
                 [(s, "partnerOf", t) for s, t in pairs])


@pytest.mark.parametrize(
    ("hub_penalty", "first"),
    [(True, ["A", "C", "D", "B"]), (False, ["A", "Hub", "B"])],
    ids=["penalised", "no-penalty"],
)
def test_hub_penalty_changes_the_ranking(hub_penalty, first):
    index = hub_graph()
    paths = connect(index, "A", "B", paths=2, hub_penalty=hub_penalty)
    assert labels(index, paths[0]) == first
    assert len(paths) == 2


# --- connect: the document layer ---------------------------------------------------------------


def layered() -> Index:
    """甲 and 乙 in one sentence; 乙 and 丙 in one paragraph; 丙 and 丁 only in one document."""
    return graph(
        ["甲", "乙", "丙", "丁", "戊"],
        documents={"d1": [(0, "甲与乙合作。"), (0, "丙在这里。"), (1, "另一段丙。")],
                   "d2": [(0, "乙也在。"), (3, "丙又在。"), (5, "丁在最后。")]},
        mentions={"甲": {"d1": [0]}, "乙": {"d1": [0], "d2": [0]}, "丙": {"d1": [1, 2], "d2": [1]},
                  "丁": {"d2": [2]}},
    )


def test_same_sentence_hop_quotes_the_sentence():
    index = layered()
    (path, *_) = connect(index, "甲", "乙")
    (hop,) = path.hops
    assert hop.kind == "sentence"
    assert [ev["text"] for ev in hop.evidence] == ["甲与乙合作。"]


def test_same_paragraph_hop_quotes_both_sentences():
    index = layered()
    path = connect(index, "乙", "丙", exclude=["document"])[0]
    (hop,) = path.hops
    assert hop.kind == "paragraph"
    assert {(index.label(ev["entity"]), ev["text"]) for ev in hop.evidence} == {("乙", "甲与乙合作。"), ("丙", "丙在这里。")}


def test_same_document_hop_gives_the_document_and_each_sentence():
    index = layered()
    path = connect(index, "丙", "丁")[0]
    (hop,) = path.hops
    assert hop.kind == "document"
    assert hop.documents == ("d2",)
    assert {(index.label(ev["entity"]), ev["text"]) for ev in hop.evidence} == {("丙", "丙又在。"), ("丁", "丁在最后。")}
    step = path.to_json(index)["steps"][0]
    assert step["kind"] == "document" and step["documents"][0]["number"] == "测〔2024〕2号"


def test_paths_through_the_same_entities_are_one_path_and_documents_one_hop():
    index = graph(["甲", "乙", "丙"], [("乙", "partnerOf", "丙")],
                  documents={"d1": [(0, "甲。"), (1, "乙。")], "d2": [(0, "甲乙。")]},
                  mentions={"甲": {"d1": [0], "d2": [0]}, "乙": {"d1": [1], "d2": [0]}})
    (path,) = connect(index, "甲", "丙", paths=5)  # the document hop 甲—乙 is the same path again
    assert kinds(path) == ["sentence", "relation"]
    (hop,) = connect(index, "甲", "乙", paths=5, exclude=["sentence", "paragraph"])[0].hops
    assert (hop.kind, hop.documents) == ("document", ("d1", "d2"))


def test_a_typed_path_beats_a_co_mention_path_of_the_same_length():
    """甲—Hub—乙 by relations (Hub has 200 neighbours) against 甲—丙—乙 in sentences of leaves."""
    leaves = [f"叶{i:03d}" for i in range(200)]
    index = graph(["甲", "乙", "丙", "Hub", *leaves],
                  [("甲", "administeredBy", "Hub"), ("乙", "administeredBy", "Hub")]
                  + [(leaf, "administeredBy", "Hub") for leaf in leaves],
                  documents={"d1": [(0, "甲丙。"), (1, "丙乙。")]},
                  mentions={"甲": {"d1": [0]}, "丙": {"d1": [0, 1]}, "乙": {"d1": [1]}})
    paths = connect(index, "甲", "乙", paths=3, exclude=["document", "paragraph"])
    assert [kinds(p) for p in paths[:2]] == [["relation", "relation"], ["sentence", "sentence"]]


def test_every_typed_hop_weighs_less_than_any_co_mention_hop(seeds_graph):
    links = load_index(seeds_graph).links()
    typed = [link.weight for link in links.pairs.values() if link.kind == "relation"]
    other = [link.weight for link in links.pairs.values() if link.kind in ("sentence", "paragraph")]
    other += [2 * link.weight for link in links.pairs.values() if link.kind in ("mention", "issued")]
    assert max(typed) < 1 + HUB_CAP <= BASE_WEIGHT["sentence"] <= min(other)


def test_a_document_links_to_its_issuer(index):
    path = connect(index, "沪科建复〔2024〕43号", "市科委", paths=1)[0]
    (hop,) = path.hops
    assert (hop.kind, hop.document) == ("issued", "004_1856f325c288e0b0")


# --- no path, and its reason -------------------------------------------------------------------


def test_entities_that_share_nothing_are_told_so():
    index = graph(["甲", "乙", "丙", "丁"], [("甲", "partnerOf", "乙"), ("丙", "partnerOf", "丁")])
    with pytest.raises(NoPath, match="share nothing"):
        connect(index, "甲", "丁")


def test_filters_that_exclude_every_path_are_named(index):
    with pytest.raises(NoPath, match="with these --only/--exclude/--via filters; without them"):
        connect(index, "阿斯利康", "闵行", only=["targets"])


def test_the_max_hops_hint_is_true():
    chain = ["甲", "乙", "丙", "丁", "戊", "己", "庚"]
    index = graph(chain, [(a, "partnerOf", b) for a, b in zip(chain, chain[1:], strict=False)])
    with pytest.raises(NoPath, match="within 4 hops; the shortest has 6: try --max-hops 6"):
        connect(index, "甲", "庚")
    assert len(connect(index, "甲", "庚", max_hops=6)[0].hops) == 6


# --- seeds ------------------------------------------------------------------------------------


PAIRS = [("高企贷", "InnoMatch"), ("科创助力贷", "上海技术交易所"), ("科技创新券", "国家技术转移东部中心"),
         ("市科委", "东部中心"), ("上海交通大学", "上海技术交易所")]


def has_evidence(hop) -> bool:
    if hop.kind == "relation":
        return bool(hop.steps) and all(step.evidence for step in hop.steps)
    if hop.kind in ("document", "mention", "issued"):
        return bool(hop.documents or hop.document) and (bool(hop.evidence) or hop.kind == "issued")
    return bool(hop.evidence)


@pytest.mark.parametrize(("x", "y"), PAIRS, ids=["-".join(p) for p in PAIRS])
def test_seeds_pairs_connect_with_evidence_on_every_hop(seeds_graph, x, y):
    found = connect(load_index(seeds_graph), x, y)
    assert len(found) >= 2
    assert len({p.nodes for p in found}) == len(found)
    for path in found:
        assert all(hop.kind in KINDS for hop in path.hops)
        assert all(has_evidence(hop) for hop in path.hops), kinds(path)


def test_seeds_graph_links_a_company_to_the_commission_by_typed_relations_first(seeds_graph):
    index = load_index(seeds_graph)
    found = connect(index, "宁德时代", "市科委")
    assert kinds(found[0]) == ["relation", "relation"]
    assert all(step.evidence for p in found for hop in p.hops for step in hop.steps)


def test_seeds_entities_all_connect(seeds_graph):
    """Every entity of the seeds shares a document with the others: no pair answers "no path"."""
    index = load_index(seeds_graph)
    ids = sorted(index.nodes)
    for a, b in zip(ids[::7], ids[3::7], strict=False):
        assert connect(index, a, b, paths=1)


# --- cards ------------------------------------------------------------------------------------


def test_card_lists_relations_both_ways(index):
    entity = card(index, "市科委")
    assert entity.node["label"] == "上海市科学技术委员会"
    assert not entity.outgoing
    assert {e["relation"] for e in entity.incoming} == {"administeredBy"}
    assert any(e["source"] == RES + "Program/高企贷" for e in entity.incoming)


def test_card_keeps_how_the_name_was_resolved(index):
    assert card(index, "技术交易所").match.guessed
    with pytest.raises(AmbiguousName):
        card(index, "技术转移")


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


def test_a_newer_index_is_refused(tmp_path):
    (tmp_path / "graph.json").write_text('{"version": 99, "nodes": []}', encoding="utf-8")
    with pytest.raises(InputError, match="version 99"):
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
