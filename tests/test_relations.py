"""Relation rules on small hand-made sentences with names that no lexicon lists."""

from __future__ import annotations

import pytest

from kg.pipeline import extract_text


def _edges(nlp, text: str, quotes) -> set[tuple[str, str, str]]:
    """(head label, relation, tail label) of every relation found; evidence must quote the text."""
    x = extract_text(text, nlp=nlp)
    label = {e.key: e.label for e in x.entities}
    for r in x.relations:
        assert quotes(x.doc, r.evidence.start, r.evidence.end, r.evidence.text)
    return {(label[r.head], r.relation, label[r.tail]) for r in x.relations}


AGENCY = "宁波市科学技术局"
PLATFORM = "东湖技术交易平台"

CASES = [
    # issuedBy: Y 印发/发布《X》; both titles of 制定《A》和《B》
    ("宁波市科学技术局印发《宁波市技术转移促进办法》。",
     ("《宁波市技术转移促进办法》", "issuedBy", AGENCY), "issuedBy-verb"),
    # administeredBy: A 搭建/组织 X; X 由 A 运营; 一是… under a paragraph whose subject is A
    ("宁波市科学技术局搭建东湖技术交易平台。", (PLATFORM, "administeredBy", AGENCY), "administeredBy-verb"),
    ("东湖技术交易平台由宁波市科技服务集团有限公司运营。",
     (PLATFORM, "administeredBy", "宁波市科技服务集团有限公司"), "administeredBy-passive"),
    ("近年来，宁波市科学技术局持续优化创新生态。一是联合有关部门，组织东湖国际创新挑战赛。",
     ("东湖国际创新挑战赛", "administeredBy", AGENCY), "administeredBy-enumerated-topic"),
    # governedBy: 根据《Y》…X; a regulation whose title names the program
    ("根据《东湖创新券管理办法》，全年向 300 家中小微企业发放 2 亿元的东湖创新券。",
     ("东湖创新券", "governedBy", "《东湖创新券管理办法》"), "governedBy-according-to"),
    ("宁波市科学技术局印发《宁波市甬创贷管理办法》，规范“甬创贷”发放。",
     ("甬创贷", "governedBy", "《宁波市甬创贷管理办法》"), "governedBy-title-names"),
    # targets: X 主要支持 T、U; X 面向 T; 面向 T 的 X; 为 N 家 T 提供; 向 T 发放 X
    ("“甬创贷”主要支持科技型中小企业和高新技术企业。", ("甬创贷", "targets", "高新技术企业"), "targets-list"),
    ("明确“甬创贷”面向小微企业。", ("甬创贷", "targets", "小微企业"), "targets-x-faces-t"),
    ("包括面向 35 周岁以下青年科技人员的青藤人才计划。", ("青藤人才计划", "targets", "青年科技人员"), "targets-for-t-the-x"),
    ("东湖技术交易平台为 500 家高新技术企业提供技术评估服务。", (PLATFORM, "targets", "高新技术企业"),
     "targets-provides-for"),
    ("全年向 1200 家科技型中小企业发放东湖创新券 1.5 亿元。", ("东湖创新券", "targets", "科技型中小企业"),
     "targets-issues-to"),
    # supports: A 支持/推动建设 B、C
    ("宁波市科学技术局推动建设了甬江实验室、东湖研究院等新型研发机构。", (AGENCY, "supports", "东湖研究院"),
     "supports-list"),
    # participatesIn: 平台吸引 A、B 等入驻
    ("三是建设东湖技术交易平台，平台吸引星河科技、远川医药等 40 家企业入驻。",
     ("远川医药", "participatesIn", PLATFORM), "participatesIn-attracts"),
    # partnerOf: A 与 B 签署; A 会同 B; 推动与 B 的合作 (the opener is the subject)
    ("宁波市科学技术局与宁波市财政局签署合作协议。", (AGENCY, "partnerOf", "宁波市财政局"), "partnerOf-sign"),
    ("东湖技术交易平台推动与宁波海外科技协会的合作，与杭州市科学技术局共建联合实验室。",
     (PLATFORM, "partnerOf", "杭州市科学技术局"), "partnerOf-second-object-keeps-subject"),
    # partOf: …，其中，X; 集成 A、B 等的 N
    ("全年发放东湖创新券 2 亿元，其中，研发服务类东湖创新券支持企业 100 家。",
     ("研发服务类东湖创新券", "partOf", "东湖创新券"), "partOf-among"),
    ("宁波市科学技术局构建集成东湖技术交易平台、东湖创新论坛等的东湖“立体”网络。",
     ("东湖创新论坛", "partOf", "东湖“立体”网络"), "partOf-integrates"),
    # locatedIn: X 在 P 召开; X …，网点遍布 P、Q 和 R (the sentence subject, not the operator)
    ("2024 东湖创新论坛在奉贤区召开。", ("东湖创新论坛", "locatedIn", "奉贤区"), "locatedIn-held-in"),
    ("东湖技术交易平台由宁波市科技服务集团有限公司运营，服务网点遍布金山区、奉贤区和崇明区。",
     (PLATFORM, "locatedIn", "崇明区"), "locatedIn-spread-list"),
    ("目前，青松科技园已集聚东湖技术交易所、华中技术转移中心等一批平台。",
     ("东湖技术交易所", "locatedIn", "青松科技园"), "locatedIn-place-hosts"),
    # issuedBy: every agency of a list right before a title
    ("宁波市科学技术局、宁波市财政局《关于加快技术转移的意见》提出新举措。",
     ("《关于加快技术转移的意见》", "issuedBy", AGENCY), "issuedBy-possessive-list"),
    # participatesIn: X、Y 等携手组建的 Z
    ("星河科技、远川医药等领军企业携手组建的东湖创新联盟正式成立。",
     ("星河科技", "participatesIn", "东湖创新联盟"), "participatesIn-founders"),
    # administeredBy: X …，是 A 和 B 共同打造的…
    ("东湖创新论坛创始于2008年，是宁波市科学技术局和杭州市人民政府共同打造的国际论坛。",
     ("东湖创新论坛", "administeredBy", "杭州市人民政府"), "administeredBy-described"),
    # partnerOf: X、Y、Z 战略合作签约
    ("大会举办了东湖技术交易平台、招商银行苏州分行、星河科技有限公司战略合作签约仪式。",
     (PLATFORM, "partnerOf", "星河科技有限公司"), "partnerOf-signing-list"),
]


