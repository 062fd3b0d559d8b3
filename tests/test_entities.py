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


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("省科技厅副厅长兰壮丽表示，要加快成果转化。", "兰壮丽"),
        ("签发人:姜建春", "姜建春"),
        ("王军副局长出席会议。", "王军"),
        ("中国证券报记者陈新民报道。", "陈新民"),
        ("联系人及电话：李晓明：13800001111", "李晓明"),
    ],
    ids=["title-before-and-speech", "header-field", "title-after", "byline", "before-phone"],
)
def test_persons_by_surname_and_context(nlp, text: str, name: str) -> None:
    assert _entities(nlp, text).get(name) == "Person"


@pytest.mark.parametrize(
    "text", ["赵委员提出的建议收悉。", "王主任指出，企业是主体。", "刘鹤副总理强调。"], ids=["surname-and-title", "title-only", "deputy"]
)
def test_a_surname_with_a_title_is_not_a_name(nlp, text: str) -> None:
    names = {k for k, v in _entities(nlp, text).items() if v == "Person"}
    assert not any(n.endswith(("委员", "主任", "副")) or n in ("赵", "王") for n in names)
    if "刘鹤" in text:
        assert names == {"刘鹤"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("会同陕西省科学技术厅开展评价。", "陕西省科学技术厅"),
        ("由徐州市科技局组织。", "徐州市科技局"),
        ("人民银行广州分行开展专项行动。", "人民银行广州分行"),
        ("江苏大学、江南大学参加比赛。", "江苏大学"),
    ],
    ids=["province-body", "city-body", "central-bank-branch", "place-and-institution"],
)
def test_bodies_and_institutions_of_any_province(nlp, text: str, name: str) -> None:
    assert name in _entities(nlp, text)


def test_the_proposal_answered_is_not_a_policy_document(nlp) -> None:
    ents = _entities(nlp, "您提出的《关于加快技术转移的提案》收悉。根据《东湖技术转移促进办法》，现答复如下。")
    assert ents == {"《东湖技术转移促进办法》": "PolicyDocument"}


def test_a_ministry_with_guojia_is_the_ministry(nlp) -> None:
    x = extract_document(read_text_document("工业和信息化部印发通知。国家工业和信息化部将组织评审。", id="t", path="t.txt"), nlp=nlp)
    assert [e.type for e in x.entities] == ["Agency"]


def test_he_between_two_bodies_separates_them(nlp) -> None:
    ents = _entities(nlp, "会同市科委和市财政局研究。")
    assert {"市科委", "市财政局"} <= set(ents) and not any("和" in k for k in ents)


def test_bodies_listed_after_a_body_share_its_level(nlp) -> None:
    ents = _entities(nlp, "会同市发展改革委、财政局、工业和信息化局研究制定。")
    assert {k for k, v in ents.items() if v == "Agency"} == {"市发展改革委", "财政局", "工业和信息化局"}
    assert "财政局" not in _entities(nlp, "企业向财政局提出申请。")  # a bare body name alone names no one


