"""Mention finding: lexicon names whatever jieba does, and unseen names found by pattern."""

from __future__ import annotations

import pytest

from kg.documents import read_text_document
from kg.pipeline import extract_document


def _entities(nlp, text: str) -> dict[str, str]:
    x = extract_document(read_text_document(text, id="t", path="t.txt"), nlp=nlp)
    return {e.label: e.type for e in x.entities}


@pytest.mark.parametrize(
    ("text", "name", "etype"),
    [
        ("市里推出“创星贷”等产品。", "创星贷", "LoanProduct"),
        ("依据《某某市促进技术转移条例》开展工作。", "《某某市促进技术转移条例》", "PolicyDocument"),
        ("企业可以向东湖技术交易所申请挂牌。", "东湖技术交易所", "Exchange"),
        ("由金桥科技集团承办。", "金桥科技集团", "Enterprise"),
        ("同时推进青松人才计划。", "青松人才计划", "Program"),
        ("举办第三届星河国际创新创业大赛。", "星河国际创新创业大赛", "Event"),
        ("依托银杏湾创新创业集聚区建设载体。", "银杏湾创新创业集聚区", "Place"),
        ("联合华清大学开展培训。", "华清大学", "University"),
        ("发挥“智汇科技”微信公众号作用。", "“智汇科技”微信公众号", "Platform"),
    ],
    ids=["quoted-loan", "title", "exchange-suffix", "group-suffix", "program-suffix", "event-ordinal",
         "place-suffix", "university", "quoted-account"],
)
def test_unseen_name_found_by_pattern(nlp, text: str, name: str, etype: str) -> None:
    assert _entities(nlp, text).get(name) == etype


def test_members_of_an_enumeration_are_organisations(nlp) -> None:
    ents = _entities(nlp, "平台吸引甲乙科技、丙丁医药、戊己材料等近 30 家大企业入驻。")
    assert {"甲乙科技", "丙丁医药", "戊己材料"} <= {k for k, v in ents.items() if v == "Enterprise"}


@pytest.mark.parametrize(
    "text",
    ["上海市科学技术委员会印发通知。", "经研究上海市科学技术委员会印发通知。", "会同上海市科学技术委员会等部门。"],
    ids=["sentence-start", "glued-to-verb", "after-preposition"],
)
def test_lexicon_name_found_whatever_the_segmenter_does(nlp, text: str) -> None:
    assert _entities(nlp, text).get("上海市科学技术委员会") == "Agency"


def test_name_across_a_page_break_is_found_and_offsets_point_into_the_original(nlp) -> None:
    text = (
        "近年来，本市持续推进科技成果转化工作，不断完善技术要素市场体系，加快建设国家技术转移东部\n\n"
        "中心等功能型平台，服务科技型中小企业。"
    )
    doc = read_text_document(text, id="t", path="t.txt")
    x = extract_document(doc, nlp=nlp)
    ent = next(e for e in x.entities if e.label == "国家技术转移东部中心")
    _, start, end = ent.mentions[0]
    assert text[start:end] == "国家技术转移东部\n\n中心"


@pytest.mark.parametrize(
    "text",
    ["加快建设线上平台。", "打造重大创新平台。", "举办 20 余场专题论坛。", "优化产业布局。"],
    ids=["generic-platform", "adjective-platform", "counted-forum", "word-with-suffix-char"],
)
def test_generic_phrases_are_not_names(nlp, text: str) -> None:
    assert _entities(nlp, text) == {}


def test_governing_verb_is_not_part_of_the_name(nlp) -> None:
    ents = _entities(nlp, "健全青藤科研成果数据库。")
    assert "青藤科研成果数据库" in ents and "健全青藤科研成果数据库" not in ents
