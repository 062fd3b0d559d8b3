"""Fuzzing the extractor: arbitrary text never crashes it, and every offset and evidence is true to the text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.pipeline import extract_text

pytestmark = pytest.mark.slow

FRAGMENTS = [
    "上海市科学技术委员会", "市科委", "打造", "InnoMatch 全球技术供需对接平台", "高企贷", "为高新技术企业提供",
    "《上海市科技创新券管理办法(试行)》", "《上\n\n海市", "“科创助力贷”", "（以下简称“东部中心”）", "截至2023年末，",
    "累计", "超", "亿元", "家", "%", "。", "，", "\n", "\n\n", "《", "》", "“", "”", "（", "）", "〔2022〕8号",
    "2022 年 6 月 6 日", "与", "签署", "合作", "落户", "临港", "Σ", "ё", "الع", "😀", "\u200b", "\x00", "\x07",
    "\ufeff", "\r\n", "\t", " ", "99999999999999999999999999", "1e309", "-0.0", "3534.78", "#", "**", "<b>", "</p>",
]

texts = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12),
              st.integers(min_value=-(10**30), max_value=10**30).map(str)),
    max_size=40,
).map("".join)

FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                derandomize=True)


@pytest.fixture(scope="module")
def nlp():
    from kg.nlp import get_nlp

    return get_nlp()


def extract_or_reject(text: str, nlp):
    """The extraction of ``text``, or None when the reader rejects it with a clear InputError."""
    try:
        return extract_text(text, nlp=nlp)
    except InputError as exc:
        assert str(exc)
        return None


@FUZZ
@given(text=texts)
def test_offsets_lie_inside_the_text(nlp, text):
    x = extract_or_reject(text, nlp)
    if x is None:
        return
    n = len(x.doc.text)
    spans = [(s, e) for ent in x.entities for _, s, e in ent.mentions]
    spans += [(r.evidence.start, r.evidence.end) for r in x.relations]
    spans += [(o.evidence.start, o.evidence.end) for o in x.observations]
    assert all(0 <= s <= e <= n for s, e in spans)


@FUZZ
@given(text=texts)
def test_evidence_is_the_readable_text_at_its_offsets(nlp, quotes, text):
    x = extract_or_reject(text, nlp)
    if x is None:
        return
    evidence = [r.evidence for r in x.relations] + [o.evidence for o in x.observations]
    assert all(quotes(x.doc, ev.start, ev.end, ev.text) for ev in evidence)


@FUZZ
@given(text=texts)
def test_json_refers_only_to_its_entities(nlp, text):
    x = extract_or_reject(text, nlp)
    if x is None:
        return
    data = x.to_json()
    ids = {e["id"] for e in data["entities"]}
    assert {r["head"] for r in data["relations"]} | {r["tail"] for r in data["relations"]} <= ids
    assert {o["subject"] for o in data["observations"]} <= ids


@pytest.mark.parametrize(
    "text",
    ["《" * 500, "“" * 500 + "贷", "市科委" + "\n" * 1000 + "平台", "9" * 5000 + "亿元", "\x01\x02\x03 上海",
     "截至" + "1" * 400 + "年末，高企贷提供信贷支持3534.78亿元。"],
    ids=["open-titles", "open-quotes", "page-breaks", "huge-number", "controls", "huge-year"],
)
def test_pathological_text_does_not_crash(nlp, quotes, text):
    x = extract_or_reject(text, nlp)
    if x is not None:
        assert all(quotes(x.doc, o.evidence.start, o.evidence.end, o.evidence.text) for o in x.observations)


def test_pieces_of_a_long_document_give_the_same_extraction(nlp):
    """A document analysed in paragraph-cut pieces (as huge files are) gives the same entities,
    relations and observations as in one go; the discourse carries from piece to piece.

    Only the mention lists may be shorter: a short form (大学科技园 for 国家大学科技园) is
    recognised as such in the pieces where its full name occurs.
    """
    from pathlib import Path

    from kg.documents import read_document
    from kg.pipeline import extract_document

    doc = read_document(Path("seeds/003_ad9b0b437a45fd86.txt"))
    assert len(doc.clean) > 3000
    whole = extract_document(doc, nlp=nlp).to_json()
    pieces = extract_document(doc, nlp=nlp, chunk_chars=1500).to_json()
    for key in ("relations", "observations"):
        assert pieces[key] == whole[key]
    by_label = {e["label"]: e for e in whole["entities"]}
    assert [(e["label"], e["type"], e["aliases"]) for e in pieces["entities"]] == [
        (e["label"], e["type"], e["aliases"]) for e in whole["entities"]
    ]
    for e in pieces["entities"]:
        assert set(map(tuple, e["mentions"])) <= set(map(tuple, by_label[e["label"]]["mentions"]))