@pytest.mark.parametrize(
    ("text", "name", "etype"),
    [
        ("申报省火炬计划项目7项。", "省火炬计划", "Program"),
        ("实施星火计划，带动农村科技进步。", "星火计划", "Program"),
        ("举办华东技术转移峰会暨大企业创新论坛。", "大企业创新论坛", "Event"),
        ("举办“丝路”科技之光发展论坛。", "“丝路”科技之光发展论坛", "Event"),
        ("由华东城市建设有限公司承建。", "华东城市建设有限公司", "Enterprise"),
        ("招商银行苏州分行推出新产品。", "招商银行苏州分行", "Bank"),
        ("与中国工商银行股份有限公司杭州市分行签约。", "中国工商银行股份有限公司杭州市分行", "Bank"),
        ("由中国铁路第三建设有限公司承建。", "中国铁路第三建设有限公司", "Enterprise"),
        ("认定一批国家级制造业单项冠军。", "国家级制造业单项冠军", "TargetGroup"),
        ("两部门联合实施了首都科技创新券制度。", "首都科技创新券", "Voucher"),
        ("儋州市科技和工业信息发展局关于开展评价工作的通知", "儋州市科技和工业信息发展局", "Agency"),
        ("召开高校科技成果对接暨技术转移联盟研讨会。", "高校科技成果对接暨技术转移联盟研讨会", "Event"),
        ("东湖创新论坛秘书处发布议程。", "东湖创新论坛秘书处", "Organization"),
        ("现将2025年7月份湖北省科技成果转化贷款风险补偿备案情况公告如下。", "湖北省科技成果转化贷款风险补偿", "Program"),
        ("大会在光谷科学会堂举办。", "光谷科学会堂", "Place"),
        ("发布2024年度湖北省科技发展计划重点项目申报指南。", "2024年度湖北省科技发展计划重点项目申报指南", "PolicyDocument"),
        ("划型标准参照国家工业和信息化部有关规定。", "国家工业和信息化部", "Agency"),
        ("组织开展湖北省科技型中小企业认定工作。", "湖北省科技型中小企业认定", "Program"),
    ],
    ids=["level-and-known-program", "dictionary-noun-program", "joined-by-ji", "zhi-inside", "verb-inside-company",
         "bank-branch", "bank-company-branch", "ordinal-inside", "national-class", "place-word-before-known",
         "he-inside-a-body", "ji-inside-an-event", "secretariat", "risk-compensation-after-a-month", "hall",
         "title-keeps-its-year", "guojia-and-a-ministry", "recognition-scheme"],
)
def test_names_made_of_common_words(nlp, text: str, name: str, etype: str) -> None:
    ents = _entities(nlp, text)
    assert ents.get(name) == etype
    assert not any(len(k) > len(name) and name in k for k in ents)


@pytest.mark.parametrize(
    "text",
    ["论坛是两部门共同打造的高层次国际论坛。", "共有600家企业获贷。", "建成全球第八大金融科技中心。", "获得委办局认定。",
     "完成技术合同认定。"],
    ids=["description-after-de", "verb-with-suffix-char", "ranking-ordinal", "recognised-by-a-body",
         "procedure-not-scheme"],
)
def test_phrases_that_end_like_names_but_name_nothing(nlp, text: str) -> None:
    assert _entities(nlp, text) == {}


def test_words_before_a_place_and_body_are_not_part_of_it(nlp) -> None:
    assert "湖北省科学技术厅" in _entities(nlp, "按照分类湖北省科学技术厅的部署推进。")


def test_a_body_named_by_level_is_the_body_of_that_level_in_the_text(nlp) -> None:
    x = extract_document(read_text_document("湖北省科学技术厅印发通知。省科技厅将组织评审。", id="t", path="t.txt"), nlp=nlp)
    agencies = [e for e in x.entities if e.type == "Agency"]
    assert [(e.label, e.aliases) for e in agencies] == [("湖北省科学技术厅", ["省科技厅"])]


def test_traditional_script_is_read_and_labels_stay_as_written(nlp) -> None:
    ents = _entities(nlp, "嘉興科技創新券可在上海使用，由浙江省科技廳負責。")
    assert ents.get("嘉興科技創新券") == "Voucher"
    assert ents.get("浙江省科技廳") == "Agency"


def test_ascii_punctuation_reads_like_chinese_punctuation(nlp) -> None:
    a = _entities(nlp, "银杏银行推出“银杏贷”,面向科技型中小企业,累计发放5亿元。")
    b = _entities(nlp, "银杏银行推出“银杏贷”，面向科技型中小企业，累计发放5亿元。")
    assert a == b and a.get("银杏贷") == "LoanProduct"


def test_a_specific_head_used_alone_is_the_same_thing(nlp) -> None:
    x = extract_document(read_text_document("建设青藤湾创新驱动平台。截至年底，青藤湾新增孵化器 10 个。", id="t", path="t.txt"), nlp=nlp)
    ent = next(e for e in x.entities if e.label == "青藤湾创新驱动平台")
    assert "青藤湾" in ent.aliases and x.observations[0].subject == ent.key


def test_agencies_named_in_a_title_are_entities_and_its_issuers(nlp) -> None:
    x = extract_document(read_text_document("根据《科技部财政部关于印发<某某办法>的通知》开展工作。", id="t", path="t.txt"), nlp=nlp)
    names = {e.key: e.label for e in x.entities}
    assert {"科技部", "财政部"} <= {e.label for e in x.entities if e.type == "Agency"}
    assert {names[r.tail] for r in x.relations if r.relation == "issuedBy"} == {"科技部", "财政部"}
