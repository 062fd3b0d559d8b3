"""Observations: numbers with units, how approximate they are, the year they belong to, and their subject.

``超过 3534.78 亿元`` → value 3534.78, unit 亿元, qualifier 超过. Multipliers stay in
the unit (``1.6 万家`` → 1.6 / 万家); Chinese numerals are read (``千余项`` →
1000 项, ``超百亿元`` → 100 亿元, ``过万人`` → 1 万人).

The subject is the program, platform, event or organisation the sentence is
about: the nearest one named before the number (the first of a list such as
“沪科专贷”“沪科专贴”; not examples before 等, objects after 与/向/为, policies
applied, classes being counted), else the subject of the figure before it in
the same clause group, else a target group heading the clause
(``高新技术企业总数超过 20000 家``), else the topic of the paragraph or section —
the entity its heading or opening sentence named (bullet lists of an annual report).

The year: ``截至 2023 年末`` → 2023, ``2021 年`` → 2021, ``全年`` / ``当年`` /
``截至年底`` → the year in force (the document's year in an annual report); a
period year carries to later sentences and bullets of its paragraph;
``自 2022 年…以来``, ``迄今`` and examples (``如，``) have no year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.model import Document, Mention, Observation, Sentence, base_type, in_sentence

__all__ = ["extract_observations", "parse_number", "NUMBER"]

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
_PRESENT = re.compile(r"截[至止]目前|目前|迄今|至今")
_NOW = re.compile(r"累计|" + _PRESENT.pattern)
_EXAMPLE = re.compile(r"\s*(?:如|例如|比如|譬如)[，,：:]")
_THIS_YEAR = re.compile(r"全年|今年|当年|本年度|截[至止](?:当|本)?年[底末]")
_PERIOD_YEAR = re.compile(r"(?<![0-9])(20\d\d)\s*(?:年度|年末|年底|年)(?!\s*[0-9一二三四五六七八九十]{1,2}\s*月)(?!以来|起)")
_EDITION_YEAR = re.compile(r"(?<![0-9])(20\d\d)(?=[\u4e00-\u9fff“《])(?!年)")
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


_DELIVERABLE = {"Program", "Platform", "Event"}
_HEADING_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)+|0\d|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)\s*")
#: Words that stand for an entity named before: 平台, 该平台, 大会, 榜单 …
_ANAPHOR = re.compile(r"(?:^|(?<=[，,；;。：:]))\s*(?:该|本|此)?(平台|交易所|大会|大赛|榜单|中心|基金|专项)")


def _head_word(name: str) -> str:
    """The class word a name ends with (平台, 大会 …), as anaphors use it."""
    name = name.strip("《》“” ")
    m = re.search(r"(平台|交易所|大会|大赛|榜单|中心|基金|专项)$", name)
    return m.group(1) if m else ""


class _Topics:
    """What a figure without a named subject is about.

    A heading that names an entity sets the *section* topic; an unnamed heading
    keeps it as a sub-heading, unless it is numbered or the named heading had no
    text of its own. Inside a paragraph, an entity that opens a sentence — or the
    first program named by a sentence without figures — sets the *local* topic,
    which ends with its paragraph; bullets start from the topic of the paragraph
    that introduced their list. ``by_head`` remembers the last entity named for
    each class word, for anaphors such as 平台 and 榜单.
    """

    def __init__(self) -> None:
        self.section: _M | None = None
        self.section_has_body = True
        self.local: _M | None = None
        self.list_topic: _M | None = None  # the local topic in force when a bullet list began
        self.in_list = False
        self.by_head: dict[str, _M] = {}

    @property
    def current(self) -> _M | None:
        return self.local or self.section

    def new_paragraph(self, bullet: bool = False) -> None:
        """A new paragraph ends the local topic; each bullet of a list starts again from the
        topic of the paragraph that introduced the list."""
        if not bullet:
            self.local = self.list_topic = None
        elif not self.in_list:
            self.list_topic = self.local
        else:
            self.local = self.list_topic
        self.in_list = bullet

    def remember(self, text: str, ms: Sequence[_M]) -> None:
        for m in ms:
            if m.type in _SUBJECT_TYPES and _head_word(text[m.start : m.end]):
                self.by_head[_head_word(text[m.start : m.end])] = m

    def heading(self, line: str, ms: Sequence[_M]) -> None:
        named = [m for m in ms if m.type in _SUBJECT_TYPES]
        if named:
            non_place = [m for m in named if m.type != "Place"]
            self.section = (non_place or named)[-1]
        elif _HEADING_NUMBER.match(line) or not self.section_has_body:
            # a numbered heading, or the named heading before had no text of its own:
            # this section is about something unnamed
            self.section = None
        self.section_has_body = False
        self.local = self.list_topic = None
        self.in_list = False

    def sentence(self, text: str, sent: Sentence, ms: Sequence[_M]) -> None:
        self.section_has_body = True
        opening = _ANAPHOR.match(text, sent.start)
        if opening and opening.group(1) in self.by_head and (not ms or opening.end() <= ms[0].start):
            self.local = self.by_head[opening.group(1)]  # 榜单评价涉及…: the list named before
            return
        if not ms:
            return
        first = ms[0]
        if (
            _opens(text, sent, first)
            and first.type in (_SUBJECT_TYPES - {"Place"}) | {"Agency"}
            and not _is_example(text, first, sent.end)
        ):
            self.local = first
        elif not re.search(r"[0-9]", sent.text):
            named = [m for m in ms if m.type in _DELIVERABLE]
            if named:
                self.local = named[0]


def extract_observations(
    doc: Document,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    keys: Sequence[str],
    entity_types: dict[str, str],
) -> list[Observation]:
    """Every number-with-unit of a document that can be tied to an entity."""
    items = sorted(
        (_M(k, base_type(entity_types.get(k, m.type)), m.start, m.end)
         for m, k in zip(mentions, keys, strict=True)),
        key=lambda x: (x.start, x.end),
    )
    doc_year = doc.meta.year
    report = doc.meta.kind == "report"
    out: list[Observation] = []
    topics = _Topics()
    year_in_force: int | None = None
    para_year: int | None = None  # the year an earlier sentence of the paragraph gave
    j = 0
    prev_end = 0
    text = doc.clean
    for sent in sentences:
        while j < len(items) and items[j].start < sent.start:
            j += 1
        ms = in_sentence(items, j, sent)
        if prev_end == 0 or "\n" in text[prev_end : sent.start]:
            year_in_force = None
            bullet = _is_bullet(text[text.rfind("\n", 0, sent.start) + 1 : sent.start + 1])
            topics.new_paragraph(bullet)
            if not bullet:
                para_year = None  # bullets go on with the year of the paragraph above them
        prev_end = sent.end
        numbers = _numbers(text, sent, ms)
        topics.remember(text, ms)
        if not numbers and _is_heading(text, sent):
            topics.heading(sent.text, ms)
            para_year = None
            continue
        sent_year = _sentence_year(text[sent.start : sent.end])
        if sent_year is not None:
            year_in_force = sent_year
        carry: tuple[int, _M] | None = None  # (part start, subject) of the figure before
        for start, end, value, unit, qual in numbers:
            part = _part_start(text, sent, start)
            subj = _subject(text, sent, ms, start, end, unit, topics, carry[1] if carry and carry[0] == part else None)
            if subj is None:
                continue
            carry = (part, subj)
            this_year = doc_year if report else (year_in_force or doc_year)
            year = _year_before(text, sent.start, start, this_year, None if _EXAMPLE.match(sent.text) else para_year)
            out.append(
                Observation(
                    subject=subj.key, measure=_measure(text, sent, ms, start, end), value=value, unit=unit,
                    year=year, evidence=doc.evidence(sent.start, sent.end), rule="number-unit", qualifier=qual,
                )
            )
        topics.sentence(text, sent, ms)
        if _SINCE.search(sent.text) or _EXAMPLE.match(sent.text):
            para_year = None  # cumulative, or an example that the year does not date
        elif sent_year is not None or _YEAR.search(sent.text):
            para_year = sent_year  # a date (2022 年 5 月) leaves the period of the paragraph
    return out


def _is_heading(text: str, sent: Sentence) -> bool:
    """A short line without figures or closing punctuation: 上海技术交易所全面构建…交易场所."""
    line_start = text.rfind("\n", 0, sent.start) + 1
    line_end = text.find("\n", sent.end)
    raw = text[line_start : line_end if line_end != -1 else len(text)]
    if _is_bullet(raw):
        return False
    line = raw.strip(" -◆▶»•*")
    return (
        line == sent.text.strip(" -◆▶»•*")
        and len(line) <= 40
        and not re.search(r"[。；！？：:]$", line)
    )


def _is_bullet(line: str) -> bool:
    """A list item (``- …``, ``• …``): one entry under a heading, never a heading itself."""
    return re.match(r"\s*(?:[-•·]|\*(?!\*))", line) is not None


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


_OBJECT_MARK = re.compile(r"(?:与|向|对|和|为|同|于|给|通过|依托|借助|利用|根据|依据|按照|基于|在|其中)\s*$")
_SOURCE_MARK = re.compile(r"^\s*(?:根据|依据|按照|基于|据)")
#: A clause that applies a policy is not about it: 落实《…意见》，新增 …
_INSTRUMENT_MARK = re.compile(r"^\s*(?:根据|依据|按照|基于|据|落实|贯彻|执行|对照)")
#: A class name followed by how many of it there are: 众创空间 69 家
_CLASS_COUNT = re.compile(r"[\s*]*(?:超过|超|近|约|逾|达)?[\s*]*[0-9]+[\s*]*(?:余|多)?[\s*]*[家个所座]")
#: A target group that only qualifies a facility: 科技企业孵化器 61 家
_FACILITY = re.compile(r"孵化器|众创空间|科技园|基地|平台|服务中心|园区|载体|联盟|协会")
_COUNTING_VERB = re.compile(r"(?:集聚|吸引|孵化|服务|支持|惠及|培育|覆盖|引进|带动|汇聚|涉及|帮助|推动|助力)\s*$")
_UNIT_BEFORE = re.compile(r"[0-9][\s*]*(?:余|多)?\s*[家个户名所项]\s*$")


def _opens(text: str, sent: Sentence, m: _M) -> bool:
    """Does ``m`` open its sentence (after 一是 / 目前 / bullets)?"""
    lead = re.sub(r"[\s“”*\-◆▶»•]|[一二三四五六七八九十]是|(?:截[至止])?20\d\d\s*年[度末底]?|截至目前|目前|同时|此外|另外|[，,]", "", text[sent.start : m.start])
    return len(lead) <= 1


def _group_start(text: str, before: Sequence[_M], i: int) -> int:
    """Index of the first member of the coordinated list that ``before[i]`` ends."""
    k = i
    while k > 0 and re.fullmatch(r"[\s、“”和与及]*", text[before[k - 1].end : before[k].start]):
        k -= 1
    return k


def _has_figure(s: str) -> bool:
    """Does ``s`` hold a number other than a year (``2021 年``)?"""
    return re.search(r"[0-9]", re.sub(r"20\d\d\s*年[度末底]?", "", s)) is not None


def _part_start(text: str, sent: Sentence, at: int) -> int:
    """Start of the part of a sentence that holds ``at``: parts are separated by ``；``."""
    semis = [sent.start + m.end() for m in re.finditer(r"[；;]", text[sent.start : at])]
    return max(semis, default=sent.start)


def _is_example(text: str, m: _M, end: int) -> bool:
    """Is ``m`` an example of a class rather than a subject: ``研发费用加计扣除、…等各类政策``?"""
    found = re.match(r"[^，,；;。]*", text[m.end : end])
    clause = found.group(0) if found else ""
    k = clause.find("等")
    return k == 0 or (k > 0 and re.search(r"[、”和及与]", clause[:k]) is not None)


_COUNTED_NOUN = re.compile(r"[\s“”]*(?:项目|产品|活动|服务|课题|工程)")


def _counted(text: str, end: int, m: _M, unit: str) -> bool:
    """Is the entity right after a figure what it counts, and so its subject?

    ``40 余个“拨投结合”项目`` and ``近 2 亿元的科技创新券`` are; ``新增 3 家全国双创示范基地``
    counts instances of a class and is not.
    """
    gap = text[end : m.start]
    if re.fullmatch(r"[^，,；;。]*的[\s“”]*", gap) and len(gap) <= 8:
        return True
    if not re.fullmatch(r"[\s“”]*", gap):
        return False
    if unit.endswith(("家", "所", "名", "位", "户")) and not _names_items(text, m):
        return False
    return True


def _instances_counted(text: str, sent: Sentence, m: _M) -> bool:
    """Is ``m`` a class whose instances a figure counts (``新增 3 家全国双创示范基地``)?

    Not when a noun follows that the figure really counts: ``40 余个“拨投结合”项目``.
    """
    return bool(_UNIT_BEFORE.search(text[max(sent.start, m.start - 8) : m.start])) and not _names_items(text, m)


def _names_items(text: str, m: _M) -> bool:
    """Does ``m`` (with what follows it) name countable items: “拨投结合”项目, X 产品?"""
    return bool(_COUNTED_NOUN.match(text, m.end) or re.search(r"(?:项目|产品|活动|工程)[”\s]*$", text[m.start : m.end]))


def _subject(
    text: str, sent: Sentence, ms: Sequence[_M], at: int, end: int, unit: str, topics: _Topics, carry: _M | None
) -> _M | None:
    """The entity a figure at ``[at, end)`` is about (see the module docstring).

    ``carry`` is the subject of the figure before it in the same part of the sentence.
    """
    seps = [sent.start + m.end() for m in re.finditer(r"[，,；;]", text[sent.start : at])]
    clause_start = max(seps, default=sent.start)
    part_start = _part_start(text, sent, at)  # 开发…服务于交大等 20 多个项目: a clause of its own after ；
    clause_end = next(
        (sent.start + m.start() for m in re.finditer(r"[，,；;。]", text[sent.start : sent.end]) if sent.start + m.start() >= end),
        sent.end,
    )
    # 1. the program counted by the figure: 40 余个“拨投结合”项目, 近 2 亿元的科技创新券
    for m in ms:
        if end <= m.start < clause_end and m.type in _DELIVERABLE and _counted(text, end, m, unit):
            return m
    before = [m for m in ms if m.end <= at and m.start >= part_start]
    # 1b. a place's share right after it: 其中上海 59 家, 其中上海企业 113 家
    share = [m for m in before if m.start >= clause_start]
    if (
        share
        and share[0].type == "Place"
        and re.fullmatch(r"[\s*]*其中[\s*]*", text[clause_start : share[0].start])
        and len(text[share[-1].end : at].strip(" *")) <= 3
    ):
        return share[0]
    # 2. the program, platform, event or organisation named before it, as a subject
    i = len(before) - 1
    while i >= 0:
        m = before[i]
        if m.type not in _SUBJECT_TYPES - {"Place"}:
            i -= 1
            continue
        k = _group_start(text, before, i)
        head = before[k]
        lead = text[max(sent.start, head.start - 2) : head.start]
        clause_lead = text[max([sent.start] + [x for x in seps if x <= head.start]) : head.start]
        tail = text[before[i].end : at]
        if (
            (_OBJECT_MARK.search(lead) and not lead.endswith("其中"))  # 其中 X 累计…: a subject of its own
            or _instances_counted(text, sent, head)
            or _CLASS_COUNT.match(text, before[i].end)  # 国家备案众创空间 69 家: a class, counted
            or _INSTRUMENT_MARK.match(clause_lead)
            or _is_example(text, before[i], at)
            or re.fullmatch(r"[\s*“”]*", tail)  # 智邦、治臻 2 家公司: counted, not counting
        ):
            i = k - 1
            continue
        return head
    # 2b. nothing named in this part of the sentence: the entity that opens the sentence
    if part_start > sent.start:
        opening = [m for m in ms if m.end <= part_start]
        if (
            opening
            and opening[0].type in _SUBJECT_TYPES - {"Place"}
            and _opens(text, sent, opening[0])
            and not _is_example(text, opening[0], part_start)
        ):
            return opening[0]
    # 3. an anaphor before the figure: 平台 / 该平台 / 大会 / 榜单
    for hit in _ANAPHOR.finditer(text, clause_start, at):
        if not any(x.start <= hit.start(1) < x.end for x in ms) and hit.group(1) in topics.by_head:
            return topics.by_head[hit.group(1)]
    # 4. a target group heading the figure's clause: 高新技术企业总数超过 20000 家
    #    (not one being counted, 惠及高新技术企业 300 家, nor a predicate, 80% 的企业为中小企业)
    for m in reversed(before):
        if m.type == "TargetGroup" and m.start >= clause_start and not _has_figure(text[clause_start : m.start]):
            lead = text[max(sent.start, m.start - 4) : m.start]
            if not (
                _OBJECT_MARK.search(lead) or _COUNTING_VERB.search(lead) or _UNIT_BEFORE.search(lead)
                or _FACILITY.match(text, m.end)
            ):
                return m
    # 5. a place the clause opens with: 2019 年上海以转让…转化成果金额为 36.0 亿元; 其中上海 59 家
    clause_ms = [m for m in before if m.start >= clause_start]
    if clause_ms and clause_ms[0].type == "Place":
        if not re.sub(r"20\d\d\s*年度?|截至|其中|[\s，,]", "", text[clause_start : clause_ms[0].start]):
            return clause_ms[0]
    # 5b. the subject of the figure before, in this part of the sentence: …同比增长 17.5%
    if carry is not None:
        return carry
    # 6. the document a sentence cites its figures from: 根据《…报告》，2022 年度…
    for m in ms:
        if m.type == "PolicyDocument" and m.end <= at and _SOURCE_MARK.match(text[max(sent.start, m.start - 3) : m.start] or " "):
            return m
    # 7. the topic of the paragraph or section
    return topics.current


def _sentence_year(s: str) -> int | None:
    """The period a sentence speaks of: ``截至 2023 年末``, ``2021 年，``, or an edition such as
    ``2021浦江创新论坛``; not a date (``2020 年 10 月 12 日``), none for ``自 2022 年…以来``."""
    if _SINCE.search(s):
        return None
    m = _PERIOD_YEAR.search(s) or _EDITION_YEAR.search(s)
    return int(m.group(1)) if m else None


def _year_before(text: str, sent_start: int, at: int, this_year: int | None, carried: int | None) -> int | None:
    """The year a figure at ``at`` belongs to: a year before it in its sentence (``截至 2023 年末``),
    ``this_year`` after 全年 / 当年 / 截至年底, else the year an earlier sentence of the paragraph
    gave (``carried``) unless the figure is cumulative (累计); none after 自…以来."""
    lead = text[sent_start:at]
    if _SINCE.search(lead):
        return None
    years = list(_YEAR_AT.finditer(lead)) + list(_YEAR.finditer(lead))
    if years:
        last = max(years, key=lambda m: m.start())
        if _PRESENT.search(lead, last.end()):
            return None  # 2019 年签署…，迄今已有 15 家: the figure is of today, not of 2019
        return int(last.group(1))
    if _THIS_YEAR.search(lead):
        return this_year
    if carried is not None and not _NOW.search(lead):
        return carried
    return None


def _measure(text: str, sent: Sentence, ms: Sequence[_M], start: int, end: int) -> str:
    """A short phrase naming what was counted: the words before the figure (授信, 减免税额),
    else the noun after it (3983 家高新技术企业 → 高新技术企业)."""
    seps = [sent.start + m.end() for m in re.finditer(r"[，,；;：:、]", text[sent.start : start])]
    clause_start = max(seps, default=sent.start)
    prev = [m.end for m in ms if clause_start <= m.end <= start]
    left = text[max([clause_start, *prev]) : start]
    left = re.sub(r"截至\s*20\d\d\s*年[末底]?|20\d\d\s*年度?|全年|当年|今年", "", left)
    left = _QUAL_STRIP.sub("", left.strip(" “”*\n")).strip(" “”*\n，,")
    after = re.match(r"[^，,；;。、（(0-9]{1,16}", text[end : min(sent.end, end + 16)])
    noun = re.split(r"(?:为|向|对|提供|发放|获得|实现|达到|的)", after.group(0))[0].strip(" “”*") if after else ""
    if len(left) >= 2 and not re.search(r"[0-9]|[为向对给]$", left):
        return left[-24:] if len(left) > 3 or not noun else left + noun  # 汇聚 947 家长三角企业 → 汇聚长三角企业
    if noun:
        return noun
    named = [m for m in ms if m.end <= start and re.fullmatch(r"[\s总数超过近约逾达为]*", text[m.end : start])]
    return text[named[-1].start : named[-1].end] if named else (left[-24:] if len(left) >= 2 else "数量")
