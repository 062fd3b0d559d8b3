"""kg.readers: each format read from a real file, checked against its plain-text twin.

The twin is ``tests/data/twin_reply.txt``. Its web page (``tests/data/gov_page.html``, with
navigation, menus, scripts and a footer) is committed; its PDF is printed by headless
Chromium and its Word file written by python-docx, here, into a temporary folder. Each
must give the same text (as the analysis sees it) and the same entities, relations and
figures as the twin.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kg.documents import read_document
from kg.errors import DocumentError
from kg.pipeline import extract_document
from kg.readers import Format, read, reader_version, sniff

DATA = Path(__file__).parent / "data"
TWIN = DATA / "twin_reply.txt"  # the plain-text twin
PAGE = DATA / "gov_page.html"  # the twin as a saved government web page
RUNNING_HEADER = "上海市科学技术委员会文件"  # printed on every page of the twin's PDF (conftest.twin_pdf)


def paragraphs(path: Path = TWIN) -> list[str]:
    return [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def facts(path: Path, nlp: Any) -> dict[str, Any]:
    """What the extraction of ``path`` says, by labels (no offsets): the twin comparison."""
    x = extract_document(read_document(path), nlp=nlp).to_json()
    label = {e["id"]: e["label"] for e in x["entities"]}
    meta = x["doc"]
    return {
        "entities": sorted((e["label"], e["type"]) for e in x["entities"]),
        "relations": sorted((label[r["head"]], r["relation"], label[r["tail"]]) for r in x["relations"]),
        "observations": sorted((label[o["subject"]], o["measure"], o["value"], o["unit"], o["year"])
                               for o in x["observations"]),
        "header": (meta["number"], meta["date"], meta["agency"], meta["title"], meta["addressees"]),
    }


@pytest.fixture(scope="session")
def twin_facts(nlp: Any) -> dict[str, Any]:
    facts_ = facts(TWIN, nlp)
    assert len(facts_["entities"]) >= 10 and len(facts_["relations"]) >= 8 and len(facts_["observations"]) >= 4
    return facts_


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --------------------------------------------------------------------------- the twins


def test_web_page_gives_the_facts_of_its_twin(nlp, twin_facts):
    assert facts(PAGE, nlp) == twin_facts


@pytest.mark.browser
def test_pdf_gives_the_facts_of_its_twin(nlp, twin_facts, twin_pdf):
    assert facts(twin_pdf, nlp) == twin_facts


def test_docx_gives_the_facts_of_its_twin(nlp, twin_facts, twin_docx):
    assert facts(twin_docx, nlp) == twin_facts


@pytest.mark.parametrize("fixture", ["page", pytest.param("pdf", marks=pytest.mark.browser), "docx"])
def test_each_format_reads_the_twins_paragraphs(fixture, request):
    path = {"page": lambda: PAGE, "pdf": lambda: request.getfixturevalue("twin_pdf"),
            "docx": lambda: request.getfixturevalue("twin_docx")}[fixture]()
    doc = read_document(path)
    assert doc.format == {"page": "html", "pdf": "pdf", "docx": "docx"}[fixture]
    assert [squeeze(p) for p in doc.text.split("\n\n")] == [squeeze(p) for p in paragraphs()]


# --------------------------------------------------------------------------- web pages


def test_web_page_keeps_no_navigation_script_or_footer():
    doc = read_document(PAGE)
    for chrome in ("首页", "政务公开", "当前位置", "统计脚本", "页尾脚本", "版权所有", "浙江日报报业集团",
                   "相关文章", "分享到", "无障碍浏览"):
        assert chrome not in doc.text, chrome
    assert "<" not in doc.text and "&nbsp;" not in doc.text


def test_web_page_title_date_and_publisher_come_from_its_meta_tags():
    reading = read(PAGE.read_bytes(), str(PAGE))
    assert (reading.format, reading.title, reading.date, reading.publisher) == (
        Format.HTML, "关于市政协十四届一次会议第0345号提案的答复", "2023-12-09", "上海市科学技术委员会")


def test_a_page_date_is_the_documents_year_even_when_the_text_talks_of_another(tmp_path):
    page = ("<html><head><meta name='PubDate' content='2023-12-09'></head><body><div class='content'>"
            "<p>2024年，市科委将继续支持科技型中小企业。2024年科技创新券预计发放1亿元。</p>"
            "<p>2024年还将新建一批孵化器，2023年已建成12家。</p></div></body></html>")
    doc = read_document(_write(page, "notice.html", tmp_path))
    assert (doc.meta.date, doc.meta.year) == ("2023-12-09", 2023)


def test_a_page_without_article_markup_keeps_its_blocks():
    doc = read_document(DATA / "notice.html")
    assert doc.text.split("\n\n")[:2] == ["上海市科学技术委员会", "沪科规〔2025〕3号"]
    assert doc.meta.number == "沪科规〔2025〕3号"


def test_an_xhtml_page_with_an_xml_declaration_is_read(tmp_path):
    page = '<?xml version="1.0" encoding="utf-8"?>\n' + PAGE.read_text(encoding="utf-8")
    assert read_document(_write(page, "page.xhtml", tmp_path)).text == read_document(PAGE).text


def test_a_big5_web_page_is_read_in_the_charset_it_declares(tmp_path):
    page = ("<html><head><meta charset='big5'></head><body><div class='content'>"
            "<p>數碼港為初創企業提供創科支援服務，累計支援逾八百家企業。</p>"
            "<p>香港科技園公司管理創新及科技基金的多項計劃。</p></div></body></html>")
    doc = read_document(_write(page.encode("big5"), "hk.html", tmp_path))
    assert doc.text == "數碼港為初創企業提供創科支援服務，累計支援逾八百家企業。\n\n香港科技園公司管理創新及科技基金的多項計劃。"


def test_a_gbk_web_page_is_read(tmp_path):
    page = PAGE.read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="gbk"')
    path = _write(page.encode("gb18030"), "gbk.htm", tmp_path)
    assert squeeze(read_document(path).text) == squeeze(read_document(PAGE).text)


# --------------------------------------------------------------------------- PDF


@pytest.mark.browser
def test_pdf_has_no_running_header_or_page_numbers(twin_pdf):
    import pymupdf

    with pymupdf.open(twin_pdf) as pdf:
        assert pdf.page_count >= 2, "the fixture should break across pages"
        raw = "".join(page.get_text() for page in pdf)
    assert RUNNING_HEADER in raw and "— 2 —" in raw
    text = read_document(twin_pdf).text
    assert RUNNING_HEADER not in text and "— 1 —" not in text and "— 2 —" not in text


NAMES = ("InnoMatch全球技术供需对接平台", "国家技术转移东部中心", "《上海市科技创新券管理办法》", "上海技术交易所",
         "高新技术企业", "科技型中小企业", "市地方金融监管局", "高企贷", "科创助力贷", "科技创新券")


@pytest.mark.browser
def test_pdf_joins_lines_so_every_name_is_whole(twin_pdf):
    import pymupdf

    with pymupdf.open(twin_pdf) as pdf:
        raw = "\n".join(pdf[i].get_text() for i in range(pdf.page_count))
    broken = [name for name in NAMES if name not in raw]
    assert broken, "the fixture should break names across a line or a page (18 pt on A4 does)"
    text = read_document(twin_pdf).text
    assert [name for name in NAMES if name not in text] == []


def test_kangxi_radicals_in_a_text_layer_become_ideographs():
    """Some PDF writers map glyphs to Kangxi radicals (U+2F00…); 工作方案 must stay findable."""
    from kg.readers.pdf import _radicals

    assert _radicals("\u2f2f作\u2f45案\u2f42件") == "工作方案文件"


def test_a_last_page_with_only_a_signature_keeps_its_lines_apart():
    from kg.readers.pdf import Line, join_lines

    body = [Line(90, 100 + 20 * i, 500, 116 + 20 * i, "正文排满一行的文字，" * 2) for i in range(6)]
    body[-1] = Line(122, 200, 260, 216, "此复。")
    signature = [Line(436, 100, 500, 116, "市科委"), Line(390, 120, 500, 136, "2023年12月9日")]
    assert join_lines([body, signature]).split("\n\n")[-2:] == ["市科委", "2023年12月9日"]


def test_a_full_line_followed_by_an_indented_one_ends_a_paragraph():
    from kg.readers.pdf import Line, join_lines

    page = [Line(90, 100, 500, 116, "第一段最后一行正好排满了整整一行的宽度，"),
            Line(122, 120, 500, 136, "第二段的首行缩进两个字符。"),
            Line(90, 140, 300, 156, "一、标题"), Line(90, 160, 500, 176, "接入 InnoMatch"),
            Line(90, 180, 300, 196, "platform。")]
    assert join_lines([page]) == (
        "第一段最后一行正好排满了整整一行的宽度，\n\n第二段的首行缩进两个字符。\n\n一、标题\n\n接入 InnoMatch platform。")


# --------------------------------------------------------------------------- Word


def test_docx_tables_sit_between_their_paragraphs(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("高企贷和科创助力贷的投放情况如下。")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("高企贷", "3534.78亿元"), ("科创助力贷", "120亿元")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("以上数据截至2023年末。")
    path = tmp_path / "table.docx"
    document.save(str(path))
    assert read_document(path).text == (
        "高企贷和科创助力贷的投放情况如下。\n\n高企贷 | 3534.78亿元\n科创助力贷 | 120亿元\n\n以上数据截至2023年末。")


def test_docx_title_is_its_metadata(twin_docx):
    assert read(twin_docx.read_bytes(), str(twin_docx)).title == "关于市政协十四届一次会议第0345号提案的答复"


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("data", "name", "fmt"),
    [
        (b"%PDF-1.7\n...", "notice.html", Format.PDF),
        (b"<!DOCTYPE html><html><body>..</body></html>", "attachment.pdf", Format.HTML),
        (b"PK\x03\x04....word/document.xml....", "download.bin", Format.DOCX),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "old.bin", Format.DOC),
        ("# 标题".encode(), "a.md", Format.MARKDOWN),
        ("正文".encode("gbk"), "a.txt", Format.TEXT),
    ],
    ids=["pdf-named-html", "html-named-pdf", "docx-by-content", "doc-by-content", "markdown", "text"],
)
def test_sniff_reads_the_bytes_before_the_suffix(data, name, fmt):
    assert sniff(data, name) is fmt


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n....", "scan.png", "scan.png: is a PNG image, not a document with text; run OCR"),
        (b"a,b\n1,2\n", "sources.csv", "sources.csv: unsupported format (.csv); stikg reads .txt"),
        (b"PK\x03\x04....xl/workbook.xml", "table.xlsx", "table.xlsx: is a ZIP or Office file stikg does not read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "locked.docx",
         "locked.docx: is a password-protected Office file"),
    ],
    ids=["image", "csv", "xlsx", "encrypted-office"],
)
def test_sniff_names_what_it_cannot_read(data, name, message):
    with pytest.raises(DocumentError) as err:
        sniff(data, name)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_the_cache_key_changes_with_the_reader_version(monkeypatch):
    from kg.readers import pdf
    from kg.sources import Source

    data = b"%PDF-1.7\n"
    before = Source("a.pdf", "a").cache_extra(data)
    reader_version.cache_clear()
    monkeypatch.setattr(pdf, "VERSION", pdf.VERSION + 1)
    try:
        assert Source("a.pdf", "a").cache_extra(data) != before
        assert reader_version(Format.PDF).startswith(f"pdf/{pdf.VERSION}/pymupdf=")
    finally:
        reader_version.cache_clear()


# --------------------------------------------------------------------------- bad files


@pytest.mark.browser
def test_scanned_pdf_says_ocr_is_needed(scanned_pdf):
    with pytest.raises(DocumentError, match=r"scan.pdf: the PDF has no text layer \(it is a scan\); run OCR"):
        read_document(scanned_pdf)


@pytest.mark.browser
def test_a_scanned_page_inside_a_pdf_is_a_note(twin_pdf, scanned_pdf, tmp_path):
    import pymupdf

    path = tmp_path / "with-scan.pdf"
    with pymupdf.open(twin_pdf) as doc, pymupdf.open(scanned_pdf) as scan:
        doc.insert_pdf(scan)
        pages = doc.page_count
        doc.save(str(path))
    doc = read_document(path)
    assert [squeeze(p) for p in doc.text.split("\n\n")] == [squeeze(p) for p in paragraphs()]
    assert doc.notes == [f"{path}: page {pages} of {pages} has no text layer (scanned), so its text is missing; "
                         "run OCR on the PDF first (ocrmypdf -l chi_sim)"]


@pytest.mark.browser
def test_encrypted_pdf_says_so(encrypted_pdf):
    with pytest.raises(DocumentError, match=r"locked.pdf: the PDF is encrypted \(password-protected\)"):
        read_document(encrypted_pdf)


def test_corrupt_docx_is_one_clear_line(twin_docx, tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(twin_docx.read_bytes()[:2000])
    with pytest.raises(DocumentError, match=r"broken.docx: not a readable Word file .*save it again as \.docx") as err:
        read_document(path)
    assert "\n" not in str(err.value)


def test_page_without_main_text_is_one_clear_line(tmp_path):
    page = ("<html><head><title>首页</title><script>var a = 1;</script></head><body><div class='nav'><ul>"
            "<li><a href='/'>首页</a></li><li><a href='/zwgk'>政务公开</a></li></ul></div>"
            "<div class='footer'>版权所有</div></body></html>")
    with pytest.raises(DocumentError, match=r"menu.html: no main text found in the web page"):
        read_document(_write(page, "menu.html", tmp_path))


def test_doc_without_antiword_says_how_to_read_it(tmp_path, monkeypatch):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le"))
    monkeypatch.delenv("KG_ANTIWORD", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no antiword on this PATH
    with pytest.raises(DocumentError, match=r"old.doc: a legacy Word .doc needs the antiword program"):
        read_document(path)


def test_doc_antiword_failure_is_one_clear_line(tmp_path, monkeypatch):
    """A .doc antiword cannot read (here a stand-in antiword that fails as the real one does)."""
    fake = tmp_path / "antiword"
    fake.write_text("#!/bin/sh\necho \"I can't find the name of your HOME directory\" >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("KG_ANTIWORD", str(fake))
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(DocumentError, match=r"old.doc: antiword cannot read it \(I can't find") as err:
        read_document(path)
    assert "\n" not in str(err.value)


def _write(content: str | bytes, name: str, folder: Path) -> Path:
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_a_traditional_script_word_file_reads_like_its_simplified_twin(nlp, twin_facts, tmp_path):
    """Names, relations and figures of the twin written in traditional script (labels compared
    in simplified script, as they are written in each)."""
    import docx
    import opencc

    s2t, t2s = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")
    document = docx.Document()
    for p in paragraphs():
        document.add_paragraph(s2t.convert(p))
    path = tmp_path / "traditional.docx"
    document.save(str(path))
    doc = read_document(path)
    assert "高企貸" in doc.text and "滬科提復〔2023〕21號" in doc.text
    assert (doc.meta.number, doc.meta.kind) == ("沪科提复〔2023〕21号", "reply")  # found in simplified script
    got = facts(path, nlp)

    def simplified(items: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return sorted(tuple(t2s.convert(v) if isinstance(v, str) else v for v in item) for item in items)

    assert simplified(got["entities"]) == twin_facts["entities"]
    assert simplified(got["relations"]) == twin_facts["relations"]
    figures = sorted((s, v, u, y) for s, _m, v, u, y in simplified(got["observations"]))
    assert figures == sorted((s, v, u, y) for s, _m, v, u, y in twin_facts["observations"])
