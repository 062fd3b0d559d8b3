"""The grammar of names that no lexicon lists (private to ``kg.entities``).

:class:`NameGrammar` is built from the vocabulary (``ontology/names.toml``): suffix
classes and their types, stop and generic words, and ``walk_left`` — from a name's
last token back to where the name starts. jieba's part-of-speech dictionary tells
verbs, function words and nouns apart.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from kg._jiebadict import word_tags  # jieba's part-of-speech dictionary, cached
from kg.vocab import Vocabulary

K = TypeVar("K")
V = TypeVar("V")

__all__ = ["CACHE_LIMIT", "CJK", "Cand", "NameGrammar", "Tokens", "remember", "word_tags"]

CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
NAME_CHAR = re.compile(rf"[{CJK}A-Za-z0-9·\-/+&]")
_LATIN = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"[0-9]")
NAME_RUN = re.compile(rf"[{CJK}A-Za-z0-9·\-/+&]+")


@dataclass(frozen=True)
class Cand:
    """A candidate name: ``[start, end)`` in the analysed text, its type and what found it."""

    start: int
    end: int
    type: str
    rule: str
    canonical: str | None = None
    priority: int = 0  # higher wins among spans of equal length


#: How many texts a text-keyed cache keeps before it starts again: a build reads texts without end.
CACHE_LIMIT = 1 << 16


def remember(cache: dict[K, V], key: K, value: V) -> V:
    """``cache[key] = value``, emptying ``cache`` first when it holds :data:`CACHE_LIMIT` entries."""
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


class Tokens(list):  # type: ignore[type-arg]
    """``(start, end)`` tokens with indexes by start and end offset.

    ``Tokens.of(starts, ends)`` makes them from the two lists of offsets (which it keeps).
    """

    def __init__(self, tokens: Iterable[tuple[int, int]]) -> None:
        super().__init__(tokens)
        self.starts = [s for s, _ in self]
        self.ends = [e for _, e in self]

    @classmethod
    def of(cls, starts: list[int], ends: list[int]) -> Tokens:
        tokens = cls.__new__(cls)
        list.__init__(tokens, zip(starts, ends, strict=True))
        tokens.starts, tokens.ends = starts, ends
        return tokens

    def starting_at(self, pos: int) -> int | None:
        """Index of the token that starts at ``pos``, if one does."""
        i = bisect.bisect_left(self.starts, pos)
        return i if i < len(self.starts) and self.starts[i] == pos else None

    def ending_at(self, pos: int) -> int | None:
        """Index of the token that ends at ``pos``, if one does."""
        i = bisect.bisect_left(self.ends, pos)
        return i if i < len(self.ends) and self.ends[i] == pos else None

    def texts(self, text: str, start: int, end: int) -> list[str]:
        """The texts of the tokens overlapping ``[start, end)``, cut to it."""
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        return [text[max(s, start) : min(e, end)] for s, e in self[i : bisect.bisect_left(self.starts, end)] if e > start]

    def at_or_before(self, pos: int) -> int:
        """Index of the last token starting at or before ``pos`` (-1 if none)."""
        return bisect.bisect_right(self.starts, pos) - 1


@functools.lru_cache(maxsize=65536)
def is_name_token(tok: str) -> bool:
    """Is every character of ``tok`` one that names are made of?"""
    return bool(tok) and NAME_RUN.fullmatch(tok) is not None


class _Part(NamedTuple):
    """What :meth:`NameGrammar.walk_left` reads from a token's text alone."""

    ordinal: bool  # 第九
    place: bool  # a place word (首都)
    verb: bool  # a verb that is not a name's own (服务 is)
    ends: bool  # the name cannot go on left of it: a stop word, a function word, a number, a verb…
    stop_char: bool  # a stop character glued to a word jieba does not know (获贷): the name starts after it
    verb_phrase: bool  # 继续加强, 大力推进: a verb phrase ends the name
    leads: bool  # a clause-initial verb or adjective governs the name, it is not part of it (打造, 健全)


