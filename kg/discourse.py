"""Discourse state: what the text around each sentence establishes, in one pass.

``stikg_discourse_v1`` walks the sentences of a document once and records, for each,
a :class:`~kg.model.SentenceState`: whether it is a heading or a bullet, the entity
the paragraph is about, the agency that opened it, the program the previous sentence
was about, what the last heading named, clause-initial anaphors (平台, 该平台, 大会 …)
resolved to the entity named before, and the year in force. The relation and the
observation rules read these states; neither keeps state of its own.

Years: ``截至 2023 年末`` / ``2023 年`` / an edition (``2021浦江创新论坛``) give the
sentence's year; ``今年``/``去年``/``上年`` count from the document's own date; a period
year carries to later sentences and bullets of its paragraph; ``自…以来`` gives none.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kg.entities import NESTED
from kg.model import Ref, Sentence, SentenceState, base_type
from kg.vocab import Vocabulary, alternation

__all__ = ["Carry", "DiscourseTracker", "YearReader", "is_bullet", "is_heading"]

ORG_LIKE = frozenset({"Agency", "Organization"})
DELIVERABLE = frozenset({"Program", "Platform", "Event"})
#: Types that can be what a figure is about.
SUBJECT_TYPES = frozenset({"Program", "Platform", "Event", "Organization", "PolicyDocument", "Place"})

_BULLET = re.compile(r"\s*(?:[-•·]|\*(?!\*))")
_HEADING_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)+|0\d|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])\s*")
_FIGURE = re.compile(r"[0-9]+(?:\.[0-9]+)?\s*(?:万亿|亿|万|千)?\s*(?:家|项|个|元|%|人次|户|件|名)")
_ABOUT = re.compile(r"\s*关于“[^”]{1,40}”(?:的建议)?(?:方面)?\s*[，,]?\s*")
#: Class words by which a later clause refers back to a named entity: 平台, 该平台, 大会 …
_ANAPHOR_HEADS = ("平台", "交易所", "大会", "大赛", "论坛", "榜单", "中心", "基金", "专项")
#: A sentence without any of these gives no year (a quick test before the year patterns).
_MAY_DATE = re.compile(r"[0-9年届]")
_MONTH_DAY = re.compile(r"(?<![0-9年])(?<!年 )(?<![0-9] )(?:1[0-2]|[1-9])\s*月\s*(?:[12][0-9]|3[01]|[1-9])\s*日")
#: A year after these words is the base of a comparison, not the year of the figure (较 2016 年末).
_BASE = re.compile(r"(?:较|比|相比|相较于?|同比|对比)\s*$")
_HEADS = re.compile("|".join(_ANAPHOR_HEADS))
_ANAPHOR = re.compile(r"(?:^|(?<=[，,；;。：:\n]))\s*(?:该|本|此)?(" + "|".join(_ANAPHOR_HEADS) + ")")


def is_bullet(line: str) -> bool:
    """A list item (``- …``, ``• …``): one entry under a heading, never a heading itself."""
    return _BULLET.match(line) is not None


def _line(text: str, sent: Sentence) -> str:
    start = text.rfind("\n", 0, sent.start) + 1
    end = text.find("\n", sent.end)
    return text[start : end if end != -1 else len(text)]


def is_heading(text: str, sent: Sentence, line: str | None = None) -> bool:
    """A short line of its own, not a bullet, without closing punctuation or figures: 智能制造平台."""
    raw = _line(text, sent) if line is None else line
    if is_bullet(raw):
        return False
    line = raw.strip(" -◆▶»•*#")
    return (
        line == sent.text.strip(" -◆▶»•*#")
        and len(line) <= 40
        and not re.search(r"[。；！？：:;!?]$", line)
        and not _FIGURE.search(line)
    )


class _Openers:
    """What may stand before a sentence's subject: enumerators, openers, years, 关于“…”."""

    def __init__(self, vocab: Vocabulary) -> None:
        enum = alternation(vocab.relation_words["enumerators"])
        openers = alternation(vocab.relation_words["openers"])
        self.enum = re.compile(rf"^\s*(?:[一二三四五六七八九十]+是|{enum}|[0-9]+[.、])\s*[，,]?\s*")
        self.lead = re.compile(
            rf"[\s“”*\-◆▶»•]|[一二三四五六七八九十]+是|(?:截[至止])?20\d\d\s*年[度末底]?|[0-9]{{1,2}}\s*月(?:[0-9]{{1,2}}\s*日)?"
            rf"|{openers}|{enum}|[，,]"
        )

    def opener(self, text: str, sent: Sentence, ms: Sequence[Ref]) -> Ref | None:
        """The entity a sentence opens with, as its subject (after 近年来，/一是/关于“…”的建议，)."""
        about = _ABOUT.match(text, sent.start)
        start = about.end() if about else sent.start
        for m in ms:
            if m.start >= start:
                return m if self.opens(text, start, m) else None
        return None

    def opens(self, text: str, start: int, m: Ref) -> bool:
        """Is ``m`` the first thing after ``start`` but for openers (一是, 目前, 2023 年, quotes)?"""
        return len(self.lead.sub("", text[start : m.start])) <= 1


