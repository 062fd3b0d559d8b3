"""Resolution: one entity per real thing, within a document and across documents."""

from __future__ import annotations

import pytest

from kg.documents import read_text_document
from kg.model import Entity
from kg.pipeline import extract_document
from kg.resolve import name_key, resolve_corpus


def _extract(nlp, text: str, doc_id: str = "t"):
    return extract_document(read_text_document(text, id=doc_id, path=f"{doc_id}.txt"), nlp=nlp)


def _names(x) -> dict[str, set[str]]:
    return {e.label: set(e.aliases) for e in x.entities}


def test_lexicon_short_form_joins_the_full_name(nlp) -> None:
    x = _extract(nlp, "上海市科学技术委员会印发通知。市科委将加强宣传。")
    assert _names(x)["上海市科学技术委员会"] == {"市科委"}


def test_declared_alias_joins_its_name(nlp) -> None:
    x = _extract(nlp, "建设青藤技术转移服务平台（以下简称“青藤平台”）。青藤平台累计服务企业 300 家。")
    ent = next(e for e in x.entities if e.label == "青藤技术转移服务平台")
    assert "青藤平台" in ent.aliases
    assert len(ent.mentions) == 3


def test_name_without_its_place_prefix_is_the_same_thing(nlp) -> None:
    x = _extract(nlp, "加快建设上海星火技术商城。星火技术商城累计挂牌成果 300 项。")
    assert "星火技术商城" in _names(x)["上海星火技术商城"]


def test_name_with_a_middle_part_left_out_is_the_same_thing(nlp) -> None:
    x = _extract(nlp, "建设 InnoMatch 全球技术供需对接平台。InnoMatch 平台汇聚需求 400 项。")
    labels = [e.label for e in x.entities if e.type == "Platform"]
    assert len(labels) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [("《技术转移，技术评价规范》", "技术转移,技术评价规范"), ("InnoMatch 平台", "InnoMatch平台"), ("中以（上海）创新园", "中以(上海)创新园")],
    ids=["title-punctuation", "spacing", "bracket-width"],
)
def test_name_key_ignores_spacing_quotes_and_width(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_entities_sharing_a_name_merge_across_documents() -> None:
    a = Entity(key="东部中心", label="东部中心", type="Platform", mentions=[("d1", 0, 4)])
    b = Entity(key="国家技术转移东部中心", label="国家技术转移东部中心", type="Platform",
               aliases=["东部中心"], mentions=[("d2", 5, 15)])
    merged, remap = resolve_corpus([[a], [b]])
    assert len(merged) == 1
    assert merged[0].label == "国家技术转移东部中心"
    assert remap["东部中心"] == remap["国家技术转移东部中心"] == merged[0].key


def test_keys_do_not_depend_on_document_order() -> None:
    a = Entity(key="创新券", label="创新券", type="Program", aliases=["科技创新券"], mentions=[("d1", 0, 3)])
    b = Entity(key="科技创新券", label="科技创新券", type="Program", mentions=[("d2", 0, 5)])
    assert [e.key for e in resolve_corpus([[a], [b]])[0]] == [e.key for e in resolve_corpus([[b], [a]])[0]]
