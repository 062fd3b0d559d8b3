"""Observations: numbers with units, how approximate they are, the year they belong to, and their subject.

``stikg_observation_rules_v1`` reads every sentence state of ``doc._.discourse`` and
stores ``doc._.observations``. ``超过 3534.78 亿元`` → value 3534.78, unit 亿元,
qualifier 超过; multipliers stay in the unit (``1.6 万家`` → 1.6 / 万家); compound
units stay whole (``0.6 个百分点``, ``万人次``, ``亿元/年``); Chinese numerals are read
with cn2an (``五千万元`` → 5000 万元, ``两千余项`` → 2000 项, ``四家`` → 4 家, ``千余项`` →
1000 项); qualifiers mean lower or upper bounds (超过, 不低于, 以上 / 不超过, 最高, 以下)
or approximations (约, 近, 左右) — all from ``ontology/figures.toml``.

The subject is the program, platform, event or organisation the sentence is about:
the one counted by the figure (40 余个“拨投结合”项目), else the nearest one named before
it (not examples before 等, items of a list before it, objects after 与/向/为, policies
applied, classes counted), else the subject of the figure before it in the same clause
group, else an anaphor (平台, 榜单), a target group heading the clause, a place opening the
clause, the cited report, what the paragraph or section is about (``SentenceState.local``),
or the subject of the paragraph's figure before — none when the sentence turns to the
document's own place (我省共有…). The year comes from :class:`kg.discourse.YearReader`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kg.discourse import DELIVERABLE, SUBJECT_TYPES, YearReader, _Openers, is_example
from kg.model import Ref, Sentence, SentenceState
from kg.vocab import Vocabulary, alternation

__all__ = ["Figure", "FigureReader", "ObservationRules", "parse_number"]

#: What states a rank, right before 第 and the number (位列全球第 9 位).
_RANK = re.compile(r"(?:位列|排名|位居|排在|名列|居)[^，。；,;第]{0,10}第\s*$")
_CN_NUMERAL = "零〇一二两三四五六七八九十百千"


def parse_number(num: str | None, mult: str | None = None, qual: str | None = None) -> float | None:
    """The value of a number as written (the multiplier stays in the unit).

    >>> parse_number("3,534.78", "亿"), parse_number("千"), parse_number(None, "万", "过"), parse_number("五千", "万")
    (3534.78, 1000.0, 1.0, 5000.0)
    """
    if num:
        if num[0].isdigit():
            return float(num.replace(",", ""))
        return _chinese_number(num)
    if mult and qual:
        return 1.0  # 过万人, 突破万亿元
    return None


_DIGIT_VALUES = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PLAIN_NUMERAL = re.compile("(?:([一二两三四五六七八九])千)?(?:([一二两三四五六七八九])百)?(?:([一二两三四五六七八九])十)?"
                            "([一二两三四五六七八九])?")


def _plain_numeral(s: str) -> float | None:
    """The value of the commonest numerals (四, 五千, 两千三百四十五), read without cn2an, whose
    import takes 0.3 s; ``None`` for any other form (二百五 is 250: a unit left out, as cn2an reads it)."""
    m = _PLAIN_NUMERAL.fullmatch(s)
    if not m or not s or (m.group(4) and not m.group(3) and (m.group(1) or m.group(2))):
        return None
    return float(sum(_DIGIT_VALUES[d] * unit for d, unit in zip(m.groups(), (1000, 100, 10, 1), strict=True) if d))


def _chinese_number(s: str) -> float | None:
    if s[0] in "十百千":
        s = "一" + s  # 千余项, 超百亿元
    plain = _plain_numeral(s)
    if plain is not None:
        return plain
    import cn2an

    try:
        return float(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


@dataclass(frozen=True)
class Figure:
    """A number found in a sentence: ``[start, end)``, value, unit, qualifier as written."""

    start: int
    end: int
    value: float
    unit: str
    qualifier: str | None


class FigureReader:
    """Numbers with units and qualifiers, as ``ontology/figures.toml`` defines them."""

    def __init__(self, vocab: Vocabulary) -> None:
        f = vocab.figures
        quals = alternation(tuple(f.qualifiers_before))
        after = alternation(tuple(k for k in f.qualifiers_after if k not in ("余", "多")))
        units = alternation(f.compound_units + f.units)
        mults = alternation(f.multipliers)
        self.number = re.compile(
            rf"(?P<qual>{quals})?\s*"
            rf"(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?|[{_CN_NUMERAL}]+)?\s*"
            r"(?P<approx>余|多)?\s*"
            rf"(?P<mult>{mults})?\s*"
            r"(?P<approx2>余|多)?\s*"
            rf"(?P<unit>{units})?"
            rf"(?P<after>{after})?"
        )
        self.start = re.compile(rf"[0-9{_CN_NUMERAL}]|(?:{quals})(?=[万亿])")
        #: A qualifier right before a number (最高不超过 1000 万元): where the figure starts.
        self.qual_before = re.compile(rf"(?:{quals})\s*$")
        #: A quick test that a sentence may hold a figure at all.
        self.any_figure = re.compile(rf"[0-9]|[{_CN_NUMERAL}]\s*(?:余|多)?\s*(?:{mults}|{units})|(?:{quals})(?=[万亿])")
        self.not_after = re.compile(rf"\s*(?:{alternation(f.not_after)})")
        self.not_before = set(f.not_before)
        self.qual_strip = re.compile(rf"(?:{quals}|为|是|已|首次|累计)+$")

    @staticmethod
    def _rank(text: str, sent: Sentence, m: re.Match[str]) -> bool:
        """A rank stated as a figure: 位列全球第 9 位, 排名全国第 3 名."""
        return m.group("unit") in ("位", "名") and _RANK.search(text, max(sent.start, m.start("num") - 16), m.start("num")) is not None

    def figures(self, text: str, sent: Sentence, ms: Sequence[Ref], source: str | None = None) -> list[Figure]:
        """Every number with a unit (or a multiplier) in ``sent`` that is not part of a name.

        ``text`` is the analysed text; units are given as written in ``source`` (億元, 個).
        """
        source = source if source is not None else text
        found: list[Figure] = []
        if not self.any_figure.search(text, sent.start, sent.end):
            return found  # no digit and no numeral before a unit or multiplier: nothing to read
        pos = sent.start
        while pos < sent.end:
            hit = self.start.search(text, pos, sent.end)
            if not hit:
                break
            m = None
            before = self.qual_before.search(text, max(sent.start, hit.start() - 6), hit.start())
            for s in ((before.start(), hit.start()) if before else (hit.start(),)):
                cand = self.number.match(text, s, sent.end)
                if cand and (cand.group("num") is not None or (cand.group("mult") and cand.group("qual"))):
                    if cand.end() > hit.start() and cand.start("num" if cand.group("num") else "mult") >= hit.start():
                        m = cand
                        break
            if m is None or not (m.group("unit") or m.group("mult")):
                pos = hit.end()
                continue
            num = m.group("num")
            pos = max(m.end(), hit.end())
            if num and not num[0].isdigit():
                if num in ("一", "两") and not (m.group("mult") or m.group("approx") or m.group("approx2")):
                    continue  # 一家, 一场: an article; 两项: a word
                if re.search(r"[第]$", text[max(0, m.start("num") - 1) : m.start("num")]) and not self._rank(text, sent, m):
                    continue
            if (
                num
                and num[0].isdigit()
                and text[max(sent.start, m.start("num") - 4) : m.start("num")].rstrip()[-1:] in self.not_before
                and not self._rank(text, sent, m)
            ):
                continue  # 第 3 期, DB31, V2.0 (but a rank is a figure: 位列全球第 9 位)
            if self.not_after.match(text, m.end()) and not m.group("unit"):
                continue
            if m.group("unit") is None and self.not_after.match(text, m.end("mult")):
                continue
            at = m.start("num" if num else "mult")
            if any(x.start <= at < x.end for x in ms):
                continue  # inside a name: “科改 25 条”, 申粳 1221
            value = parse_number(num, m.group("mult"), m.group("qual"))
            if value is None:
                continue
            if m.group("unit") == "次" and re.match(r"\s*(?:会议|全会|全体会议|会)", text[m.end() : m.end() + 5]):
                continue  # 二次会议: an ordinal session, not a count
            unit = re.sub(r"\s+", "", source[m.start("mult") if m.group("mult") else m.start("unit") : m.end("unit") if m.group("unit") else m.end("mult")])
            unit = unit.replace("％", "%").replace("余", "").replace("多", "")
            qual = m.group("qual") or m.group("approx") or m.group("approx2") or m.group("after")
            start = m.start("qual") if m.group("qual") else at
            found.append(Figure(start, m.end(), value, unit, qual))
        return found


# --------------------------------------------------------------------------- subjects

#: A class name followed by how many of it there are: 众创空间 69 家
_CLASS_COUNT = re.compile(r"[\s*]*(?:超过|超|近|约|逾|达)?[\s*]*[0-9]+[\s*]*(?:余|多)?[\s*]*[家个所座]")
_UNIT_BEFORE = re.compile(r"[0-9][\s*]*(?:余|多)?\s*[家个户名所项]\s*$")


def _respectively(text: str, sent: Sentence, ms: Sequence[Ref], figures: Sequence[Figure]) -> dict[int, Ref | None]:
    """Figures that ``分别`` gives to the items listed before it, one each, by position:
    高新技术企业、技术合同成交额年均分别增长 40.3%、31.8% → 高新技术企业 40.3%.

    Returns figure start → subject, or ``None`` for an item that names nothing (技术合同成交额).
    """
    out: dict[int, Ref | None] = {}
    for hit in re.finditer("分别", text[sent.start : sent.end]):
        at = sent.start + hit.start()
        run: list[Figure] = []
        for f in figures:
            if f.start < at:
                continue
            gap = text[run[-1].end if run else at : f.start]
            if (run and not re.fullmatch(r"\s*[、和及与]\s*", gap)) or (not run and re.search(r"[，,；;。]", gap)):
                break
            run.append(f)
        if len(run) < 2:
            continue
        start = _after_last(text, "，,；;：:", sent.start, at)
        inside = [m for m in ms if start <= m.start and m.end <= at]
        items, item_start, pos = [], start, start
        while pos < at:  # split the list at separators outside names
            m = next((m for m in inside if m.start <= pos < m.end), None)
            if m is not None:
                pos = m.end
                continue
            if text[pos] in "、和及与":
                items.append((item_start, pos))
                item_start = pos + 1
            pos += 1
        items.append((item_start, at))
        if len(items) != len(run):
            continue
        for (s, _), fig in zip(items, run, strict=True):
            out[fig.start] = next((m for m in inside if m.start == s and m.type in SUBJECT_TYPES | {"TargetGroup"}), None)
    return out


def _counts_items(text: str, fig: Figure, m: Ref, alone: bool) -> bool:
    """A program right before a count of its items, not in a list and not before a class noun:
    星火计划 3 项，… (but “创星贷”“启星贷” 2 项产品 counts the products)."""
    return m.type == "Program" and alone and not re.match(r"[\u4e00-\u9fff]", text[fig.end : fig.end + 1])


def _group_start(text: str, before: Sequence[Ref], i: int) -> int:
    """Index of the first member of the coordinated list that ``before[i]`` ends."""
    k = i
    while k > 0 and re.fullmatch(r"\s*[、“”和与及][\s、“”和与及]*", text[before[k - 1].end : before[k].start]):
        k -= 1
    return k


def _has_figure(s: str) -> bool:
    """Does ``s`` hold a number other than a year (``2021 年``)?"""
    return re.search(r"[0-9]", re.sub(r"20\d\d\s*年[度末底]?", "", s)) is not None


def _part_start(text: str, sent: Sentence, at: int) -> int:
    """Start of the part of a sentence that holds ``at``: parts are separated by ``；``."""
    return _after_last(text, "；;", sent.start, at)


def _after_last(text: str, marks: str, lo: int, hi: int) -> int:
    """The position after the last of ``marks`` in ``text[lo:hi]``, else ``lo``."""
    return max(lo, *(text.rfind(c, lo, hi) + 1 for c in marks))


def _first(text: str, marks: str, lo: int, hi: int) -> int:
    """The position of the first of ``marks`` in ``text[lo:hi]``, else ``hi``."""
    found = [p for c in marks if (p := text.find(c, lo, hi)) >= 0]
    return min(found) if found else hi


class _SubjectWords:
    """The words of ``figures.toml [subjects]``, compiled."""

    def __init__(self, vocab: Vocabulary) -> None:
        w = vocab.figures.subject_words
        self.object_mark = re.compile(rf"(?:{alternation(w['object_markers'])})\s*$")
        self.source_mark = re.compile(rf"\s*(?:{alternation(w['source_markers'])})")
        self.instrument_mark = re.compile(rf"\s*(?:{alternation(w['instrument_markers'])})")
        self.facility = re.compile(alternation(w["facilities"]))
        self.counting_verb = re.compile(rf"(?:{alternation(w['counting_verbs'])})\s*$")
        self.counted_noun = re.compile(rf"[\s“”]*(?:{alternation(w['counted_nouns'])})")
        self.counted_end = re.compile(rf"(?:{alternation(w['counted_nouns'])})[”\s]*$")
        self.business = re.compile(rf"\s*[“”]?\s*(?:{alternation(w['business'])})")
        self.means_verb = re.compile(rf"(?:{alternation(w['means_verbs'])})[^，。；]*$")
        self.own_place = re.compile(rf"(?:^|[，,；;：:])\s*(?:{alternation(w['own_place'])})")
        self.regulation = re.compile(rf"(?:{alternation(w['regulations'])})(?:[（(][^）)]*[）)])?》?$")

    def names_items(self, text: str, m: Ref) -> bool:
        """Does ``m`` (with what follows it) name countable items: “拨投结合”项目, X 产品?"""
        return bool(self.counted_noun.match(text, m.end) or self.counted_end.search(text[m.start : m.end]))


def _counted(text: str, end: int, m: Ref, unit: str, words: _SubjectWords) -> bool:
    """Is the entity right after a figure what it counts (``40 余个“拨投结合”项目``, ``近 2 亿元的科技创新券``)?"""
    gap = text[end : m.start]
    if re.fullmatch(r"[^，,；;。]*的[\s“”]*", gap) and len(gap) <= 8:
        return True
    if not re.fullmatch(r"[\s“”]*", gap):
        return False
    return not (unit.endswith(("家", "所", "名", "位", "户")) and not words.names_items(text, m))


def _instances_counted(text: str, sent: Sentence, m: Ref, words: _SubjectWords) -> bool:
    """Is ``m`` a class whose instances a figure counts (``新增 3 家全国双创示范基地``)?"""
    return bool(_UNIT_BEFORE.search(text[max(sent.start, m.start - 8) : m.start])) and not words.names_items(text, m)


class ObservationRules:
    """spaCy component: figures tied to the entity they are about → ``doc._.observations``."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.reader = FigureReader(vocab)
        self.years = YearReader(vocab)
        self.openers = _Openers(vocab)
        self.words = _SubjectWords(vocab)

    def __call__(self, doc: Any) -> Any:
        from kg.nlp import doc_text

        text = doc_text(doc)
        source = doc._.source_text or text
        meta = doc._.meta
        doc_year = meta.year if meta is not None else None
        out: list[tuple[str, str, float, str, int | None, str | None, Sentence]] = []
        last: Ref | None = None  # the subject of the paragraph's figure before
        for state in doc._.discourse:
            sent = state.sent
            if state.new_line:
                last = None
            ms = list(state.mentions)
            figures = self.reader.figures(text, sent, ms, source)
            if state.heading and not figures:
                continue
            carry: tuple[int, Ref] | None = None  # (part start, subject) of the figure before
            respective = _respectively(text, sent, ms, figures) if "分别" in sent.text else {}
            for fig in figures:
                part = _part_start(text, sent, fig.start)
                subj: Ref | None
                if fig.start in respective:
                    subj = respective[fig.start]  # None: the item it belongs to names nothing
                else:
                    subj = self._subject(text, state, ms, fig, carry[1] if carry and carry[0] == part else None, last)
                if subj is None or subj.type == "Agency":
                    continue  # a figure of an agency's work is about what it runs, never named here
                carry = (part, subj)
                last = subj
                year = self.years.figure_year(text[sent.start : fig.start], state.year, state.carried_year, doc_year)
                measure = self._measure(source, text, sent, sorted([*ms, *state.anaphors], key=lambda r: r.start), fig)
                out.append((subj.key, measure, fig.value, fig.unit, year, fig.qualifier, sent))
        doc._.observations = out
        return doc

    # ------------------------------------------------------------------ subject

    def _subject(
        self, text: str, state: SentenceState, ms: Sequence[Ref], fig: Figure, carry: Ref | None, last: Ref | None
    ) -> Ref | None:
        """The entity a figure is about (see the module docstring). ``carry`` is the subject of the
        figure before in the same part of the sentence, ``last`` that of the paragraph's figure before."""
        sent, at, end, unit = state.sent, fig.start, fig.end, fig.unit
        w = self.words
        clause_start = _after_last(text, "，,；;", sent.start, at)
        part_start = _part_start(text, sent, at)
        clause_end = _first(text, "，,；;。", end, sent.end)
        # 1. the program counted by the figure: 40 余个“拨投结合”项目, 近 2 亿元的科技创新券
        for m in ms:
            if end <= m.start < clause_end and m.type in DELIVERABLE and _counted(text, end, m, unit, w):
                return m
        before = [m for m in ms if m.end <= at and m.start >= part_start]
        # 1b. a place's share right after it: 其中上海 59 家
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
            if m.type not in SUBJECT_TYPES - {"Place"} or (
                m.type == "PolicyDocument" and w.regulation.search(m.text) and not self.openers.opens(text, sent.start, m)
            ):  # a regulation applied is not what is measured, unless the sentence is about it
                i -= 1
                continue
            k = _group_start(text, before, i)
            head = before[k]
            lead = text[max(sent.start, head.start - 2) : head.start]
            clause_lead = text[_after_last(text, "，,；;", sent.start, head.start) : head.start]
            tail = text[before[i].end : at]
            if (
                (w.object_mark.search(lead) and not lead.endswith("其中"))
                or _instances_counted(text, sent, head, w)
                or _CLASS_COUNT.match(text, before[i].end)
                or w.instrument_mark.match(clause_lead)
                or is_example(text, before[i], at)
                or (re.fullmatch(r"[\s*“”]*", tail) and not _counts_items(text, fig, m, k == i))  # 智邦、治臻 2 家公司
                or re.fullmatch(r"[\s*“”]*、[\s*“”]*", tail)  # 开幕式、4 场特别论坛: the list's item before, not its subject
            ):
                i = k - 1
                continue
            owner = self._owner(text, sent, ms, head)
            return owner or head
        # 2b. nothing named in this part of the sentence: the entity that opens the sentence
        if part_start > sent.start:
            opening = [m for m in ms if m.end <= part_start]
            if (
                opening
                and opening[0].type in SUBJECT_TYPES - {"Place"}
                and self.openers.opens(text, sent.start, opening[0])
                and not is_example(text, opening[0], part_start)
            ):
                return opening[0]
        # 3. an anaphor before the figure: 平台 / 该平台 / 大会 / 榜单
        for a in state.anaphors:
            if clause_start <= a.start < at:
                return a
        # 4. a target group heading the figure's clause: 高新技术企业总数超过 20000 家
        for m in reversed(before):
            if m.type == "TargetGroup" and m.start >= clause_start and not _has_figure(text[clause_start : m.start]):
                lead = text[max(sent.start, m.start - 4) : m.start]
                if not (
                    w.object_mark.search(lead) or w.counting_verb.search(lead) or _UNIT_BEFORE.search(lead)
                    or w.facility.match(text, m.end)
                ):
                    return m
        # 5. a place the clause opens with: 2019 年上海以转让…转化成果金额为 36.0 亿元
        clause_ms = [m for m in before if m.start >= clause_start]
        if clause_ms and clause_ms[0].type == "Place":
            if not re.sub(r"20\d\d\s*年度?|截至|其中|[\s，,]", "", text[clause_start : clause_ms[0].start]):
                return clause_ms[0]
        # 5b. the subject of the figure before, in this part of the sentence: …同比增长 17.5%
        if carry is not None:
            return carry
        # 6. the document a sentence cites its figures from: 根据《…报告》，2022 年度…
        for m in ms:
            if m.type == "PolicyDocument" and m.end <= at and w.source_mark.match(text[max(sent.start, m.start - 3) : m.start] or " "):
                return m
        # 7. not if the sentence turns to the document's own place: 我省共有 13 家… (unnamed)
        if w.own_place.search(text[sent.start : at]):
            return None
        # 8. what the paragraph or section is about
        if state.local is not None:
            return state.local
        # 9. the subject of the paragraph's figure before: …开展了考核评价工作，对 453 家机构进行了考核评价。
        # 经考核评价，确定 53 家机构为优秀… — unless a class or a place, said of one sentence only
        # (高新技术企业数突破 2 万家)
        if last is not None and last.type not in ("TargetGroup", "Place"):
            return last
        return None

    def _owner(self, text: str, sent: Sentence, ms: Sequence[Ref], m: Ref) -> Ref | None:
        """The organisation whose business a program is: 北京银行投贷联动业务余额 254 笔,
        汉口银行通过…开展投贷联动，累计为 136 家企业…"""
        if m.type != "Program":
            return None
        orgs = [o for o in ms if o.type == "Organization" and o.end <= m.start]
        if not orgs:
            return None
        org = orgs[-1]
        gap = text[org.end : m.start]
        if self.words.business.match(text, m.end) and re.fullmatch(r"[\s（(][^）)]*[）)]\s*|\s*", gap):
            return org  # 北京银行（601169）投贷联动业务
        for o in orgs:  # the organisation opening its clause: 八年来，汉口银行通过与风投机构开展投贷联动
            if self.openers.opens(text, _after_last(text, "，,；;", sent.start, o.start), o) and self.words.means_verb.search(text[o.end : m.start]):
                return o
        return None

    # ------------------------------------------------------------------ measure

    def _measure(self, source: str, text: str, sent: Sentence, ms: Sequence[Ref], fig: Figure) -> str:
        """What was counted, as a noun phrase: the words before the figure in its clause (授信,
        单户贷款额度), without the subject, years and qualifiers; else the noun after it
        (3983 家高新技术企业 → 高新技术企业)."""
        start, end = fig.start, fig.end
        clause_start = _after_last(text, "，,；;：:", sent.start, start)
        opening = [m for m in ms if clause_start <= m.start and m.end <= start]
        left_start = clause_start
        if opening and not text[clause_start : opening[0].start].strip(" “”*\n"):
            left_start = opening[0].end  # the subject that opens the clause is not the measure
        left = source[left_start:start]
        left = re.sub(r"(?:截[至止])?\s*20\d\d\s*年[末底度]?|全年|当年|今年|去年|上年|同比|较上年|较年初", "", left)
        left = self.reader.qual_strip.sub("", left.strip(" “”*\n，,、")).strip(" “”*\n，,、")
        left = re.sub(r"^(?:[一二三四五六七八九十]+是|其中|目前|截至目前|累计|共|已|并|和|与|及)+", "", left).strip(" “”*，,")
        after = re.match(r"[^，,；;。、（(0-9]{1,16}", source[end : min(sent.end, end + 16)])
        noun = re.split(r"(?:为|向|对|提供|发放|获得|实现|达到|的)", after.group(0))[0].strip(" “”*") if after else ""
        if len(left) >= 2 and not re.search(r"[0-9]", left):
            return left[-24:] if len(left) > 3 or not noun else left + noun
        if noun:
            return noun
        named = [m for m in ms if m.end <= start and re.fullmatch(r"[\s总数超过近约逾达为]*", text[m.end : start])]
        return source[named[-1].start : named[-1].end] if named else (left[-24:] if len(left) >= 2 else "数量")
