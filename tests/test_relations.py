"""Relation rules on small hand-made sentences with names that no lexicon lists."""

from __future__ import annotations

import pytest

from kg.pipeline import extract_text


def _edges(nlp, text: str) -> set[tuple[str, str, str]]:
    x = extract_text(text, nlp=nlp)
    label = {e.key: e.label for e in x.entities}
    for r in x.relations:
        assert x.doc.text[r.evidence.start : r.evidence.end] == r.evidence.text
    return {(label[r.head], r.relation, label[r.tail]) for r in x.relations}


@pytest.mark.parametrize(
    ("text", "edge"),
    [
        ("宁波市科学技术局印发《宁波市技术转移促进办法》。",
         ("《宁波市技术转移促进办法》", "issuedBy", "宁波市科学技术局")),
        ("宁波市科学技术局搭建东湖技术转移服务平台。",
         ("东湖技术转移服务平台", "administeredBy", "宁波市科学技术局")),
        ("根据《东湖创新券管理办法》，全年向 300 家中小微企业发放 2 亿元的东湖创新券。",
         ("东湖创新券", "governedBy", "《东湖创新券管理办法》")),
        ("“甬创贷”主要支持科技型中小企业。", ("甬创贷", "targets", "科技型中小企业")),
        ("包括面向 35 周岁以下青年科技人员的青藤人才计划。", ("青藤人才计划", "targets", "青年科技人员")),
        ("平台吸引甲乙科技、丙丁医药等 30 家企业入驻东湖技术转移服务平台。",
         ("甲乙科技", "participatesIn", "东湖技术转移服务平台")),
        ("宁波市科学技术局与宁波市财政局签署合作协议。", ("宁波市科学技术局", "partnerOf", "宁波市财政局")),
        ("2024 东湖创新论坛在宁波召开。", ("东湖创新论坛", "locatedIn", "宁波")),
        ("已建功能型平台 12 家，遍布鄞州、北仑等 6 个区。", None),
    ],
    ids=["issuedBy", "administeredBy", "governedBy", "targets-trigger", "targets-for", "participatesIn",
         "partnerOf", "held-in", "no-named-subject"],
)
def test_rule_family_finds_the_edge_in_its_direction(nlp, text: str, edge) -> None:
    edges = _edges(nlp, text)
    if edge is None:
        assert not any(r == "locatedIn" for _, r, _ in edges)
    else:
        assert edge in edges


def test_a_list_shares_its_relation(nlp) -> None:
    edges = _edges(nlp, "宁波市科学技术局推动建设了甬江实验室、东湖研究院等新型研发机构。")
    assert {("宁波市科学技术局", "supports", "甬江实验室"), ("宁波市科学技术局", "supports", "东湖研究院")} <= edges


def test_the_agency_of_a_paragraph_runs_what_its_enumerated_points_organise(nlp) -> None:
    text = "近年来，宁波市科学技术局持续营造技术转移生态。一是联合有关部门，组织东湖国际创新挑战赛。"
    assert ("东湖国际创新挑战赛", "administeredBy", "宁波市科学技术局") in _edges(nlp, text)


def test_a_subtype_is_part_of_its_program(nlp) -> None:
    text = "全年发放东湖创新券 2 亿元，其中，技术服务类东湖创新券支持企业 100 家。"
    assert ("技术服务类东湖创新券", "partOf", "东湖创新券") in _edges(nlp, text)


def test_integrated_parts_belong_to_the_network(nlp) -> None:
    text = "宁波市科学技术局构建集成东湖技术转移服务平台、东湖创新论坛等的东湖“立体”网络。"
    edges = _edges(nlp, text)
    assert ("东湖技术转移服务平台", "partOf", "东湖“立体”网络") in edges
    assert ("东湖创新论坛", "partOf", "东湖“立体”网络") in edges


def test_a_sentence_without_triggers_gives_no_relation(nlp) -> None:
    assert _edges(nlp, "东湖技术转移服务平台和宁波市科学技术局都在宁波。") == set()