@dataclass
class Carry:
    """What the discourse has established at the end of a piece of text, for the next piece."""

    topic: Ref | None = None
    agency: Ref | None = None
    recent: Ref | None = None
    place: Ref | None = None
    section: Ref | None = None
    local: Ref | None = None
    list_topic: Ref | None = None
    section_has_body: bool = True
    in_list: bool = False
    by_head: dict[str, Ref] | None = None  # what a bare head (平台, 论坛) refers to
    in_force: int | None = None  # the year of this line so far
    carried: int | None = None  # the period year an earlier sentence of the paragraph gave
    dateline: int | None = None  # the year of the event a dated news report is about
    named: dict[str, int] | None = None  # how often each entity (by key) was named so far


class YearReader:
    """Year expressions of ``ontology/figures.toml [years]``."""

    def __init__(self, vocab: Vocabulary) -> None:
        p = vocab.figures.year_patterns
        self.period = re.compile(p["period"])
        self.until = re.compile(p["until"])
        self.edition = re.compile(p["edition"])
        self.since = re.compile(p["since"])
        self.present = re.compile(p["present"])
        self.cumulative = re.compile(p["cumulative"] + "|" + p["present"])
        self.example = re.compile(p["example"])
        self.relative = vocab.figures.relative_years
        self.relative_re = re.compile(alternation(tuple(self.relative))) if self.relative else None
        self.in_force_re = re.compile(alternation(vocab.figures.in_force_years))

    def sentence_year(self, s: str, doc_year: int | None) -> int | None:
        """The period a sentence speaks of: ``截至 2023 年末``, ``2021 年，``, ``去年``, an edition
        (``2021浦江创新论坛``); not a date (``2020 年 10 月 12 日``); none for ``自…以来``."""
        if self.since.search(s):
            return None
        m = self._period(s) or self.until.search(s) or self.edition.search(s)
        if m:
            return int(m.group(1))
        rel = self.relative_year(s, doc_year)
        if rel is None and doc_year is not None and _MONTH_DAY.search(s):
            return doc_year  # 12月8日，…举办: an event of the document's own year
        return rel

    def dated_event(self, s: str, doc_date: str | None) -> bool:
        """Does ``s`` date what it reports by month and day only (11月17日，…), shortly before the
        document's own date (a news report on a recent event)?"""
        if doc_date is None or self._period(s) or self.until.search(s):
            return False
        m = _MONTH_DAY.search(s)
        if m is None:
            return False
        month, day = (int(x) for x in re.findall(r"\d+", m.group(0)))
        doc_month, doc_day = int(doc_date[5:7]), int(doc_date[8:10])
        return 0 <= (doc_month * 31 + doc_day) - (month * 31 + day) <= 62

    def _period(self, s: str) -> re.Match[str] | None:
        """The first period year of ``s`` that is not a comparison base (较 2016 年末)."""
        return next((m for m in self.period.finditer(s) if not _BASE.search(s, 0, m.start())), None)

    def relative_year(self, s: str, doc_year: int | None) -> int | None:
        """``今年`` / ``去年`` / ``上年`` … counted from the document's year."""
        if doc_year is None or self.relative_re is None:
            return None
        hits = list(self.relative_re.finditer(s))
        return doc_year + self.relative[hits[-1].group(0)] if hits else None

    def figure_year(self, lead: str, in_force: int | None, carried: int | None, doc_year: int | None) -> int | None:
        """The year of a figure whose sentence starts with ``lead``: a year before it in the
        sentence, a relative year, the year in force after 全年/当年, else the year the
        paragraph carries unless the figure is cumulative; none after 自…以来."""
        if self.since.search(lead):
            return None
        years = [(m.start(), m.end(), int(m.group(1))) for m in self.until.finditer(lead)] + [
            (m.start(), m.end(), int(m.group(1))) for m in self.period.finditer(lead) if not _BASE.search(lead, 0, m.start())
        ]
        if doc_year is not None and self.relative_re is not None:  # 今年 6 月末, 去年
            years += [
                (m.start(), m.end(), doc_year + self.relative[m.group(0)])
                for m in self.relative_re.finditer(lead) if not _BASE.search(lead, 0, m.start())
            ]
        if years:
            start, end, year = max(years)
            if self.present.search(lead, end):
                return None  # 2019 年签署…，迄今已有 15 家: the figure is of today, not of 2019
            return year
        if self.in_force_re.search(lead):
            return in_force or doc_year
        if carried is not None and not self.present.search(lead):
            return carried
        return None


