"""Tests for kg.documents: decoding, cleaning with offsets, page breaks, sentences, headers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.documents import (
    SUFFIXES,
    DocumentError,
    clean_text,
    decode,
    iter_paths,
    iter_sources,
    parse_header,
    read_document,
    read_text_document,
    split_sentences,
)
from kg.model import DocumentMeta

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).parents[1] / "seeds"
SAMPLE = "上海市科学技术委员会\n沪科提复〔2022〕8号\n科技创新券、InnoMatch 平台。\n"
# U+4DAE and U+20000 exist in GB18030 but not in GBK
SAMPLE_GB18030 = SAMPLE + "䶮𠀀\n"


def assert_offsets_exact(text: str, clean: str, offsets: list[int]) -> None:
    assert len(offsets) == len(clean)
    assert all(a < b for a, b in zip(offsets, offsets[1:], strict=False))
    assert all(text[o] == c for o, c in zip(offsets, clean, strict=True))


# --------------------------------------------------------------------------- decoding


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (SAMPLE.encode("utf-8"), SAMPLE),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), SAMPLE),
        (b"\xff\xfe" + SAMPLE.encode("utf-16-le"), SAMPLE),
        (b"\xfe\xff" + SAMPLE.encode("utf-16-be"), SAMPLE),
        (SAMPLE.encode("utf-16-le"), SAMPLE),
        (SAMPLE.encode("gbk"), SAMPLE),
        (SAMPLE_GB18030.encode("gb18030"), SAMPLE_GB18030),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le-no-bom", "gbk", "gb18030"],
)
def test_encodings_round_trip(tmp_path, payload, expected):
    path = tmp_path / "doc.txt"
    path.write_bytes(payload)
    assert read_document(path).text == expected


def test_gb18030_sample_is_not_gbk():
    with pytest.raises(UnicodeEncodeError):
        SAMPLE_GB18030.encode("gbk")


def test_bom_is_not_part_of_text():
    assert decode(b"\xef\xbb\xbf" + "市科委".encode()) == "市科委"


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "ZIP"),
        (bytes(range(32)) * 20, "binary"),
    ],
    ids=["pdf", "png", "jpeg", "zip", "control-bytes"],
)
def test_binary_files_are_refused_naming_the_file(tmp_path, payload, kind):
    path = tmp_path / "scan.txt"
    path.write_bytes(payload)
    with pytest.raises(DocumentError, match="binary") as err:
        read_document(path)
    assert "scan.txt" in str(err.value)
    assert kind in str(err.value) or kind == "binary"


def test_undecodable_bytes_name_file_and_fix(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(b"caf\xe9 \x80\x80 \xff\xff")
    with pytest.raises(DocumentError, match="convert it to UTF-8") as err:
        read_document(path)
    assert "latin.txt" in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("payload", [b"", b"  \n\r\n\t "], ids=["empty", "whitespace"])
def test_empty_file_is_an_error(tmp_path, payload):
    path = tmp_path / "blank.txt"
    path.write_bytes(payload)
    with pytest.raises(DocumentError, match="empty") as err:
        read_document(path)
    assert "blank.txt" in str(err.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DocumentError, match="nope.txt"):
        read_document(tmp_path / "nope.txt")


# --------------------------------------------------------------------------- files


def test_read_document_fields(tmp_path):
    path = tmp_path / "123_abc.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE.encode())
    doc = read_document(str(path))
    assert (doc.id, doc.path) == ("123_abc", str(path))
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_iter_sources_takes_every_file_and_says_why_it_leaves_one_out(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ["b/2.md", "1.txt", "3.htm", "README.md", ".x.txt", ".hidden/4.txt", "5.pdf", "6.csv"]:
        (tmp_path / name).write_text("甲", encoding="utf-8")
    files, ignored = iter_sources([tmp_path], exclude=[tmp_path / "6.csv"])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["1.txt", "3.htm", "5.pdf", "b/2.md"]
    assert [(p.relative_to(tmp_path).as_posix(), why) for p, why in ignored] == [
        (".hidden", "hidden"), (".x.txt", "hidden"), ("6.csv", "the manifest"), ("README.md", "a README, not a document")]
    assert iter_paths([tmp_path])[-2:] == [tmp_path / "6.csv", tmp_path / "b" / "2.md"]


def test_iter_paths_keeps_explicit_files_once(tmp_path):
    (tmp_path / "a.txt").write_text("甲", encoding="utf-8")
    assert iter_paths([tmp_path / "a.txt", tmp_path]) == [tmp_path / "a.txt"]


def test_iter_paths_missing_path(tmp_path):
    with pytest.raises(DocumentError, match="missing"):
        iter_paths([tmp_path / "missing"])


def test_iter_paths_directory_without_documents(tmp_path):
    (tmp_path / "README.md").write_text("说明", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"contains no documents; give a folder with \.txt, \.html, \.pdf or \.docx"):
        iter_paths([tmp_path])


def test_suffixes():
    assert set(SUFFIXES) == {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".doc"}


# --------------------------------------------------------------------------- cleaning

PARA = "另外，市科创办搭建产学研创新平台，推动建设了上海清华国际创新中心、张江复旦国际创"


def test_page_break_inside_name_is_joined():
    text = PARA + "\n\n新中心等应用科学类机构。"
    clean, offsets = clean_text(text)
    assert clean == PARA + "新中心等应用科学类机构。"
    start = clean.rindex("张江复旦国际创新中心")
    assert text[offsets[start] : offsets[start + 9] + 1] == "张江复旦国际创\n\n新中心"


def test_page_break_chain_over_three_lines():
    text = (
        PARA
        + "\n\n新中心、浙江大学上海高等研究院、同济大学上海自主智能无人系统科\n\n学中心等机构。"
    )
    assert "\n" not in clean_text(text)[0]


@pytest.mark.parametrize(
    "text",
    [
        PARA.replace("国际创", "国际创新中心等机构。") + "\n\n下阶段，市科委将会同相关部门推进。",
        "科技金融支撑不断加强\n\n通过普惠性财税政策和科技信贷、风险投资、上市融资等多种途径服务企业。",
        "一、关于“完善高校的科研成果评价机制”的建议\n\n近几年，国家和本市出台促进科技成果转化的制度举措。",
        "3.1 促进创新资源向企业集聚和科技型企业培育体系不断完善\n\n持续深化高新技术企业培育，有效期内企业数突破。",
        "国际网络实现纵深融合, 推动单个海外项目落地意向投资超亿元\n\n- 促成中美企业合作项目5个。",
        "全年共向1678家次中小微企业发放总额5亿元的科技创新券,实际兑现补贴超6210万元\n\n技术转移服务",
        "你们提出的“关于加强合作的建议”的提案收悉，现将办理情况答复如下：\n\n推动科技成果转化。",
        "市人力资源社会保障局首次将技术转移人才纳入社会化的职称评定\n\n技术带头人计划中首次增加技术转移方向",
    ],
    ids=[
        "paragraph-end",
        "short-heading",
        "numbered-heading",
        "section-number",
        "bullet-next",
        "label-next",
        "colon",
        "no-clause-punctuation",
    ],
)
def test_real_line_ends_are_kept(text):
    assert clean_text(text)[0].split("\n\n") == [part.strip() for part in text.split("\n\n")]


def test_month_heading_and_bullets_stay_lines():
    clean, _ = clean_text("2月\n\n- 《建设高标准市场体系行动方案》发布\n- 《技术转移规范》发布")
    assert clean.split("\n") == [
        "2月",
        "",
        "- 《建设高标准市场体系行动方案》发布",
        "- 《技术转移规范》发布",
    ]


def test_blank_lines_collapse_to_one():
    assert clean_text("甲。\n\n\n \n\n乙。")[0] == "甲。\n\n乙。"


def test_crlf_page_break_is_joined():
    text = PARA + "\r\n\r\n新中心等应用科学类机构。\r\n"
    clean, offsets = clean_text(text)
    assert clean == PARA + "新中心等应用科学类机构。"
    assert_offsets_exact(text, clean, offsets)


def test_markdown_is_stripped_with_exact_offsets():
    text = "# 上海市科学技术委员会\n\n---\n\n**一是**联动区科委，__提高__政策宣讲主动性。"
    clean, offsets = clean_text(text)
    assert clean == "上海市科学技术委员会\n\n一是联动区科委，提高政策宣讲主动性。"
    assert_offsets_exact(text, clean, offsets)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("完善 InnoMatch 平台功能", "完善 InnoMatch 平台功能"),
        ("提升企业创新能力， 加速转化", "提升企业创新能力，加速转化"),
        ("InnoMatch   平台", "InnoMatch 平台"),
    ],
    ids=["latin-name", "between-cjk", "run"],
)
def test_spaces(text, expected):
    assert clean_text(text)[0] == expected


def test_html_file_is_read_as_html():
    doc = read_document(DATA / "notice.html")
    assert doc.format == "html"
    assert "不应出现" not in doc.text and "<" + "p>" not in doc.text and "&lt;" not in doc.text
    assert "市科委会同市财政局发布《上海市科技创新券管理办法》<修订>。" in doc.clean
    assert doc.meta.number == "沪科规〔2025〕3号"


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_seed_offsets_are_exact(seed):
    doc = read_document(seed)
    assert_offsets_exact(doc.text, doc.clean, doc.offsets)


@pytest.mark.parametrize(
    ("seed", "name"),
    [
        ("000", "做好政策咨询"),
        ("001", "《上海市吸引集聚企业研发机构"),
        ("001", "张江复旦国际创新中心"),
        ("000", "形成基于产业链"),
        ("000", "融通，持续推动"),
        ("004", "加强人才工作统筹”的建议，一是集聚顶尖人才和团队，结合国家战略科技力量建设"),
        ("004", "一批在基础研究、原始创新领域"),
    ],
    ids=["政策", "书名", "创新中心", "基于", "融通", "markdown", "研究"],
)
def test_seed_page_breaks_are_joined(seed, name):
    (path,) = SEEDS.glob(f"{seed}_*.txt")
    assert name in read_document(path).clean


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="甲乙丙，。：\n *#-_ab1\t\r“《", max_size=80))
def test_offsets_invariant_on_any_text(text):
    clean, offsets = clean_text(text)
    assert len(clean) == len(offsets)
    assert all(a < b for a, b in zip(offsets, offsets[1:], strict=False))
    for o, c in zip(offsets, clean, strict=True):
        assert text[o] == c or (c in " \n" and text[o] in " \t\r\n")


# --------------------------------------------------------------------------- sentences


@pytest.mark.parametrize(
    ("clean", "expected"),
    [
        (
            "一是支持平台。二是鼓励合作！三是什么？",
            ["一是支持平台。", "二是鼓励合作！", "三是什么？"],
        ),
        ("提出“突出成果转化应用情况。”推动建设。", ["提出“突出成果转化应用情况。”", "推动建设。"]),
        ("科技中小企业贷款增长 93%；户数增长 74%。", ["科技中小企业贷款增长 93%；户数增长 74%。"]),
        ("3月\n- 《管理办法》发布\n\n- ◆ 加大力度。", ["3月", "《管理办法》发布", "加大力度。"]),
        ("  末尾没有句号  ", ["末尾没有句号"]),
        ("»\n\n", []),
    ],
    ids=["terminals", "closing-quote", "semicolon", "lines-and-bullets", "no-terminal", "empty"],
)
def test_split_sentences(clean, expected):
    sentences = split_sentences(clean)
    assert [s.text for s in sentences] == expected
    assert all(clean[s.start : s.end] == s.text for s in sentences)


# --------------------------------------------------------------------------- header


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("number", "沪经信提复〔2025〕17号"),
        ("date", "2025-04-18"),
        ("year", 2025),
        ("agency", "上海市经济和信息化委员会"),
        ("addressees", ["李明", "陈静"]),
        ("title", "关于推动中小企业数字化转型的建议"),
        ("proposal_number", "第0921号"),
        ("session", "市政协十四届三次会议"),
        ("cc", ["市政府办公厅建议提案处", "市政协提案办"]),
        ("kind", "reply"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_header_of_hand_made_reply(field, expected):
    meta = read_document(DATA / "reply_sample.txt").meta
    assert getattr(meta, field) == expected


def test_hand_made_reply_page_break_is_joined():
    assert (
        "推动工业互联网平台与中小企业的精准对接，取得了积极成效。"
        in read_document(DATA / "reply_sample.txt").clean
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("市科协：", ["市科协"]),
        ("姜雪峰、洪亮、王彦等委员：", ["姜雪峰", "洪亮", "王彦"]),
        ("赵蓓文委员：", ["赵蓓文"]),
        ("虹口代表团：", ["虹口代表团"]),
        ("张三代表：", ["张三"]),
    ],
    ids=["office", "committee-members", "one-member", "delegation", "deputy"],
)
def test_addressees(line, expected):
    meta = parse_header(f"沪科提复〔2022〕1号\n{line}\n你们提出的“关于某事的建议”的提案收悉。")
    assert meta.addressees == expected


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("沪科提复〔2022〕8号", "沪科提复〔2022〕8号"),
        ("沪科规[2023]12号", "沪科规[2023]12号"),
        ("沪府办发（2021） 5 号", "沪府办发（2021）5号"),
    ],
    ids=["hexagonal", "square", "round-spaced"],
)
def test_number_bracket_forms(text, number):
    assert parse_header(f"上海市人民政府\n{text}\n").number == number


def test_printed_date_used_without_signature_date():
    assert parse_header("沪科提复〔2022〕8号\n正文。\n2022年7月1日印发").date == "2022-07-01"


def test_text_without_header_gives_empty_meta():
    assert parse_header("推动科技成果转化是重要手段。\n感谢支持。") == DocumentMeta()


@pytest.mark.parametrize(
    ("seed", "number", "date"),
    [
        ("000", "沪科提复〔2022〕8号", "2022-06-06"),
        ("001", "沪科提复〔2023〕45号", "2023-05-16"),
        ("002", "沪科提复〔2021〕116号", "2021-05-26"),
        ("004", "沪科建复〔2024〕43号", "2024-06-05"),
        ("003", None, None),
    ],
    ids=["000", "001", "002", "004", "003"],
)
def test_seed_number_and_date(seed, number, date):
    (path,) = SEEDS.glob(f"{seed}_*.txt")
    meta = read_document(path).meta
    assert (meta.number, meta.date) == (number, date)


def test_report_seed_year_kind_and_title():
    (path,) = SEEDS.glob("003_*.txt")
    meta = read_document(path).meta
    assert (meta.year, meta.kind) == (2021, "report")
    assert meta.title == "提升企业创新能力，加速科技成果转移转化"


def test_read_text_document_builds_meta_and_hash():
    doc = read_text_document(SAMPLE, id="x")
    assert doc.meta.number == "沪科提复〔2022〕8号"
    assert doc.sha256 == hashlib.sha256(SAMPLE.encode()).hexdigest()
