"""Numbers, units, approximations, years and subjects on small hand-made inputs."""

from __future__ import annotations

import pytest

from kg.documents import read_text_document
from kg.observations import parse_number
from kg.pipeline import extract_document, extract_text


def _obs(nlp, text: str, quotes) -> list[tuple[str, float, str, int | None]]:
    x = extract_document(read_text_document(text, id="t", path="t.txt"), nlp=nlp)
    label = {e.key: e.label for e in x.entities}
    for o in x.observations:
        assert quotes(x.doc, o.evidence.start, o.evidence.end, o.evidence.text)
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
def test_figures_with_units(nlp, quotes, text: str, figure) -> None:
    assert figure in [o[:3] for o in _obs(nlp, text, quotes)]


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("截至 2025 年末，“甬创贷”累计授信 30 亿元。", 2025),
        ("2023 年，“甬创贷”授信 8 亿元。", 2023),
        ("自 2022 年平台上线以来，“甬创贷”累计授信 30 亿元。", None),
    ],
    ids=["jiezhi-nianmo", "year-prefix", "since-cumulative"],
)
def test_year_of_a_figure(nlp, quotes, text: str, year) -> None:
    assert [o[3] for o in _obs(nlp, text, quotes) if o[0] == "甬创贷"] == [year]


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
def test_subject_of_a_figure(nlp, quotes, text: str, subject: str, figure: float) -> None:
    assert any(subject in s and v == figure for s, v, _, _ in _obs(nlp, text, quotes))


def test_a_heading_sets_the_subject_of_the_bullets_below(nlp, quotes) -> None:
    text = "东湖技术转移服务平台\n\n- 累计入驻企业 1800 余家\n- 吸引 300 家创投机构\n"
    assert {(s, v) for s, v, _, _ in _obs(nlp, text, quotes)} == {("东湖技术转移服务平台", 1800.0), ("东湖技术转移服务平台", 300.0)}


@pytest.mark.parametrize(
    "text",
    ["面向 32 周岁以下青年科技人员的“甬才计划”。", "第6届东湖创新创业大赛于 5 月 31 日举行。", "完成首颗 28nm 芯片流片。"],
    ids=["age", "ordinal-and-date", "model-number"],
)
def test_non_figures_are_ignored(nlp, quotes, text: str) -> None:
    assert _obs(nlp, text, quotes) == []


def _obs_q(nlp, text: str) -> list[tuple[str, float, str, str | None]]:
    """(subject, value, unit, qualifier) of every observation of ``text``."""
    x = extract_text(text, nlp=nlp)
    label = {e.key: e.label for e in x.entities}
    return [(label[o.subject], o.value, o.unit, o.qualifier) for o in x.observations]


@pytest.mark.parametrize(
    ("num", "mult", "qual", "value"),
    [("两", None, None, 2.0), ("十二", None, None, 12.0), ("两百", None, None, 200.0), ("1,200", None, None, 1200.0),
     ("0.225", "亿", None, 0.225), (None, "万亿", "突破", 1.0), (None, "万", None, None)],
    ids=["liang", "shi-er", "liang-bai", "thousands-comma", "small-decimal", "tupo-wanyi", "bare-multiplier"],
)
def test_parse_number_more_forms(num, mult, qual, value) -> None:
    assert parse_number(num, mult, qual) == value


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("滨江技术交易平台服务企业近 300 家。", (300.0, "家", "近")),
        ("滨江技术交易平台服务企业约 300 家。", (300.0, "家", "约")),
        ("滨江技术交易平台服务企业逾 300 家。", (300.0, "家", "逾")),
        ("滨江技术交易平台服务企业 300 余家。", (300.0, "家", "余")),
        ("滨江技术交易平台服务企业 300 多家。", (300.0, "家", "多")),
        ("滨江技术交易平台挂牌成果过万项。", (1.0, "万项", "过")),
        ("“创星贷”授信突破万亿元。", (1.0, "万亿元", "突破")),
        ("“创星贷”授信 2.5 万亿元。", (2.5, "万亿元", None)),
        ("“创星贷”授信 3600 万元。", (3600.0, "万元", None)),
    ],
    ids=["jin", "yue", "yu", "yu-after", "duo", "guo-wan", "tupo-wanyi", "wanyi-yuan", "wan-yuan"],
)
def test_approximate_forms_keep_the_number_and_the_qualifier(nlp, text: str, figure) -> None:
    assert [o[1:] for o in _obs_q(nlp, text)] == [figure]


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("滨江技术交易平台服务 1200 家次、培训 3000 人次、举办活动 12 场。", ["家次", "人次", "场"]),
        ("滨江技术交易平台载体面积 5 万平方米，入驻 20 户，发布 30 条。", ["万平方米", "户", "条"]),
        ("滨江技术交易平台签约 11 项、落地 4 个、培养 15 名。", ["项", "个", "名"]),
    ],
    ids=["jiaci-renci-chang", "wan-pingfangmi-hu-tiao", "xiang-ge-ming"],
)
def test_units_are_kept_as_written(nlp, text: str, units: list[str]) -> None:
    assert [o[2] for o in _obs_q(nlp, text)] == units


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("研发费用加计扣除、“创星贷”等各类政策惠及企业超过 5000 户。", None),
        ("全市新增 3 家“启航”众创空间。", None),
        ("落实《关于支持滨江创新发展的若干意见》，新增“启航”众创空间 4 家。", None),
        ("滨江技术交易平台集聚企业 300 家，其中 80% 的企业为科技型中小企业。", "滨江技术交易平台"),
        ("滨江技术交易平台集聚科技企业孵化器 12 家。", "滨江技术交易平台"),
    ],
    ids=["examples-before-deng", "counted-class", "policy-applied", "target-group-as-predicate", "group-qualifies-facility"],
)
def test_what_is_not_a_subject(nlp, text: str, subject: str | None) -> None:
    assert {o[0] for o in _obs_q(nlp, text)} == ({subject} if subject else set())


