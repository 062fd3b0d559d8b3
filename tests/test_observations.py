"""Numbers, units, approximations, years and subjects on small hand-made inputs."""

from __future__ import annotations

import pytest

from kg.documents import read_text_document
from kg.observations import parse_number
from kg.pipeline import extract_document


def _obs(nlp, text: str) -> list[tuple[str, float, str, int | None]]:
    x = extract_document(read_text_document(text, id="t", path="t.txt"), nlp=nlp)
    label = {e.key: e.label for e in x.entities}
    for o in x.observations:
        assert x.doc.text[o.evidence.start : o.evidence.end] == o.evidence.text
    return [(label[o.subject], o.value, o.unit, o.year) for o in x.observations]


@pytest.mark.parametrize(
    ("num", "mult", "qual", "value"),
    [("3,534.78", "亿", None, 3534.78), ("1.6", "万", None, 1.6), ("千", None, None, 1000.0),
     ("百", "亿", "超", 100.0), (None, "万", "过", 1.0), ("十", None, None, 10.0), ("二十三", None, None, 23.0)],
    ids=["decimal-comma", "wan", "qian", "bai-yi", "guo-wan", "shi", "compound"],
)
def test_parse_number(num, mult, qual, value) -> None:
    assert parse_number(num, mult, qual) == value


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("“甬创贷”全年授信超过 12.5 亿元。", ("甬创贷", 12.5, "亿元")),
        ("东湖技术转移服务平台累计服务企业 1.6 万家。", ("东湖技术转移服务平台", 1.6, "万家")),
        ("东湖技术转移服务平台汇聚需求千余项。", ("东湖技术转移服务平台", 1000.0, "项")),
        ("东湖技术转移服务平台落实专项资金超百亿元。", ("东湖技术转移服务平台", 100.0, "亿元")),
        ("东湖技术转移服务平台对接率超过 60%。", ("东湖技术转移服务平台", 60.0, "%")),
        ("东湖技术转移服务平台技术经理人参与对接 18569 人次。", ("东湖技术转移服务平台", 18569.0, "人次")),
    ],
    ids=["yi-yuan", "wan-jia", "qian-yu", "chao-bai-yi", "percent", "renci"],
)
def test_figures_with_units(nlp, text: str, figure) -> None:
    assert figure in [o[:3] for o in _obs(nlp, text)]


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("截至 2025 年末，“甬创贷”累计授信 30 亿元。", 2025),
        ("2023 年，“甬创贷”授信 8 亿元。", 2023),
        ("自 2022 年平台上线以来，“甬创贷”累计授信 30 亿元。", None),
    ],
    ids=["jiezhi-nianmo", "year-prefix", "since-cumulative"],
)
def test_year_of_a_figure(nlp, text: str, year) -> None:
    assert [o[3] for o in _obs(nlp, text) if o[0] == "甬创贷"] == [year]


def test_this_year_in_an_annual_report_is_the_report_year(nlp) -> None:
    text = "03 提升企业创新能力\n\n2024年工作回顾。\n\n“甬创贷”支持力度加大。全年为 120 家企业提供贷款 3.5 亿元。\n"
    doc = read_text_document(text, id="r", path="r.txt")
    doc.meta.kind, doc.meta.year = "report", 2024
    x = extract_document(doc, nlp=nlp)
    assert {(o.value, o.unit, o.year) for o in x.observations} >= {(3.5, "亿元", 2024), (120.0, "家", 2024)}


@pytest.mark.parametrize(
    ("text", "subject", "figure"),
    [
        ("“甬创贷”“甬信贷”已累计发放资金 50 亿元。", "甬创贷", 50.0),
        ("向 300 家中小企业发放近 2 亿元的东湖创新券。", "东湖创新券", 2.0),
        ("东湖研究院在宁波开展了 40 余个“甬拨投”项目。", "甬拨投", 40.0),
        ("全年有效期内高新技术企业总数超过 9000 家。", "高新技术企业", 9000.0),
    ],
    ids=["first-of-a-list", "counted-program", "program-after-figure", "target-group"],
)
def test_subject_of_a_figure(nlp, text: str, subject: str, figure: float) -> None:
    assert any(subject in s and v == figure for s, v, _, _ in _obs(nlp, text))


def test_a_heading_sets_the_subject_of_the_bullets_below(nlp) -> None:
    text = "东湖技术转移服务平台\n\n- 累计入驻企业 1800 余家\n- 吸引 300 家创投机构\n"
    assert {(s, v) for s, v, _, _ in _obs(nlp, text)} == {("东湖技术转移服务平台", 1800.0), ("东湖技术转移服务平台", 300.0)}


@pytest.mark.parametrize(
    "text",
    ["面向 32 周岁以下青年科技人员的“甬才计划”。", "第6届东湖创新创业大赛于 5 月 31 日举行。", "完成首颗 28nm 芯片流片。"],
    ids=["age", "ordinal-and-date", "model-number"],
)
def test_non_figures_are_ignored(nlp, text: str) -> None:
    assert _obs(nlp, text) == []
