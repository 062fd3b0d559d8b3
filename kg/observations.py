"""Observations: numbers with units, how approximate they are, the year they belong to, and their subject.

``超过 3534.78 亿元`` → value 3534.78, unit 亿元, qualifier 超过. Multipliers stay in
the unit (``1.6 万家`` → 1.6 / 万家); Chinese numerals are read (``千余项`` →
1000 项, ``超百亿元`` → 100 亿元, ``过万人`` → 1 万人).

The subject is the program, platform, event or organisation the sentence is
about: the nearest one named before the number (the first of a list such as
“沪科专贷”“沪科专贴”), else a target group counted just before it
(``高新技术企业总数超过 20000 家``), else the topic of the section — the entity
its heading or opening sentence named (bullet lists of an annual report).

The year: ``截至 2023 年末`` → 2023, ``2021 年`` → 2021, ``全年`` / ``当年`` → the
year in force (the document's year in an annual report); ``自 2022 年…以来`` is
cumulative and has no year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.model import Document, Mention, Observation, Sentence

__all__ = ["extract_observations", "parse_number", "NUMBER"]

_BASE = {
    "LoanProduct": "Program", "Voucher": "Program", "TalentProgram": "Program",
    "FundingProgram": "Program", "University": "Organization", "Enterprise": "Organization",
    "Bank": "Organization", "ResearchInstitute": "Organization", "Association": "Organization",
    "Exchange": "Platform",
}
_SUBJECT_TYPES = {"Program", "Platform", "Event", "Organization", "PolicyDocument", "Place"}

_BASE_UNITS = (
    "平方米", "家次", "人次", "元", "家", "项", "人", "个", "件", "条", "场", "次", "户", "名",
    "%", "％", "倍", "所", "篇", "台", "套", "笔", "批", "种", "位", "门",
)
_CN_DIGITS = "零一二两三四五六七八九十百千"

#: A number with its unit; groups: qual, num, approx, mult, approx2, unit.
NUMBER = re.compile(
    r"(?P<qual>超过|超|近|约|逾|达到|达|突破|过|不足|仅|合计|总计|共计|共)?\s*"
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[" + _CN_DIGITS + r"]+)?\s*"
    r"(?P<approx>余|多)?\s*"
    r"(?P<mult>万亿|亿|万|千)?\s*"
    r"(?P<approx2>余|多)?\s*"
    r"(?P<unit>" + "|".join(re.escape(u) for u in _BASE_UNITS) + r")?"
)
_NUM_START = re.compile(r"[0-9" + _CN_DIGITS + r"]|(?:超过|超|近|约|逾|达|突破|过)(?=[万亿])")
_NOT_A_QUANTITY = re.compile(r"^\s*(?:年|月|日|号|周岁|岁|届|期|nm|英寸|度|大|方面|是|级|\+)")

_YEAR_AT = re.compile(r"(?:截至|截止|到)\s*(20\d\d)\s*年")
_YEAR = re.compile(r"(?<![0-9])(20\d\d)\s*(?:年度?|年末|年底)(?!以来|起)")
_SINCE = re.compile(r"自\s*20\d\d\s*年[^，。；]*以来|以来")
_THIS_YEAR = re.compile(r"全年|今年|当年|本年度")
_OBJECT_MARK = re.compile(r"(?:与|向|对|和|为|同)\s*$")
_QUAL_STRIP = re.compile(r"(?:超过|超|近|约|逾|达到|达|突破|过|不足|仅|合计|总计|共计|共|累计|首次|为|是|已)+$")


def parse_number(num: str | None, mult: str | None, qual: str | None) -> float | None:
    """The value of a number as written (the multiplier stays in the unit).

    >>> parse_number("3,534.78", "亿", None), parse_number("千", None, None), parse_number(None, "万", "过")
    (3534.78, 1000.0, 1.0)
    """
    if num:
        if num[0].isdigit():
            return float(num.replace(",", ""))
        return _chinese_number(num)
    if mult and qual:
        return 1.0  # 过万人, 突破万亿元
    return None


def _chinese_number(s: str) -> float | None:
    digits = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    units = {"十": 10, "百": 100, "千": 1000}
    total, cur = 0, 0
    for ch in s:
        if ch in digits:
            cur = digits[ch]
        elif ch in units:
            total += (cur or 1) * units[ch]
            cur = 0
        else:
            return None
    return float(total + cur)


@dataclass(frozen=True)
class _M:
    key: str
    type: str
    start: int
    end: int


def extract_observations(
    doc: Document,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    keys: Sequence[str],
    entity_types: dict[str, str],
) -> list[Observation]:
    """Every number-with-unit of a document that can be tied to an entity."""
    items = sorted(
        (_M(k, _BASE.get(entity_types.get(k, m.type), entity_types.get(k, m.type)), m.start, m.end)
         for m, k in zip(mentions, keys, strict=True)),
        key=lambda x: (x.start, x.end),
    )
    doc_year = doc.meta.year
    out: list[Observation] = []
    topic: _M | None = None
    year_in_force: int | None = None
    j = 0
    text = doc.clean
    for sent in sentences:
        while j < len(items) and items[j].start < sent.start:
            j += 1
        ms = [m for m in items[j:] if m.end <= sent.end]
        heading = len(sent.text) <= 40 and not re.search(r"[。；！？]$", sent.text)
        if heading and ms:
            cands = [m for m in ms if m.type in _SUBJECT_TYPES]
            if cands:
                topic = cands[0]
        sent_year = _sentence_year(text[sent.start : sent.end], doc_year)
        if sent_year is not None:
            year_in_force = sent_year
        for num in _numbers(text, sent, ms):
            start, end, value, unit, qual = num
            subj = _subject(text, sent, ms, start) or topic
            if subj is None:
                continue
            year = _year_before(text, sent.start, start, year_in_force, doc_year)
            measure = _measure(text, sent, ms, start, end)
            out.append(
                Observation(
                    subject=subj.key, measure=measure, value=value, unit=unit, year=year,
                    evidence=doc.evidence(sent.start, sent.end), rule="number-unit", qualifier=qual,
                )
            )
        # an opening subject becomes the topic of what follows
        if ms and not heading:
            first = ms[0]
            lead = text[sent.start : first.start]
            if len(re.sub(r"[\s“”*\-◆▶»]|[一二三四五六七八九十]是|截至目前|目前|同时|此外", "", lead)) <= 1 and first.type in _SUBJECT_TYPES - {"Place"}:
                topic = first
    return out


def _numbers(text: str, sent: Sentence, ms: Sequence[_M]) -> list[tuple[int, int, float, str, str | None]]:
    found = []
    pos = sent.start
    while pos < sent.end:
        hit = _NUM_START.search(text, pos, sent.end)
        if not hit:
            break
        qstart = max(sent.start, hit.start() - 3)
        m = None
        for s in range(qstart, hit.start() + 1):
            cand = NUMBER.match(text, s, sent.end)
            if cand and cand.group("num") is not None or (cand and cand.group("mult") and cand.group("qual")):
                if cand.end() > hit.start():
                    m = cand
                    break
        if m is None or not (m.group("unit") or m.group("mult")):
            pos = hit.end()
            continue
        num = m.group("num")
        pos = max(m.end(), hit.end())
        if num and not num[0].isdigit() and not (m.group("mult") or m.group("approx") or m.group("approx2")):
            continue  # 两项, 三个: words, not figures
        if num and num[0].isdigit() and text[m.start("num") - 1 : m.start("num")] in ("第", ".", "-", "—", "G", "T"):
            continue
        if _NOT_A_QUANTITY.match(text, m.end()) and not m.group("unit"):
            continue
        if m.group("unit") is None and _NOT_A_QUANTITY.match(text, m.end("mult")):
            continue
        if any(x.start <= m.start("num" if num else "mult") < x.end for x in ms):
            continue  # inside a name: “科改 25 条”, 申粳 1221
        value = parse_number(num, m.group("mult"), m.group("qual"))
        if value is None:
            continue
        unit = (m.group("mult") or "") + (m.group("unit") or "").replace("％", "%")
        qual = m.group("qual") or m.group("approx") or m.group("approx2")
        start = m.start("qual") if m.group("qual") else m.start("num") if num else m.start("mult")
        found.append((start, m.end(), value, unit, qual))
    return found


def _subject(text: str, sent: Sentence, ms: Sequence[_M], at: int) -> _M | None:
    before = [m for m in ms if m.end <= at]
    for i in range(len(before) - 1, -1, -1):
        m = before[i]
        if m.type not in _SUBJECT_TYPES - {"Place"}:
            continue
        if _OBJECT_MARK.search(text[max(sent.start, m.start - 2) : m.start]):
            continue
        # the first of a list: “沪科专贷”“沪科专贴”已累计发放…
        k = i
        while k > 0 and before[k - 1].type == m.type and re.fullmatch(r"[\s、“”和与及]*", text[before[k - 1].end : before[k].start]):
            k -= 1
        return before[k]
    for m in reversed(before):
        if m.type == "TargetGroup" and not re.search(r"[。；]", text[m.end : at]):
            return m
    # a place the sentence is about: 闵行区大零号湾创新创业集聚区 …
    for m in reversed(before):
        if m.type == "Place" and at - m.end <= 20:
            return None
    return None


def _sentence_year(s: str, doc_year: int | None) -> int | None:
    m = _YEAR_AT.search(s) or _YEAR.search(s)
    if m:
        return int(m.group(1))
    return None


def _year_before(text: str, sent_start: int, at: int, in_force: int | None, doc_year: int | None) -> int | None:
    """The year a figure at ``at`` belongs to, from the text before it in its sentence."""
    lead = text[sent_start:at]
    if _SINCE.search(lead):
        return None
    years = list(_YEAR_AT.finditer(lead)) + list(_YEAR.finditer(lead))
    if years:
        return int(max(years, key=lambda m: m.start()).group(1))
    if _THIS_YEAR.search(lead):
        return in_force or doc_year
    return None


def _measure(text: str, sent: Sentence, ms: Sequence[_M], start: int, end: int) -> str:
    """A short phrase naming what was counted: the words before the number, else the noun after it."""
    seps = [sent.start + m.end() for m in re.finditer(r"[，,；;：:、]", text[sent.start : start])]
    clause_start = max(seps, default=sent.start)
    prev = [m.end for m in ms if clause_start <= m.end <= start]
    left = text[max([clause_start, *prev]) : start]
    left = re.sub(r"截至\s*20\d\d\s*年[末底]?|20\d\d\s*年度?|全年|当年|今年", "", left)
    left = _QUAL_STRIP.sub("", left.strip(" “”*\n")).strip(" “”*\n，,")
    if len(left) >= 2:
        return left[-24:]
    after = re.match(r"[^，,；;。、（(]{1,16}", text[end : min(sent.end, end + 16)])
    return (after.group(0).strip() if after else "") or "数量"