def test_a_figure_takes_the_subject_of_the_figure_before_it_in_its_clause_group(nlp) -> None:
    text = "“创星贷”授信 8 亿元，同比增长 12%。"
    assert [(o[0], o[1]) for o in _obs_q(nlp, text)] == [("创星贷", 8.0), ("创星贷", 12.0)]


def test_a_target_group_heading_its_clause_is_the_subject(nlp) -> None:
    assert [(o[0], o[1]) for o in _obs_q(nlp, "科技型中小企业贷款余额增长 40%。")] == [("科技型中小企业", 40.0)]


def test_a_place_after_qishi_is_the_subject_of_its_share(nlp) -> None:
    text = "滨江技术交易平台服务企业 900 家，其中上海 300 家。"
    assert [(o[0], o[1]) for o in _obs_q(nlp, text)] == [("滨江技术交易平台", 900.0), ("上海", 300.0)]


def test_an_unnamed_heading_after_a_named_one_without_text_ends_its_topic(nlp) -> None:
    text = "滨江技术交易平台上线运行\n\n标准化工作持续推动\n\n发布地方标准 2 项，参与单位 30 家。\n"
    assert _obs_q(nlp, text) == []


def test_a_named_heading_governs_unnamed_subheadings_below_its_text(nlp) -> None:
    text = "滨江技术交易平台能级提升\n\n平台服务持续完善。\n\n国内网络布局全国\n\n- 国内网点 30 家\n"
    assert [(o[0], o[1]) for o in _obs_q(nlp, text)] == [("滨江技术交易平台", 30.0)]


def test_each_bullet_starts_from_the_topic_of_the_introducing_paragraph(nlp) -> None:
    text = "滨江技术交易平台上线。\n- “创星贷”授信 8 亿元\n- 服务企业 300 家\n"
    assert [(o[0], o[1]) for o in _obs_q(nlp, text)] == [("创星贷", 8.0), ("滨江技术交易平台", 300.0)]


def test_bullets_are_not_headings(nlp) -> None:
    text = "- “创星贷”发布\n- 全市新增众创空间 15 家\n"
    assert _obs_q(nlp, text) == []


def _years(nlp, text: str, *, report: bool = False, doc_year: int | None = None) -> list[tuple[float, int | None]]:
    doc = read_text_document(text, id="y", path="y.txt")
    if report:
        doc.meta.kind = "report"
    if doc_year:
        doc.meta.year = doc_year
    return [(o.value, o.year) for o in extract_document(doc, nlp=nlp).observations]


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2024 年，滨江技术交易平台挂牌成果 1200 项。\n- 服务企业 300 家\n", [(1200.0, 2024), (300.0, 2024)]),
        ("截至 2023 年末，“创星贷”授信 8 亿元。科技型中小企业贷款余额增长 40%。", [(8.0, 2023), (40.0, 2023)]),
        ("2021浦江创新论坛——滨江技术转移大会举行。大会汇聚需求 2000 项。", [(2000.0, 2021)]),
        ("滨江技术交易平台于 2020 年 10 月 12 日开市。平台挂牌成果 1200 项。", [(1200.0, None)]),
        ("2024 年，“创星贷”授信 8 亿元。如，“创星贷”惠及企业 300 家。", [(8.0, 2024), (300.0, None)]),
        ("2021 年 3 月，“创星贷”发起，迄今已有 15 家银行参与。", [(15.0, None)]),
        ("2024 年，“创星贷”授信 8 亿元。截至目前，“创星贷”累计授信 30 亿元。", [(8.0, 2024), (30.0, None)]),
    ],
    ids=["bullets-under-a-year", "next-sentence", "edition-year", "date-does-not-carry", "example-not-dated",
         "present-after-date", "cumulative-not-dated"],
)
def test_a_period_year_carries_through_its_paragraph(nlp, text: str, years) -> None:
    assert _years(nlp, text) == years


