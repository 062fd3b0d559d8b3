"""What the text around a sentence establishes, for the relation rules (private to ``kg.relations``).

The mention record the rules read, the paragraph context (topic, agency,
program, heading place), sentence subjects, anaphors, lists of names and
clause boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.model import Document, Sentence

__all__ = ["DELIVERABLE", "ORG_LIKE"]


ORG_LIKE = {"Agency", "Organization"}
DELIVERABLE = {"Program", "Platform", "Event"}
_GROUP_SEP = re.compile(r"^\s*(?:、|和|与|及|以及|，|,|“|”|\s)*\s*$")
_ENUM = re.compile(r"^\s*(?:[一二三四五六七八九十]+是|另一方面|一方面|同时|此外|另外|[0-9]+[.、])\s*[，,]?\s*")
_ANAPHOR = re.compile(r"(?:^|(?<=[，,；;。\n]))\s*(该平台|平台|该交易所|交易所|大会|大赛|该中心)")
_SUFFIX_OF_ANAPHOR = {"平台": "Platform", "交易所": "Platform", "大会": "Event", "大赛": "Event", "中心": "Platform"}


@dataclass(frozen=True)
class _M:
    """A mention resolved to its entity, as the rules see it."""

    key: str
    type: str  # base type
    start: int
    end: int
    text: str


@dataclass
class _Context:
    """What the text around a sentence has established.

    ``topic``: the organisation or platform that opened the last sentence as its
    subject; ``agency``: the last agency that did so (the implicit agent of 一是…,
    二是…); ``recent``: the program or platform the previous sentence (or heading)
    was about when no organisation was its subject (加大对“X”支持力度。…);
    ``place``/``section``: the place and the thing the last heading named.
    """

    topic: _M | None = None
    agency: _M | None = None
    recent: _M | None = None
    place: _M | None = None
    section: _M | None = None
    last_platform: _M | None = None

    @property
    def subject(self) -> _M | None:
        return self.topic or self.section

    def update(self, text: str, sent: Sentence, ms: Sequence[_M], heading: bool) -> None:
        subj = _subject(text, sent, ms)
        delivered = [m for m in ms if m.type in DELIVERABLE]
        self.recent = None
        if heading:
            places = [m for m in ms if m.type == "Place"]
            named = [m for m in ms if m.type != "Place"]
            self.place = places[-1] if places else None
            self.section = named[-1] if named else None
            self.topic = None
        if subj is not None and subj.type in ORG_LIKE | {"Platform"}:
            self.topic = subj
            if subj.type == "Agency":
                self.agency = subj
        if subj is not None and subj.type in DELIVERABLE:
            self.recent = subj
        elif subj is None and delivered and (heading or not re.search(r"[0-9]", sent.text)):
            self.recent = delivered[-1] if heading else delivered[0]
        for m in ms:
            if m.type == "Platform" and re.search(r"(?:平台|交易所|中心)$", m.text):
                self.last_platform = m


def _is_heading(text: str, sent: Sentence) -> bool:
    """A line of its own, short, without closing punctuation and not a bullet: 智能制造平台."""
    line_start = text.rfind("\n", 0, sent.start) + 1
    line_end = text.find("\n", sent.end)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    return (
        line.strip() == sent.text.strip()
        and len(sent.text) <= 40
        and not re.search(r"[。；！？：:]$", sent.text)
        and not re.match(r"\s*[-•◆▶»*]", line)
    )


def _continues_section(doc: Document, sent: Sentence) -> bool:
    """A paragraph that opens with an enumerator or a bullet continues the previous topic."""
    line_start = doc.clean.rfind("\n", 0, sent.start) + 1
    lead = doc.clean[line_start : sent.start + 4]
    return bool(_ENUM.match(sent.text) or re.match(r"^\s*[-•◆▶»]", lead) or len(sent.text) < 60)


def _subject(text: str, sent: Sentence, ms: Sequence[_M]) -> _M | None:
    """The entity a sentence opens with, as its subject (after 近年来，/一是 …)."""
    topic_phrase = _ABOUT.match(text, sent.start)  # 关于“…”的建议方面，: the proposal's words, not the subject
    start = topic_phrase.end() if topic_phrase else sent.start
    ms = [m for m in ms if m.start >= start]
    if not ms:
        return None
    head = text[start : ms[0].start]
    head = _ENUM.sub("", head)
    head = re.sub(r"^(?:近年来|近几年|目前|截至目前|同时|另外|此外|下阶段|20\d\d\s*年)[，,]?\s*", "", head)
    if len(head.strip(" “”*")) <= 2:
        return ms[0]
    return None


_ABOUT = re.compile(r"\s*关于“[^”]{1,40}”(?:的建议)?(?:方面)?\s*[，,]?\s*")


def _with_anaphors(text: str, sent: Sentence, ms: list[_M], last: _M | None) -> list[_M]:
    """Add a mention for a bare 平台 / 该平台 that refers to the last platform named."""
    if last is None:
        return ms
    extra = []
    for m in _ANAPHOR.finditer(text[: sent.end], sent.start):
        s, e = m.span(1)
        if any(x.start <= s < x.end for x in ms):
            continue
        word = m.group(1).removeprefix("该")
        if _SUFFIX_OF_ANAPHOR.get(word) == last.type and last.text.endswith(word[-2:]):
            extra.append(_M(last.key, last.type, s, e, m.group(1)))
    return sorted(ms + extra, key=lambda x: (x.start, x.end)) if extra else ms


def _between(text: str, a: _M, b: _M) -> str:
    return text[a.end : b.start]


def _group_after(text: str, ms: Sequence[_M], i: int) -> list[_M]:
    """The coordinated group that starts with ``ms[i]``: X、Y和Z."""
    group = [ms[i]]
    for k in range(i + 1, len(ms)):
        gap = _between(text, group[-1], ms[k])
        if _GROUP_SEP.match(gap) and "，" not in gap or gap.strip() in ("、", "和", "与", "及", "以及", "，", ""):
            if ms[k].type == group[0].type or {ms[k].type, group[0].type} <= ORG_LIKE:
                group.append(ms[k])
                continue
        break
    return group


def _group_before(text: str, ms: Sequence[_M], i: int) -> list[_M]:
    """The coordinated group that ends with ``ms[i]``."""
    group = [ms[i]]
    for k in range(i - 1, -1, -1):
        gap = _between(text, ms[k], group[0])
        if gap.strip() in ("、", "和", "与", "及", "以及", "") and (
            ms[k].type == group[-1].type or {ms[k].type, group[-1].type} <= ORG_LIKE
        ):
            group.insert(0, ms[k])
            continue
        break
    return group


def _clause_start(text: str, sent: Sentence, ms: Sequence[_M], at: int) -> int:
    """Start of the clause holding ``at``; a comma inside a list of names does not end it."""
    pos = at
    while True:
        comma = max(text.rfind("，", sent.start, pos), text.rfind("；", sent.start, pos))
        if comma < 0:
            return sent.start
        listed = text[comma] == "，" and any(m.start == comma + 1 for m in ms) and any(m.end == comma for m in ms)
        if not listed:
            return comma
        pos = comma
