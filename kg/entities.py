"""Mention finding: the curated lexicon plus name patterns → typed mentions.

Two sources of names, merged by preferring the longer span:

* the lexicon (``ontology/lexicon.tsv``), scanned at character level with an
  Aho-Corasick automaton over a space-free, NFKC view of the text, so a known
  name is found whatever the segmenter does around it;
* patterns for names no lexicon lists: 《titles》 (with a following standard
  number such as ``(DB31/T1284—2021)``), “quoted” product names, names ending
  in an organisation / platform / program / event / place suffix (the start of
  the name is found by walking back over jieba tokens until a governing verb,
  function word or punctuation), and persons (header addressees, ``X委员``,
  ``习近平总书记``).

All offsets are into ``Document.clean``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from kg._names import (
    _AFTER_QUOTE_WORDS,
    _CJK,
    _CONTACT,
    _LEADING_TRIM,
    _NAME_CHAR,
    _PAREN_PLACE,
    _PERSON_TITLE,
    _PROGRAM_QUOTED_SUFFIX,
    _QUOTED,
    _STANDARD,
    _SUFFIX_LIST,
    _SUFFIX_START,
    _SUFFIXES_BY_FIRST,
    _SURNAMES,
    _TITLE,
    SEGMENTATION_WORDS,
    _as_tokens,
    _Cand,
    _generic,
    _is_name_token,
    _norm_char,
    _refine,
    _Span,
    _specific,
    _suffix_continues,
    _walk_left,
    _word_tags,
    suffix_type,
)
from kg.model import Mention

if TYPE_CHECKING:
    from kg.lexicon import Lexicon

__all__ = [
    "MentionFinder",
    "SEGMENTATION_WORDS",
    "find_pattern_mentions",
    "select_mentions",
    "suffix_type",
]

# --------------------------------------------------------------------------- lexicon scan


class _LexiconScanner:
    """Aho-Corasick over a space-free, NFKC, lower-cased view of the text."""

    def __init__(self, lexicon: Lexicon) -> None:
        import ahocorasick

        self.automaton = ahocorasick.Automaton()
        for entry in lexicon.entries:
            for name in entry.names:
                self._add(name, (entry.type, entry.label))
        for phrase in lexicon.blocked():  # 科技部门 is not 科技部: the longer phrase wins and yields nothing
            self._add(phrase, ("", ""))
        self.automaton.make_automaton()

    def _add(self, name: str, value: tuple[str, str]) -> None:
        key = re.sub(r"[《》“”\"']", "", "".join(_norm_char(c) for c in name if not c.isspace()))
        if len(key) >= 2:
            self.automaton.add_word(key, (len(key), *value))

    def scan(self, text: str) -> list[_Cand]:
        index = [m.start() for m in _SCANNED.finditer(text)]
        folded = text.translate(_FOLD)  # NFKC + lower case, one character for one
        squeezed = "".join([folded[i] for i in index])
        found = []
        for end, (length, etype, label) in self.automaton.iter(squeezed):
            s = end - length + 1
            start, stop = index[s], index[end] + 1
            if _cuts_latin(text, start, stop):
                continue
            surface = text[start:stop]  # keep quote marks balanced: “双一流”建设
            if surface.count("”") > surface.count("“") and text[start - 1 : start] == "“":
                start -= 1
            elif surface.count("“") > surface.count("”") and text[stop : stop + 1] == "”":
                stop += 1
            found.append(_Cand(start, stop, etype, "lexicon", label, priority=10))
        return found


_SCANNED = re.compile(r"[^\s“”\"']")
#: NFKC + lower-casing for the characters where it changes one character into one other.
_FOLD = {
    cp: folded
    for cp in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x2000, 0x3100), *range(0xF900, 0xFB00), *range(0xFE30, 0xFFF0)]
    if (folded := _norm_char(chr(cp))) != chr(cp)
}


def _cuts_latin(text: str, start: int, end: int) -> bool:
    """True when a span starts or ends inside a Latin word (``EEN`` in ``GREEN``)."""
    left = start > 0 and text[start - 1].isascii() and text[start - 1].isalnum()
    right = end < len(text) and text[end].isascii() and text[end].isalnum()
    return (left and text[start].isascii() and text[start].isalnum()) or (
        right and text[end - 1].isascii() and text[end - 1].isalnum()
    )


# --------------------------------------------------------------------------- patterns


def _titles(text: str) -> Iterable[_Cand]:
    for m in _TITLE.finditer(text):
        end = m.end()
        std = _STANDARD.match(text, end)
        yield _Cand(m.start(), end, "PolicyDocument", "pattern:title", priority=20)
        if std:
            s = std.start(1)
            yield _Cand(s, std.end(1), "PolicyDocument", "pattern:standard", priority=20)


def _quoted(text: str) -> Iterable[_Cand]:
    for m in _QUOTED.finditer(text):
        inner = m.group(1).strip()
        after = text[m.end() : m.end() + 12]
        word = next((w for w in sorted(_AFTER_QUOTE_WORDS, key=len, reverse=True) if after.startswith(w)), None)
        if word:
            etype = suffix_type(word) or ("PolicyDocument" if word in ("政策文件", "总规") else "Program")
            if word.endswith("大赛"):
                etype = "Event"
            yield _Cand(m.start(), m.end() + len(word), etype, "pattern:quoted+suffix", priority=1)
        elif inner.endswith(_PROGRAM_QUOTED_SUFFIX) and 2 <= len(inner) <= 10:
            sfx = next(s for s in _PROGRAM_QUOTED_SUFFIX if inner.endswith(s))
            yield _Cand(m.start(1), m.end(1), _refine("Program", inner, sfx), "pattern:quoted", priority=1)
        elif len(inner) >= 3 and suffix_type(inner) and not re.search(r"[，。、]", inner):
            etype = suffix_type(inner) or "Program"
            sfx = next(s for s, _ in _SUFFIX_LIST if inner.endswith(s))
            head = inner[: len(inner) - len(sfx)]
            tags = _word_tags()
            if _generic(head) or any(tags.get(head[:k], "")[:1] in ("v", "d", "a") for k in (1, 2, 3)):
                continue
            yield _Cand(m.start(1), m.end(1), _refine(etype, inner, sfx), "pattern:quoted", priority=1)


def _suffix_names(
    text: str,
    tokens: Sequence[tuple[int, int]],
    places: frozenset[str] = frozenset(),
    known: frozenset[str] = frozenset(),
) -> Iterable[_Cand]:
    """Names that end in a known suffix; the start is found by walking back over tokens."""
    tokens = _as_tokens(tokens)
    ends = tokens.by_end
    for hit in _SUFFIX_START.finditer(text):
        for suffix, etype in _SUFFIXES_BY_FIRST[hit.group()]:
            if not text.startswith(suffix, hit.start()):
                continue
            if hit.start() == 0 or not _NAME_CHAR.match(text[hit.start() - 1]) or text[hit.start() - 1].isdigit():
                if text[hit.start() - 1 : hit.start()] not in ("”", "）", ")"):
                    continue  # nothing before the suffix can be part of a name
            m = _Span(hit.start(), hit.start() + len(suffix))
            ti = ends.get(m.end())
            if ti is None or _suffix_continues(text, m.end()):
                continue  # the suffix is inside a longer word (大学生, 中心城区)
            end = m.end()
            if etype == "Event":  # a trailing place qualifier: 中国创新挑战赛(上海)
                pq = _PAREN_PLACE.match(text, end)
                if pq:
                    end = pq.end()
            first = ti
            while first > 0 and tokens[first][0] > m.start():
                first -= 1
            if tokens[first][0] < m.start() and not _is_name_token(text[tokens[first][0] : m.start()]):
                continue
            word = text[tokens[first][0] : m.end()]
            if len(suffix) == 1 and word != suffix and word in _word_tags() and word not in known:
                continue  # 布局, 格局, 展厅: a common word, not a name suffix
            start = _walk_left(text, tokens, first)
            trim = _LEADING_TRIM.match(text, start)
            if trim:
                start = trim.end()
            while start < m.start() and text[start] in " 　-—·":
                start += 1
            if start >= m.start():
                continue
            prefix = text[start : m.start()]
            if (
                "级" in prefix
                or "\n" in prefix
                or text[start - 1 : start] == "级"
                or re.search("有关|相关|各类|一批", prefix)
            ):
                continue
            toks = [text[max(s, start) : min(e, m.start())] for s, e in tokens.covering(start, m.start())]
            subtype = re.search(r"[类型](.+)$", text[start:end])
            if not (subtype and subtype.group(1) in known) and not _specific(prefix, toks, etype, suffix):
                continue
            if prefix in places and etype not in ("Agency", "Place") and suffix != "代表团":
                continue  # 韩国公司, 上海企业: a place and a class noun
            yield _Cand(
                start, end, _refine(etype, text[start:end], suffix), f"pattern:suffix:{suffix}",
                priority=len(suffix),
            )


def _persons(text: str, addressees: Sequence[str]) -> Iterable[_Cand]:
    for m in _PERSON_TITLE.finditer(text):
        name = m.group(1)
        if name.endswith(("等", "的")):
            continue
        # keep the last 2-3 chars that start with a surname
        for k in (3, 2):
            cand = name[-k:] if len(name) >= k else None
            if cand and cand[0] in _SURNAMES and (k == 2 or cand[:1] != cand[1:2]):
                start = m.end(1) - k
                if start > 0 and text[start - 1] in "的在与和是由向对":
                    pass
                yield _Cand(start, m.end(1), "Person", "pattern:person-title")
                break
    for m in _CONTACT.finditer(text):
        yield _Cand(m.start(1), m.end(1), "Person", "pattern:contact")
    for name in addressees:
        if 2 <= len(name) <= 3 and name[0] in _SURNAMES and not suffix_type(name):
            for m in re.finditer(re.escape(name), text):
                yield _Cand(m.start(), m.end(), "Person", "pattern:addressee", priority=2)


_LIST_TAIL = re.compile(
    r"(?:等)?\s*(?:近|约|超过|超|逾)?\s*[0-9一二三四五六七八九十百千]*\s*(?:余|多)?\s*[家个所]?\s*(?:一批)?"
    r"(?:行业|知名|重点|龙头|领军|头部|优质)?(?:领军|龙头)?"
    r"(?P<head>大企业|企业|公司|集团|高校|大学|银行|院所)"
)
_LIST_TYPES = {"高校": "University", "大学": "University", "银行": "Bank", "院所": "ResearchInstitute"}


def _list_members(text: str, tokens: Sequence[tuple[int, int]]) -> Iterable[_Cand]:
    """Members of an enumeration that ends in a class noun: 阿斯利康、威高集团、华润医商等近 60 家大企业."""
    tokens = _as_tokens(tokens)
    starts = tokens.by_start
    for m in re.finditer("、", text):
        # only the last separator of a list: what follows the last item is the class noun
        nxt = text.find("、", m.end(), m.end() + 12)
        if nxt != -1 and not re.search(r"[，。；：\n]", text[m.end() : nxt]):
            continue
        last = re.match(rf"[{_CJK}A-Za-z0-9]{{2,10}}?(?=等|\s*[0-9一二三四五六七八九十]+\s*[家个所])", text[m.end() : m.end() + 12])
        if not last:
            continue
        tail = _LIST_TAIL.match(text, m.end() + last.end())
        if not tail:
            continue
        etype = _LIST_TYPES.get(tail.group("head"), "Organization")
        items = [(m.end(), m.end() + last.end())]
        pos = m.start()
        while True:
            prev = text.rfind("、", max(0, pos - 12), pos)
            seg_start = prev + 1 if prev != -1 else None
            if seg_start is not None and re.fullmatch(rf"[{_CJK}A-Za-z0-9]{{2,10}}", text[seg_start:pos]):
                items.append((seg_start, pos))
                pos = prev
                continue
            # the first item: from the end of the governing verb or punctuation
            k = tokens.by_end.get(pos)
            if k is not None:
                first_start = _walk_left(text, tokens, k)
                if first_start < pos and first_start in starts:
                    items.append((first_start, pos))
            break
        if len(items) < 2:
            continue
        for s0, e0 in items:
            name = text[s0:e0]
            sfx = next((x for x, _ in _SUFFIX_LIST if name.endswith(x)), "")
            head = name[: len(name) - len(sfx)]
            if _generic(name) or not head or _generic(head) or suffix_type(name) in ("Agency", "Place", "Event", "Program"):
                continue
            yield _Cand(s0, e0, _refine(suffix_type(name) or etype, name, ""), "pattern:list-member")


def find_pattern_mentions(
    text: str,
    tokens: Sequence[tuple[int, int]],
    *,
    addressees: Sequence[str] = (),
    places: frozenset[str] = frozenset(),
    known: frozenset[str] = frozenset(),
) -> list[_Cand]:
    """Candidate names found by pattern (no lexicon), as ``_Cand`` spans of ``text``."""
    tokens = _as_tokens(tokens)
    out: list[_Cand] = []
    out.extend(_titles(text))
    out.extend(_quoted(text))
    out.extend(_suffix_names(text, tokens, places, known))
    out.extend(_persons(text, addressees))
    out.extend(_list_members(text, tokens))
    return out


def select_mentions(cands: Iterable[_Cand], text: str = "") -> list[_Cand]:
    """Non-overlapping spans: longest first, then by priority (titles > lexicon > patterns).

    A pattern name that only prepends words to a known name (研究 + 上海市科学技术委员会)
    is dropped unless what it prepends is itself a known name (闵行区 + 大零号湾…).
    """
    cands = list(cands)
    known = [c for c in cands if c.rule == "lexicon"]
    by_end: dict[int, list[_Cand]] = {}
    for c in known:
        by_end.setdefault(c.end, []).append(c)
    cands = [c for c in cands if not _prepends_words(c, by_end.get(c.end, ()), known, text)]
    chosen: list[_Cand] = []
    taken = bytearray(max((c.end for c in cands), default=0))
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), -c.priority, c.start, c.type)):
        if any(taken[c.start : c.end]):
            continue
        chosen.append(c)
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
    return sorted(chosen, key=lambda c: (c.start, c.end))


def _prepends_words(c: _Cand, same_end: Iterable[_Cand], known: Sequence[_Cand], text: str) -> bool:
    if c.rule == "lexicon" or not c.rule.startswith("pattern:suffix"):
        return False
    for k in same_end:
        if k.start > c.start:
            added = text[c.start : k.start]
            if re.search(r"[类型]$", added):
                return False  # a subtype: 技术服务类科技创新券
            added = re.split(r"[类型]", added)[-1]  # 技术服务类 + 东湖 + 创新券: judge 东湖
            if any(x.start == c.start and x.end <= k.start for x in known):
                return False  # a known name before it: 闵行区 + 大零号湾…
            # a proper name before it makes another thing (东湖 + 创新券); a verb or a generic word does not
            pieces = _pieces(added)
            function = any((_word_tags().get(w) or "n")[:1] in ("v", "p", "d", "c", "u", "r", "m", "q") for w in pieces)
            return _generic(added) or function or not any(_nominal(w) for w in pieces)
    return False


def _pieces(text: str) -> list[str]:
    """Split ``text`` into dictionary words, longest first from the left."""
    tags, out, i = _word_tags(), [], 0
    while i < len(text):
        k = next((k for k in (4, 3, 2) if text[i : i + k] in tags), 1)
        out.append(text[i : i + k])
        i += k
    return out


def _nominal(word: str) -> bool:
    """A noun-like word (or an unknown one): 东湖, 甬江; not 经, 研究, 支持."""
    tag = _word_tags().get(word)
    return tag is None and len(word) > 1 or (tag or "").startswith(("n", "j", "s")) and not _generic(word)
    return False


# --------------------------------------------------------------------------- component


def _doc_tokens(doc: Any) -> list[tuple[int, int]]:
    """``(start, end)`` of the non-space tokens of a spaCy Doc."""
    return [(t.idx, t.idx + len(t)) for t in doc if not t.is_space]


class MentionFinder:
    """spaCy component: finds typed mentions and stores them in ``doc._.mentions``.

    Mentions are also set as ``doc.spans["stikg"]`` where they align with tokens.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.scanner = _LexiconScanner(lexicon)
        self.places = frozenset(n for e in lexicon.entries if e.base_type == "Place" for n in e.names)
        self.known = frozenset(n for e in lexicon.entries for n in e.names)

    def __call__(self, doc: Any, addressees: Sequence[str] = ()) -> Any:
        text = doc.user_data.get("text") or doc.text  # Doc.text re-joins every token: read it once, upstream
        tokens = _doc_tokens(doc)
        addressees = addressees or (doc.user_data.get("addressees") or ())
        cands = self.scanner.scan(text)
        cands.extend(find_pattern_mentions(text, tokens, addressees=addressees, places=self.places, known=self.known))
        mentions = []
        spans = []
        for c in select_mentions(cands, text):
            if not c.type:
                continue  # a blocked phrase
            surface = text[c.start : c.end]
            canonical = c.canonical
            if canonical is None and c.rule != "lexicon":
                entry = self.lexicon.by_name(surface)
                if entry is not None:
                    canonical = entry.label
            mentions.append(
                Mention(
                    doc=doc.user_data.get("doc_id", ""),
                    start=c.start,
                    end=c.end,
                    text=surface,
                    type=c.type,
                    rule=c.rule,
                    canonical=canonical,
                )
            )
            span = doc.char_span(c.start, c.end, label=c.type)
            if span is not None:
                spans.append(span)
        doc._.mentions = mentions
        doc.spans["stikg"] = spans
        return doc