def test_jiezhi_nian_di_in_a_report_is_the_report_year(nlp) -> None:
    text = "滨江技术交易平台\n\n截至年底，平台挂牌成果 1200 项。\n"
    assert _years(nlp, text, report=True, doc_year=2024) == [(1200.0, 2024)]


@pytest.mark.parametrize(
    "text",
    ["“创星贷”“启星贷”2 项产品发布。", "滨江技术交易平台第 3 期培训班开班。", "滨江技术交易平台于 2025 年 3 月 1 日上线。",
     "3.2 滨江技术交易平台建设", "滨江技术交易平台发布三大举措、两项制度。"],
    ids=["list-count", "ordinal-period", "date", "section-number", "list-words"],
)
def test_more_non_figures_are_ignored(nlp, text: str) -> None:
    assert _obs_q(nlp, text) == []


def test_evidence_is_the_document_text_at_its_offsets(nlp, quotes) -> None:
    text = "标题\n\n  2024 年，滨江技术交易平台挂牌成果 1200 项，服务企业 300 家。\r\n- 吸引 20 家投资机构\n"
    x = extract_text(text, nlp=nlp)
    assert x.observations
    for o in x.observations:
        assert quotes(x.doc, o.evidence.start, o.evidence.end, o.evidence.text)


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("“银杏贷”累计发放五千万元。", 5000.0, "万元", None),
        ("“银杏贷”服务企业四家。", 4.0, "家", None),
        ("“银杏贷”支持项目两千余项。", 2000.0, "项", "余"),
        ("“银杏贷”单户贷款额度最高不超过1000万元。", 1000.0, "万元", "最高不超过"),
        ("“银杏贷”利率低0.6个百分点。", 0.6, "个百分点", None),
        ("“银杏贷”惠及企业 1.2 万人次。", 1.2, "万人次", None),
        ("“银杏贷”授信 3 亿元以上。", 3.0, "亿元", "以上"),
    ],
    ids=["cn-numeral-with-multiplier", "cn-count", "cn-approx", "upper-bound", "points", "compound-unit", "lower-bound-after"],
)
def test_figures_read_right(nlp, text: str, value: float, unit: str, qualifier: str | None) -> None:
    x = extract_text(text, nlp=nlp)
    assert [(o.value, o.unit, o.qualifier) for o in x.observations] == [(value, unit, qualifier)]


def test_the_measure_is_the_whole_noun_phrase(nlp) -> None:
    x = extract_text("“银杏贷”单户贷款额度最高不超过1000万元。", nlp=nlp)
    assert x.observations[0].measure == "单户贷款额度"


def test_units_are_as_written_in_traditional_script(nlp) -> None:
    x = extract_text("嘉興科技創新券使用金額52.9萬元。", nlp=nlp)
    assert [(o.value, o.unit) for o in x.observations] == [(52.9, "萬元")]


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2024-03-01\n\n去年，“银杏贷”授信 8 亿元。", 2023),
        ("2024-03-01\n\n今年“银杏贷”授信 8 亿元。", 2024),
        ("2018年，“银杏贷”余额较2016年末增长78%。", 2018),
        ("2016年初至今年6月末，“银杏贷”累计发放贷款13.64亿元。\n发布时间:2017-09-12", 2017),
    ],
    ids=["last-year", "this-year", "comparison-base", "until-this-year"],
)
def test_years_relative_to_the_document(nlp, text: str, year: int) -> None:
    assert [o.year for o in extract_text(text, nlp=nlp).observations] == [year]


def test_an_agency_is_not_what_a_figure_measures(nlp) -> None:
    x = extract_text("近年来，银杏市科学技术局累计组织申报项目 98 项。", nlp=nlp)
    assert x.observations == []