class DiscourseTracker:
    """spaCy component: one :class:`~kg.model.SentenceState` per sentence, in ``doc._.discourse``."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.openers = _Openers(vocab)
        self.years = YearReader(vocab)

    def __call__(self, doc: Any) -> Any:
        from kg.documents import split_sentences
        from kg.nlp import doc_text

        text = doc_text(doc)
        meta = doc._.meta
        doc_year = meta.year if meta is not None else None
        doc_date = meta.date if meta is not None else None
        refs = sorted(
            (Ref(key or "", base_type(label), start, end, text[start:end])
             for (start, end), (rule, _, label, key) in (doc._.mention_info or {}).items()
             if rule != NESTED),  # names inside titles belong to the title
            key=lambda r: (r.start, r.end),
        )
        carry = doc._.discourse_carry or Carry()
        doc._.discourse, doc._.discourse_carry = self.track(
            text, split_sentences(text), refs, doc_year, carry, doc_date=doc_date
        )
        return doc

    def track(
        self,
        text: str,
        sentences: Sequence[Sentence],
        refs: Sequence[Ref],
        doc_year: int | None,
        start: Carry | None = None,
        *,
        doc_date: str | None = None,
    ) -> tuple[list[SentenceState], Carry]:
        """The state of every sentence, given the resolved mentions ``refs`` (sorted), and what the
        text has established at its end. ``start`` is what an earlier piece of the document established."""
        out: list[SentenceState] = []
        c = start or Carry()
        topic, agency, recent, place, section, local, list_topic = (
            c.topic, c.agency, c.recent, c.place, c.section, c.local, c.list_topic,
        )
        section_has_body, in_list = c.section_has_body, c.in_list
        by_head: dict[str, Ref] = dict(c.by_head or {})
        named_times: dict[str, int] = dict(c.named or {})
        years = Carry(in_force=c.in_force, carried=c.carried)
        prev_end = 0 if start is None else -1
        dateline: int | None = c.dateline
        j = 0
        for sent in sentences:
            while j < len(refs) and refs[j].start < sent.start:
                j += 1
            ms: list[Ref] = []
            k = j
            while k < len(refs) and refs[k].start < sent.end:
                if refs[k].end <= sent.end:
                    ms.append(refs[k])
                k += 1
            gap = text[max(prev_end, 0) : sent.start]
            new_line = prev_end <= 0 or "\n" in gap
            new_block = prev_end <= 0 or "\n\n" in gap
            line = _line(text, sent)
            bullet = is_bullet(line)
            heading = not bullet and len(line) <= 120 and is_heading(text, sent, line)
            if new_block and not heading and not self._continues(text, sent):
                topic = agency = recent = None
            if new_line:
                years.in_force = None
                if not bullet:
                    local = list_topic = None
                    years.carried = None  # bullets go on with the year of the paragraph above them
                elif not in_list:
                    list_topic = local
                else:
                    local = list_topic
                in_list = bullet
            anaphors = self._anaphors(text, sent, ms, by_head) if _HEADS.search(sent.text) else []
            for m in ms:
                head = _head_word(m.text)
                if head and m.type in SUBJECT_TYPES:
                    # the one named most often (the latest on a tie): 论坛 is the forum the report is
                    # about, not the 主宾国论坛 it mentions once
                    named_times[m.key] = named_times.get(m.key, 0) + 1
                    held = by_head.get(head)
                    if held is None or named_times[m.key] >= named_times.get(held.key, 0):
                        by_head[head] = m
            if heading:
                named = [m for m in ms if m.type in SUBJECT_TYPES]
                if named:
                    non_place = [m for m in named if m.type != "Place"]
                    section = (non_place or named)[-1]
                elif _HEADING_NUMBER.match(sent.text) or not section_has_body:
                    section = None  # a numbered heading, or the named heading before had no text of its own
                section_has_body = False
                places = [m for m in ms if m.type == "Place"]
                place = places[-1] if places else None
                local = list_topic = None
                in_list = False
                years.carried = None
                topic = None
            else:
                section_has_body = True
            sent_year = self.years.sentence_year(sent.text, doc_year) if _MAY_DATE.search(sent.text) else None
            if sent_year is not None:
                years.in_force = sent_year
            if sent_year is not None and sent_year == doc_year and self.years.dated_event(sent.text, doc_date):
                dateline = doc_year  # 11月17日，…举办: the report's own event; its figures are of that year
            elif sent_year is not None:
                dateline = None
            out.append(
                SentenceState(
                    sent=sent, mentions=tuple(ms), anaphors=tuple(anaphors), heading=heading, bullet=bullet,
                    new_line=new_line, topic=topic, agency=agency, recent=recent, section=section, place=place,
                    local=local or section,
                    year=years.in_force,
                    carried_year=None if self.years.example.match(sent.text) else (
                        years.carried if years.carried is not None else dateline
                    ),
                )
            )
            # what this sentence establishes for the next ones
            subj = self.openers.opener(text, sent, ms)
            if subj is not None and subj.type in ORG_LIKE | {"Platform"}:
                topic = subj
                if subj.type == "Agency":
                    agency = subj
            delivered = [m for m in ms if m.type in DELIVERABLE]
            if subj is not None and subj.type in DELIVERABLE:
                recent = subj
            elif subj is None and delivered and (heading or not re.search(r"[0-9]", sent.text)):
                recent = delivered[-1] if heading else delivered[0]
            else:
                recent = None
            if not heading:
                local = self._local(text, sent, ms, anaphors, local)
            example = self.years.example.match(sent.text)
            dated = _MAY_DATE.search(sent.text)
            if example or (dated and self.years.since.search(sent.text)):
                years.carried = None  # cumulative, or an example that the year does not date
            elif sent_year is not None or (dated and self.years.period.search(sent.text)):
                years.carried = sent_year  # a date (2022 年 5 月) leaves the period of the paragraph
            prev_end = sent.end
        end = Carry(topic, agency, recent, place, section, local, list_topic, section_has_body, in_list, by_head,
                    years.in_force, years.carried, dateline, named_times)
        return out, end

    def _continues(self, text: str, sent: Sentence) -> bool:
        """A paragraph that opens with an enumerator or a bullet, or is short, continues the topic."""
        line_start = text.rfind("\n", 0, sent.start) + 1
        lead = text[line_start : sent.start + 4]
        return bool(self.openers.enum.match(sent.text) or re.match(r"^\s*[-•◆▶»]", lead) or len(sent.text) < 60)

    def _anaphors(self, text: str, sent: Sentence, ms: Sequence[Ref], by_head: dict[str, Ref]) -> list[Ref]:
        out = []
        for hit in _ANAPHOR.finditer(text, sent.start, sent.end):
            s, e = hit.span(1)
            if any(x.start <= s < x.end for x in ms):
                continue
            target = by_head.get(hit.group(1))
            before = [m for m in ms if m.end <= hit.start() and _head_word(m.text) == hit.group(1)]
            if before:
                target = before[-1]
            if target is not None:
                s -= 1 if s > 0 and text[s - 1] in "该本此" else 0
                out.append(Ref(target.key, target.type, s, e, text[s:e]))
        return out

    def _local(self, text: str, sent: Sentence, ms: Sequence[Ref], anaphors: Sequence[Ref], local: Ref | None) -> Ref | None:
        """What later figures of the paragraph are about, after this sentence."""
        opening = next((a for a in anaphors if a.start <= sent.start + 2), None)
        if opening is not None and (not ms or opening.end <= ms[0].start):
            return opening  # 榜单评价涉及…: the list named before
        if not ms:
            return local
        first = ms[0]
        if (
            self.openers.opens(text, sent.start, first)
            and first.type in (SUBJECT_TYPES - {"Place"}) | {"Agency"}
            and not is_example(text, first, sent.end)
        ):
            return first
        if not re.search(r"[0-9]", sent.text):
            named = [m for m in ms if m.type in DELIVERABLE]
            if named:
                return named[0]
        return local


@functools.lru_cache(maxsize=65536)
def _head_word(name: str) -> str:
    """The class word a name ends with (平台, 大会 …), as anaphors use it."""
    name = name.strip("《》“” ")
    return next((h for h in _ANAPHOR_HEADS if name.endswith(h)), "")


def is_example(text: str, m: Ref, end: int) -> bool:
    """Is ``m`` an example of a class rather than a subject: ``研发费用加计扣除、…等各类政策``?"""
    found = re.match(r"[^，,；;。]*", text[m.end : end])
    clause = found.group(0) if found else ""
    k = clause.find("等")
    return k == 0 or (k > 0 and re.search(r"[、”和及与]", clause[:k]) is not None)