@pytest.mark.parametrize(("text", "edge"), [c[:2] for c in CASES], ids=[c[2] for c in CASES])
def test_rule_family_finds_the_edge_in_its_direction(nlp, quotes, text: str, edge: tuple[str, str, str]) -> None:
    assert edge in _edges(nlp, text, quotes)


WRONG = [
    ("东湖技术交易平台由宁波市科技服务集团有限公司运营，服务网点遍布金山区、奉贤区和崇明区。",
     ("宁波市科技服务集团有限公司", "locatedIn", "金山区"), "spread-not-the-operator"),
    ("东湖技术交易平台推动与宁波海外科技协会的合作，与杭州市科学技术局共建联合实验室。",
     ("宁波海外科技协会", "partnerOf", "杭州市科学技术局"), "partner-objects-are-not-partners"),
    ("向宁波市科学技术局、东湖技术交易平台推荐高新技术企业。", (PLATFORM, "targets", "高新技术企业"),
     "addressee-is-not-the-subject"),
    ("优化东湖技术交易平台功能；为科技型中小企业提供融资服务。", (PLATFORM, "targets", "科技型中小企业"),
     "semicolon-ends-the-subject"),
    ("宁波市科学技术局搭建东湖技术交易平台。", (AGENCY, "administeredBy", PLATFORM), "no-reversed-direction"),
    ("大会举办了东湖技术交易平台、招商银行苏州分行、星河科技有限公司战略合作签约仪式。",
     ("星河科技有限公司", "participatesIn", PLATFORM), "signing-is-not-joining"),
    ("东湖技术交易平台为宁波市科学技术局组织的活动提供场地。", (PLATFORM, "administeredBy", AGENCY),
     "for-is-not-is"),
]


@pytest.mark.parametrize(("text", "edge"), [c[:2] for c in WRONG], ids=[c[2] for c in WRONG])
def test_rule_family_does_not_draw_the_wrong_edge(nlp, quotes, text: str, edge: tuple[str, str, str]) -> None:
    assert edge not in _edges(nlp, text, quotes)


@pytest.mark.parametrize(
    "text",
    ["东湖技术交易平台和宁波市科学技术局都在宁波。", "已建功能型平台 12 家，遍布鄞州、北仑等 6 个区。"],
    ids=["no-trigger", "no-named-subject"],
)
def test_a_sentence_without_a_stated_relation_gives_none(nlp, quotes, text: str) -> None:
    assert _edges(nlp, text, quotes) == set()


def test_a_list_of_targets_shares_the_edge(nlp, quotes) -> None:
    edges = _edges(nlp, "“甬创贷”主要支持科技型中小企业和高新技术企业。", quotes)
    assert {("甬创贷", "targets", "科技型中小企业"), ("甬创贷", "targets", "高新技术企业")} <= edges


def test_an_agency_and_the_one_it_works_with_both_run_what_they_launch(nlp, quotes):
    edges = _edges(nlp, "杭州市科学技术局联合杭州市财政局推出“钱江创新贷”。", quotes)
    assert {("钱江创新贷", "administeredBy", "杭州市科学技术局"), ("钱江创新贷", "administeredBy", "杭州市财政局")} <= edges


@pytest.mark.parametrize(
    ("text", "edges"),
    [
        ("“苏科贷”由江苏省科学技术厅主管。", {("苏科贷", "administeredBy", "江苏省科学技术厅")}),
        ("银杏银行的“银杏贷”、松柏银行的“松柏贷”各具特色。",
         {("银杏贷", "administeredBy", "银杏银行"), ("松柏贷", "administeredBy", "松柏银行")}),
        ("第五届银杏创新挑战赛由科技部指导，江苏省科技厅、扬州市政府共同承办。",
         {("银杏创新挑战赛", "administeredBy", "科技部"), ("银杏创新挑战赛", "administeredBy", "江苏省科技厅"),
          ("银杏创新挑战赛", "administeredBy", "扬州市政府")}),
    ],
    ids=["passive-unknown-names", "possessive-products", "host-and-co-organisers"],
)
def test_plain_wordings_hold_with_names_no_lexicon_knows(nlp, text: str, edges: set) -> None:
    x = extract_text(text, nlp=nlp)
    names = {e.key: e.label for e in x.entities}
    assert edges <= {(names[r.head], r.relation, names[r.tail]) for r in x.relations}