class NameGrammar:
    """Suffixes, generic words and the token walk, read from a :class:`~kg.vocab.Vocabulary`.

    ``places`` are the place names known to the lexicon and the division list: a place
    in a prefix makes a name specific (江苏省 + 技术市场), a place alone does not make a
    name of a weak suffix (上海 + 中心).
    """

    def __init__(self, vocab: Vocabulary, places: frozenset[str] = frozenset()) -> None:
        self.vocab = vocab
        self.places = places
        self.suffixes: list[tuple[str, str]] = sorted(
            ((s, t) for t, ss in vocab.suffixes.items() for s in ss), key=lambda st: (-len(st[0]), st[0])
        )
        import ahocorasick

        self.suffix_automaton = ahocorasick.Automaton()
        for sfx, etype in self.suffixes:
            self.suffix_automaton.add_word(sfx, (sfx, etype))
        self.suffix_automaton.make_automaton()
        self.leading_trim = re.compile(vocab.leading_trim)
        self._markers = re.compile("|".join(map(re.escape, vocab.specific_markers)) or "(?!)")  # 国家, 中国 …
        self._continuation = tuple(vocab.suffix_continuation)
        self._event_ends = frozenset(sfx[-1] for sfx in vocab.suffixes.get("Event", ()))  # 赛 会 坛 …
        self._generic_cache: dict[str, bool] = {}
        self._suffix_cache: dict[str, tuple[str, str] | None] = {}
        self._refined: dict[tuple[str, str], str] = {}
        self._has_place: dict[str, bool] = {}
        self.part_of = functools.lru_cache(maxsize=CACHE_LIMIT)(self._part_of)  # by token text, bounded
        import ahocorasick

        self._place_automaton = ahocorasick.Automaton()
        for name in self.places:
            if len(name) >= 2:
                self._place_automaton.add_word(name, name)
        if self.places:
            self._place_automaton.make_automaton()

    # ------------------------------------------------------------------ suffixes

    def suffix_of(self, name: str) -> tuple[str, str] | None:
        """``(suffix, type)`` of the longest suffix ``name`` ends with."""
        if name in self._suffix_cache:
            return self._suffix_cache[name]
        hit = next(((sfx, etype) for sfx, etype in self.suffixes if name.endswith(sfx)), None)
        return remember(self._suffix_cache, name, hit)

    def suffix_type(self, name: str) -> str | None:
        """The entity type a name's suffix suggests (``None`` when it has none)."""
        hit = self.suffix_of(name)
        return hit[1] if hit else None

    def refine(self, etype: str, suffix: str) -> str:
        """The subtype a suffix gives (大学 → University, 贷 → LoanProduct), if it fits ``etype``."""
        key = (etype, suffix)
        if key not in self._refined:
            self._refined[key] = self._refine(etype, suffix)
        return self._refined[key]

    def _refine(self, etype: str, suffix: str) -> str:
        from kg.model import base_type

        sub = self.vocab.subtypes.get(suffix)
        if sub is None:
            sub = next((t for s, t in self.vocab.subtypes.items() if suffix.endswith(s) and len(s) > 1), None)
        return sub if sub is not None and base_type(sub) == etype else etype

    def continues(self, text: str, pos: int) -> bool:
        """A suffix followed by characters that make it part of a longer word (大学生, 中心城区)."""
        nxt = text[pos : pos + 2]
        return nxt.startswith(self._continuation) and not nxt.startswith(self.vocab.suffix_continuation_except)

    # ------------------------------------------------------------------ generic and specific

    def generic(self, tok: str) -> bool:
        """A token made only of generic words (龙头企业 = 龙头 + 企业)."""
        hit = self._generic_cache.get(tok)
        if hit is not None:
            return hit
        gen = self.vocab.generic
        ok = [True] + [False] * len(tok)
        for i in range(1, len(tok) + 1):
            ok[i] = any(ok[j] and tok[j:i] in gen for j in range(max(0, i - 5), i))
        return remember(self._generic_cache, tok, ok[-1])

    def is_place(self, tok: str) -> bool:
        """A known place or a place word (海外, 全球)."""
        return tok in self.places or tok in self.vocab.place_words

    def has_place(self, prefix: str) -> bool:
        """Does ``prefix`` hold a known place name of two or more characters?"""
        hit = self._has_place.get(prefix)
        if hit is None:
            hit = next(iter(self._place_automaton.iter(prefix)), None) is not None if self.places else False
            remember(self._has_place, prefix, hit)
        return hit

    def specific(self, prefix: str, tokens: list[str], etype: str, suffix: str) -> bool:
        """Is the part before the suffix a proper name rather than a generic description?"""
        core = [t for t in tokens if t.strip()]
        if not core:
            return False
        if etype == "Agency" and len(prefix) == 1:
            return prefix in "市区省县镇"  # 区科委, not 我委 / 本委
        if "“" in prefix and "”" in prefix:
            return True  # a quoted element makes a name: 全球技术供需对接“立体”网络
        markers = self.vocab.specific_markers
        if suffix in self.vocab.weak_suffixes:  # a place alone does not make 国际科创中心 or 海外项目 a name
            core = [t for t in core if not any(t.startswith(m) for m in markers) and not self.is_place(t)]
            return any(not self.generic(t) and not t.isdigit() for t in core)
        if self._markers.search(prefix) or self.has_place(prefix):
            return True
        if _LATIN.search(prefix):
            return True
        if any(not self.generic(t) and not t.isdigit() for t in core):
            return len(prefix) >= (1 if etype in ("Organization", "Agency") else 2)
        # all-generic prefixes: program and event suffixes still make names (科技创新计划)
        return etype in ("Program", "Event") and suffix in self.vocab.generic_ok_suffixes and len(prefix) >= 4

    # ------------------------------------------------------------------ the walk

    def _part_of(self, tok: str) -> _Part:
        """What ``walk_left`` reads from a token's text alone (cached: ``self.part_of``)."""
        v, tags = self.vocab, word_tags()
        tag = tags.get(tok, "")
        verb = tag[:1] == "v" and tok not in v.name_verbs
        return _Part(
            ordinal=_ORDINAL.fullmatch(tok) is not None,
            place=tok in v.place_words and tok not in v.stop_tokens,
            verb=verb,
            ends=bool(
                (tok in v.stop_tokens and tok not in v.name_verbs_inside)
                or not is_name_token(tok)
                or tags.get(tok, "x").startswith(v.stop_tags)
                or verb
                or (_DIGIT.search(tok) and not _LATIN.search(tok))
                or (len(tok) > 1 and tok[0] in "余多" and tok[1] in "个家项场次批类所位名")
            ),
            stop_char=len(tok) > 1 and tok[0] in v.stop_chars and tok not in tags,
            verb_phrase=len(tok) > 2 and any(tok.endswith(w) for w in (tok[-2:], tok[-3:]) if w in v.stop_tokens),
            leads=(
                (tag.startswith("v") and tag != "vn" and (tok in v.name_verbs or tok in v.stop_tokens))
                or tag == "a"
                or tok in v.stop_tokens
                or tok in v.leading_verbs
            ),
        )

    def _governs(self, text: str, token: tuple[int, int], tags: dict[str, str]) -> bool:
        """A governing verb: what comes after it is its object."""
        tok = text[token[0] : token[1]]
        return tags.get(tok, "")[:1] == "v" and tok not in self.vocab.name_verbs

    def walk_left(self, text: str, tokens: Tokens, first: int, etype: str | None = None) -> int:
        """Start offset of a name whose last token is ``tokens[first]``: walk left while tokens look like name parts.

        ``etype`` is the type the suffix gives: 和 may join two words of a body's name
        (工业和信息化局), 暨 two parts of an event's (成果对接暨…研讨会).
        """
        v = self.vocab
        tags = word_tags()
        start = tokens[first][0]
        j = first - 1
        while j >= 0:
            s, e = tokens[j]
            gap = text[e:start]
            if gap and not (gap == " " and (text[e - 1].isascii() or text[start].isascii())):
                break
            tok = text[s:e]
            if tok == "”":  # a quoted element glued to the name: “创·在上海”国际创新创业大赛
                q = text.rfind("“", max(0, s - 16), s)
                if q >= 0 and "\n" not in text[q:s]:
                    start = q  # and go on: 全球技术供需对接“立体”网络
                    j = tokens.at_or_before(q) - 1
                    if j >= 0 and tokens[j][1] == q and is_name_token(text[tokens[j][0] : tokens[j][1]]):
                        continue
                    break
                break
            if tok in ("）", ")"):
                ps = _paren_group(text, s)
                if ps is not None and ps > 0 and NAME_CHAR.match(text[ps - 1]):
                    start = ps
                    j = tokens.at_or_before(ps) - 1
                    continue
                break
            if tok in ("类", "型") and j > 0:
                prev = text[tokens[j - 1][0] : tokens[j - 1][1]]
                if is_name_token(prev) and prev[-1] not in "0123456789一二三四五六七八九十两几各大多":
                    start = s  # 技术服务类科技创新券: a subtype, not 三大类 / 各类
                    j -= 1
                    continue
            part = self.part_of(tok)
            if part.ordinal and first - j >= 1 and text[e] not in "大届批期次个名位":
                start = s  # an ordinal inside a name: 中国水利水电第九工程局有限公司
                j -= 1
                continue
            if tok[0] == "暨" and j > 0:
                before = text[tokens[j - 1][0] : s]
                if etype == "Event" and self.suffix_of(before) is None and before[-1:] not in self._event_ends:
                    start = s  # 暨 inside one name: 成果对接暨…研讨会 (what precedes it names nothing alone)
                    j -= 1
                    continue
                if tok != "暨":
                    start = s + 1  # 暨 joins two names, even where jieba glues it to the next word (专题赛暨大…)
                break
            if tok == "和" and etype == "Agency" and j > 0 and first - j >= 1:
                prev = text[tokens[j - 1][0] : tokens[j - 1][1]]
                if (
                    is_name_token(prev)
                    and self.suffix_of(prev) is None
                    and prev not in v.stop_tokens
                    and not tags.get(prev, "x").startswith(v.stop_tags)
                ):
                    start = s  # 和 inside a body's name: 科技和工业信息发展局 (not 市科委和市财政局)
                    j -= 1
                    continue
            if tok == "之" and j > 0 and first - j >= 1:
                prev = text[tokens[j - 1][0] : tokens[j - 1][1]]
                if is_name_token(prev) and not tags.get(prev, "x").startswith(v.stop_tags) and prev not in v.stop_tokens:
                    start = s  # 之 inside a name: 创新之路建设专题研讨会, 科创之星
                    j -= 1
                    continue
            if part.place:
                start = s  # a place word whatever jieba tags it (首都 is an adverb there)
                j -= 1
                continue
            if (
                part.verb
                and tok not in v.stop_tokens
                and j > 0
                and self._governs(text, tokens[j - 1], tags)
                and first - j >= 2  # more of the name follows: 启明 + 技术转移服务 + 平台
            ):
                start = s  # a verb-like word right after a governing verb starts the name: 搭建启明…平台
                break
            if part.ends:
                break
            if part.stop_char:
                start = s + 1
                break
            if part.verb_phrase:
                break  # 继续加强, 大力推进: a verb phrase ends the name
            if tokens[first][1] - s > 32:
                break
            start = s
            j -= 1
        # clause-initial verbs govern the name, they are not part of it: 打造X平台, 健全X数据库
        while True:
            k = tokens.starting_at(start)
            if k is None or k >= first:
                break
            if self.part_of(text[tokens[k][0] : tokens[k][1]]).leads:
                start = tokens[k + 1][0]
                continue
            break
        return start


_ORDINAL = re.compile("第[一二三四五六七八九十0-9]{1,3}")
_SHORT_CJK = re.compile(rf"[{CJK}]{{1,4}}")


def _paren_group(text: str, close: int) -> int | None:
    """Start of a short ``（…）`` group closing at ``close``, if it holds a short name."""
    for opener in ("（", "("):
        o = text.rfind(opener, max(0, close - 6), close)
        if o >= 0 and _SHORT_CJK.fullmatch(text[o + 1 : close]):
            return o
    return None


def pieces(text: str) -> list[str]:
    """Split ``text`` into dictionary words, longest first from the left."""
    tags, out, i = word_tags(), [], 0
    while i < len(text):
        k = next((k for k in (4, 3, 2) if text[i : i + k] in tags), 1)
        out.append(text[i : i + k])
        i += k
    return out


def tokens_of(spans: Sequence[tuple[int, int]]) -> Tokens:
    """``Tokens`` from ``(start, end)`` pairs (already ``Tokens``: returned as is)."""
    return spans if isinstance(spans, Tokens) else Tokens(spans)
