"""kg.model: evidence offsets point into the original text, evidence text is what a reader sees."""

from __future__ import annotations

import pytest

from kg.documents import read_text_document, split_sentences

MARKDOWN = (
    "# 宁波市科学技术局\n\n"
    "宁波市科学技术局**搭建**东湖技术交易平台，为__860 家__科技型中小企业提供服务。\n"
)
HTML = (
    "<html><body><h1>宁波市科学技术局</h1>"
    "<p>宁波市科学技术局<b>搭建</b>东湖技术交易平台&amp;服务中心，为 <em>860</em> 家企业提供服务。</p>"
    "</body></html>"
)


def sentence_evidence(text: str, path: str, containing: str):
    """The document and the evidence for its first sentence that contains ``containing``."""
    doc = read_text_document(text, path=path)
    sent = next(s for s in split_sentences(doc.clean) if containing in s.text)
    return doc, doc.evidence(sent.start, sent.end)


@pytest.mark.parametrize(
    ("text", "path", "readable", "original"),
    [
        (MARKDOWN, "reply.md", "宁波市科学技术局搭建东湖技术交易平台，为860 家科技型中小企业提供服务。",
         "宁波市科学技术局**搭建**东湖技术交易平台，为__860 家__科技型中小企业提供服务。"),
        # a web page's text is its main content as the reader wrote it out (build/texts/<id>.txt)
        (HTML, "reply.html", "宁波市科学技术局搭建东湖技术交易平台&服务中心，为 860 家企业提供服务。",
         "宁波市科学技术局搭建东湖技术交易平台&服务中心，为 860 家企业提供服务。"),
    ],
    ids=["markdown", "html"],
)
def test_evidence_text_is_readable_and_its_offsets_point_into_the_original(text, path, readable, original):
    doc, ev = sentence_evidence(text, path, "搭建")
    assert ev.text == readable
    assert doc.text[ev.start : ev.end] == original


@pytest.mark.parametrize(("text", "path"), [(MARKDOWN, "reply.md"), (HTML, "reply.html")], ids=["markdown", "html"])
def test_a_heading_is_quoted_without_its_markup(text, path):
    doc, ev = sentence_evidence(text, path, "宁波市科学技术局")
    assert ev.text == "宁波市科学技术局"
    assert doc.text[ev.start : ev.end] == "宁波市科学技术局"
    assert doc.text[: ev.start] in ("# ", "")


def test_a_page_break_inside_the_sentence_is_joined_in_the_evidence():
    text = "东湖技术交易平台为科技型中小企业提供技术转移、成果评价和知识产权运营等服\n\n务，累计服务企业 300 家。\n"
    doc, ev = sentence_evidence(text, "reply.txt", "东湖")
    assert ev.text == "东湖技术交易平台为科技型中小企业提供技术转移、成果评价和知识产权运营等服务，累计服务企业 300 家。"
    assert doc.text[ev.start : ev.end] == text.strip()