@pytest.mark.parametrize(("numeral", "value"), [("四", 4.0), ("千", 1000.0), ("五千", 5000.0), ("两千三百四十五", 2345.0),
                                                ("二百五", 250.0), ("三千零五十", 3050.0), ("二〇二三", 2023.0)],
                         ids=["digit", "unit", "thousands", "full", "unit-left-out", "zero", "digits"])
def test_chinese_numbers(numeral: str, value: float) -> None:
    from kg.observations import _chinese_number

    assert _chinese_number(numeral) == value


@pytest.mark.slow
def test_plain_numerals_read_as_cn2an_reads_them() -> None:
    """Every numeral read without cn2an (digits before 千, 百, 十: 10,000 forms) has cn2an's value."""
    import itertools

    import cn2an

    from kg.observations import _chinese_number, _plain_numeral

    digits = ["", *"一二两三四五六七八九"]
    forms = {f"{a}{'千' if a else ''}{b}{'百' if b else ''}{c}{'十' if c else ''}{d}"
             for a, b, c, d in itertools.product(digits, repeat=4)}
    plain = [s for s in forms if s and _plain_numeral(s) is not None]
    assert len(plain) > 9_000
    for s in plain:
        assert _chinese_number(s) == float(cn2an.cn2an(s, "smart")), s


def test_respectively_gives_each_listed_item_its_figure(nlp, quotes) -> None:
    obs = _obs(nlp, "三年来，科技型中小企业、高新技术企业、技术合同成交额年均分别增长40.6%、40.3%、31.8%。", quotes)
    assert {(s, v) for s, v, _, _ in obs} == {("科技型中小企业", 40.6), ("高新技术企业", 40.3)}


def test_a_program_followed_by_a_count_counts_its_items(nlp, quotes) -> None:
    obs = _obs(nlp, "今年组织申报省春雨计划7项，青松计划3项。", quotes)
    assert {(s, v, u) for s, v, u, _ in obs} == {("省春雨计划", 7.0, "项"), ("青松计划", 3.0, "项")}


def test_a_rank_is_a_figure_but_an_ordinal_is_not(nlp, quotes) -> None:
    obs = _obs(nlp, "在全球金融中心指数排名中，深圳市位列全球第9位。第3期培训班在深圳市开班。", quotes)
    assert [(s, v, u) for s, v, u, _ in obs] == [("深圳市", 9.0, "位")]


def test_a_figure_with_no_subject_in_its_sentence_goes_on_with_the_paragraphs_figure_before(nlp) -> None:
    text = "根据《滨江区评价办法》，“创星贷”今年授信 8 亿元。经审核，确定 30 家企业获得贷款。\n经审核，另有 5 家企业入库。"
    assert [(o[0], o[1]) for o in _obs_q(nlp, text)] == [("创星贷", 8.0), ("创星贷", 30.0)]


@pytest.mark.parametrize(
    ("text", "kept"),
    [("高新技术企业总数超过 2000 家。经审核，确定 30 家企业获得贷款。", [2000.0]),
     ("根据《滨江区评价办法》，“创星贷”今年授信 8 亿元。我省共有 13 家企业获得贷款。", [8.0]),
     ("“创星贷”授信 8 亿元。截至目前，全市共有 13 家企业获得贷款。", [8.0])],
    ids=["class-said-of-its-sentence", "own-province", "own-city"],
)
def test_what_a_figure_does_not_go_on_with(nlp, text: str, kept: list[float]) -> None:
    assert [o[1] for o in _obs_q(nlp, text)] == kept


def test_the_item_of_a_list_before_a_figure_is_not_its_subject(nlp) -> None:
    text = "滨江创新大会将举行一场开幕式暨全体大会、4 场特别论坛。"
    assert ("开幕式暨全体大会", 4.0) not in [(o[0], o[1]) for o in _obs_q(nlp, text)]


@pytest.mark.parametrize("program", ["投贷联动", "“投贷通”"])
def test_the_organisation_opening_its_clause_owns_what_it_achieves_by_a_program(nlp, program: str) -> None:
    text = f"记者在调研中了解到，近年来，滨江农商银行通过与投资机构开展{program}，累计为 120 家企业提供贷款。"
    assert [(o[0], o[1]) for o in _obs_q(nlp, text)] == [("滨江农商银行", 120.0)]


def test_a_bare_head_refers_to_the_entity_named_most_often(nlp) -> None:
    text = ("滨江创新论坛将于 5 月在杭州举行。滨江创新论坛今年首次设立青年科学家论坛。\n"
            "截至目前，论坛共邀请发言嘉宾 150 人。")
    assert [(o[0], o[1]) for o in _obs_q(nlp, text)] == [("滨江创新论坛", 150.0)]
