"""Mention finding: three spaCy components that turn text into typed name spans.

* ``stikg_lexicon_ruler_v1`` — the curated lexicon (``ontology/lexicon.tsv``) and the
  gazetteer of China's divisions and regions (``kg.divisions``), scanned at character
  level with an Aho-Corasick automaton over a space-free, NFKC view of the text, so a
  known name is found whatever the segmenter does around it;
* ``stikg_name_patterns_v1`` — names no list holds: 《titles》 (with a following standard
  or document number), “quoted” products, names ending in a suffix of
  ``ontology/names.toml`` (the start found by walking back over jieba tokens),
  government bodies (place + body name), members of enumerations, and persons
  (a surname with a title, a verb of speech or a header field — never a list of people);
* ``stikg_mentions_v1`` — the longest non-overlapping candidates, in priority order
  (titles > lexicon > patterns), as ``doc.spans["stikg_mentions"]`` (label = type,
  ``doc._.mention_info`` gives each span's rule and canonical name); tokens are split where a name boundary falls
  inside one, so every mention is a whole-token span.

Candidates travel between them as ``doc._.name_candidates``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from kg._names import (
    CJK,
    NAME_CHAR,
    Cand,
    NameGrammar,
    Tokens,
    is_name_token,
    pieces,
    word_tags,
)
from kg.names import DROP_CHARS, QUOTE_MARKS, fold_char

if TYPE_CHECKING:
    from kg.divisions import Divisions
    from kg.lexicon import Lexicon
    from kg.model import DocumentMeta
    from kg.vocab import Vocabulary

__all__ = [
    "KNOWN_RULES",
    "NESTED",
    "LexiconRuler",
    "MentionSelector",
    "NamePatterns",
    "select_mentions",
]

#: Rules of candidates whose name a list vouches for.
KNOWN_RULES = frozenset({"lexicon", "gazetteer"})

# --------------------------------------------------------------------------- lexicon + gazetteer


class LexiconRuler:
    """spaCy component: lexicon and gazetteer names, found at character level."""

    def __init__(self, lexicon: Lexicon, divisions: Divisions | None) -> None:
        import ahocorasick

        self.automaton = ahocorasick.Automaton()
        known: set[str] = set()
        for entry in lexicon.entries:
            for name in entry.names:
                known.add(self._add(name, (entry.type, entry.label, "lexicon")))
        for phrase in lexicon.blocked():  # 科技部门 is not 科技部: the longer phrase wins and yields nothing
            self._add(phrase, ("", "", "lexicon"))
        if divisions is not None:
            for place in divisions.entries:
                keys = {_scan_key(n) for n in (place.label, *place.aliases)}
                if keys & known:
                    continue  # the lexicon knows this place, with its own aliases
                for name in (place.label, *place.aliases):
                    self._add(name, ("Place", place.label, "gazetteer"))
        self.automaton.make_automaton()

    def _add(self, name: str, value: tuple[str, str, str]) -> str:
        key = _scan_key(name)
        if len(key) >= 2:
            self.automaton.add_word(key, (len(key), *value))
        return key

    def scan(self, text: str) -> list[Cand]:
        """Every occurrence of a listed name in ``text`` (overlaps included)."""
        squeezed = text.translate(_SQUEEZE)  # folded (NFKC, lower case) and without what names drop
        # squeezed position p is original position p + (how many dropped characters come before it)
        after_drop = [d - i for i, d in enumerate(m.start() for m in _DROP_RE.finditer(text))]

        def original(p: int) -> int:
            return p + bisect.bisect_right(after_drop, p)

        found = []
        for end, (length, etype, label, rule) in self.automaton.iter(squeezed):
            start, stop = original(end - length + 1), original(end) + 1
            if _cuts_latin(text, start, stop):
                continue
            surface = text[start:stop]  # keep quote marks balanced: “双一流”建设
            if surface.count("”") > surface.count("“") and text[start - 1 : start] == "“":
                start -= 1
            elif surface.count("“") > surface.count("”") and text[stop : stop + 1] == "”":
                stop += 1
            found.append(Cand(start, stop, etype, rule, label or None, priority=10 if rule == "lexicon" else 8))
        return found

    def __call__(self, doc: Any) -> Any:
        from kg.nlp import doc_text

        doc._.name_candidates = (doc._.name_candidates or []) + self.scan(doc_text(doc))
        return doc


def _scan_key(name: str) -> str:
    """A name as the scanner sees it: folded character by character, without what names drop."""
    return "".join(f for c in name if c not in DROP_CHARS and (f := fold_char(c)) not in QUOTE_MARKS)


#: The characters the scanner skips (names drop whitespace and quote marks, see kg.names).
_DROP_RE = re.compile("[" + re.escape(DROP_CHARS) + "]")
#: NFKC + lower-casing for the characters where it changes one character into one other.
_FOLD = {
    cp: folded
    for cp in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x2000, 0x3100), *range(0xF900, 0xFB00), *range(0xFE30, 0xFFF0)]
    if (folded := fold_char(chr(cp))) != chr(cp)
}
#: Folding and dropping in one ``str.translate``.
_SQUEEZE: dict[int, str | None] = {**_FOLD, **{ord(c): None for c in DROP_CHARS}}


def _cuts_latin(text: str, start: int, end: int) -> bool:
    """True when a span starts or ends inside a Latin word (``EEN`` in ``GREEN``)."""
    left = start > 0 and text[start - 1].isascii() and text[start - 1].isalnum()
    right = end < len(text) and text[end].isascii() and text[end].isalnum()
    return (left and text[start].isascii() and text[start].isalnum()) or (
        right and text[end - 1].isascii() and text[end - 1].isalnum()
    )


# --------------------------------------------------------------------------- patterns

_QUOTED = re.compile(r"“([^“”\n]{1,16})”")
_YEAR_BEFORE = re.compile(r"20\d\d年度?")
_PROPOSAL = ("提案", "建议", "议案")
_TITLE = re.compile(r"《([^《》\n]{2,100})》")
_DOC_NUMBER = r"[\u4e00-\u9fff]{2,8}\s*[〔\[［【（(]\s*\d{4}\s*[〕\]］】）)]\s*\d+\s*号"
_STANDARD = re.compile(
    r"\s*[（(]\s*((?:DB|GB|GB/T|DB\d+/T|T/)[A-Z0-9/ .—\-－]+?|" + _DOC_NUMBER + r")\s*[)）]"
)
_PAREN_PLACE = re.compile(r"[（(][\u4e00-\u9fff]{1,4}站?[)）]")
_VAGUE = re.compile("有关|相关|各类|一批")
_SUBTYPE = re.compile(r"[类型](.+)$")
_CLAUSE_NUMBER = re.compile(r"[0-9一二三四五六七八九十]+条")


class NamePatterns:
    """spaCy component: names that no list holds, found by the patterns of ``ontology/names.toml``."""

    def __init__(self, vocab: Vocabulary, lexicon: Lexicon, divisions: Divisions | None) -> None:
        places = frozenset(n for e in lexicon.entries if e.base_type == "Place" for n in e.names)
        if divisions is not None:
            places |= frozenset(n for e in divisions.entries for n in (e.label, *e.aliases))
        self.vocab = vocab
        self.grammar = NameGrammar(vocab, places)
        self.divisions = divisions
        self.known = frozenset(n for e in lexicon.entries for n in e.names)
        self.places = places
        surnames = "".join(sorted(vocab.surnames))
        compound = "|".join(vocab.compound_surnames)
        self._person = re.compile(rf"(?:{compound}|[{surnames}])[{CJK}]{{1,2}}")
        self._group_qualifiers = sorted(vocab.group_qualifiers, key=len, reverse=True)
        self._bank_branches = sorted(vocab.bank_branches, key=len, reverse=True)
        self._after_quote = sorted(vocab.after_quote, key=len, reverse=True)
        self._title_words = tuple(vocab.person_title_after) + tuple(vocab.person_title_before)
        self._title_after = _alt(vocab.person_title_after)
        self._title_before = _alt(vocab.person_title_before)
        self._verbs_after = _alt(vocab.person_verbs_after)
        self._after_name = re.compile(f"{self._title_after}|{self._verbs_after}")
        self._before_name = re.compile(self._title_before)
        # a contact's name before a telephone number: 联系人及电话：王燕 021-12345678, 张三：13912345678
        # (the lookahead, a character a match can open with, spares the search most positions of the text)
        self._phone = re.compile(
            rf"(?=[\s电手联：:\d])(?<=[{CJK}])\s*(?:电话|手机|联系电话)?\s*[：:]?\s*(?:1[3-9]\d{{9}}|0\d{{2,3}}-?\d{{7,8}}|\d{{8}})(?!\d)"
        )
        self._fields = re.compile(rf"(?:{_alt(vocab.person_fields)})\s*[：:]?\s*([{CJK}]{{2,4}})")
        self._list_tail = re.compile(
            r"(?:等)?\s*(?:近|约|超过|超|逾)?\s*[0-9一二三四五六七八九十百千]*\s*(?:余|多)?\s*[家个所]?\s*(?:一批)?"
            r"(?:行业|知名|重点|龙头|领军|头部|优质)?(?:领军|龙头)?"
            rf"(?P<head>{_alt(tuple(vocab.list_heads))})"
        )

    def __call__(self, doc: Any) -> Any:
        from kg.nlp import doc_text, token_spans

        text = doc_text(doc)
        tokens = token_spans(doc)
        meta: DocumentMeta | None = doc._.meta
        addressees = tuple(meta.addressees) if meta is not None else ()
        known = doc._.name_candidates or []
        doc._.name_candidates = known + self.find(text, tokens, addressees, known=known)
        return doc

    def find(
        self, text: str, tokens: Tokens, addressees: Sequence[str] = (), *, known: Sequence[Cand] = ()
    ) -> list[Cand]:
        """Candidate names found by pattern in ``text`` (``tokens`` are its jieba tokens).

        ``known`` are the names a list found: a suffix strictly inside one of them (中心 in
        国家技术转移东部中心), or at the end of one that punctuation precedes, starts no walk:
        the known name wins anyway.
        """
        inside = bytearray(len(text) + 1)
        for k in known:
            if k.type and k.end - k.start > 2:
                inside[k.start + 1 : k.end - 1] = b"\x01" * (k.end - k.start - 2)
            if k.type and k.start > 0 and not NAME_CHAR.match(text[k.start - 1]) and text[k.start - 1] not in "”）)":
                inside[k.end - 1] = 1  # a known name that nothing can extend to the left: no walk from its end
        out: list[Cand] = []
        out.extend(self._titles(text))
        out.extend(self._quoted(text, tokens))
        out.extend(self._suffix_names(text, tokens, inside))
        out.extend(self._bodies(text))
        out.extend(self._persons(text, addressees))
        out.extend(self._list_members(text, tokens))
        out.extend(self._branches(text, [*known, *out]))
        out.extend(self._qualified_groups(text, known))
        out.extend(
            Cand(k.start - 2, k.end, "Agency", "pattern:national", k.canonical, priority=9)
            for k in known  # 国家 + 工业和信息化部: the same ministry, named in full
            if k.type == "Agency" and k.rule == "lexicon" and k.canonical and text[k.start - 2 : k.start] == "国家"
        )
        return out

    # ------------------------------------------------------------------ titles, quotes, bodies

    def _titles(self, text: str) -> Iterable[Cand]:
        for m in _TITLE.finditer(text):
            if m.group(1).endswith(_PROPOSAL):
                continue  # 您提出的《关于…的提案》: the proposal answered (the header's), not a policy
            end = m.end()
            yield Cand(m.start(), end, "PolicyDocument", "pattern:title", priority=20)
            std = _STANDARD.match(text, end)
            if std:
                yield Cand(std.start(1), std.end(1), "PolicyDocument", "pattern:standard", priority=20)

    def _quoted(self, text: str, tokens: Tokens) -> Iterable[Cand]:
        g, v = self.grammar, self.vocab
        for m in _QUOTED.finditer(text):
            inner = m.group(1).strip()
            if _CLAUSE_NUMBER.fullmatch(inner):  # 人才“20条”: a policy package named by its clauses
                k = tokens.ending_at(m.start())
                if k is not None:
                    word = text[tokens[k][0] : m.start()]
                    if len(word) >= 2 and is_name_token(word) and word not in v.stop_tokens:
                        yield Cand(tokens[k][0], m.end(), "PolicyDocument", "pattern:clauses", priority=1)
                continue
            after = text[m.end() : m.end() + 12]
            follower = next((w for w in self._after_quote if after.startswith(w)), None)
            if follower:
                etype = v.after_quote_types.get(follower) or g.suffix_type(follower) or "Program"
                yield Cand(m.start(), m.end() + len(follower), etype, "pattern:quoted+suffix", priority=1)
            elif inner.endswith(v.quoted_program_suffixes) and 2 <= len(inner) <= 10:
                sfx = next(s for s in v.quoted_program_suffixes if inner.endswith(s))
                yield Cand(m.start(1), m.end(1), g.refine("Program", sfx), "pattern:quoted", priority=1)
            elif len(inner) >= 3 and g.suffix_type(inner) and not re.search(r"[，。、]", inner):
                sfx, etype = g.suffix_of(inner) or ("", "Program")
                head = inner[: len(inner) - len(sfx)]
                tags = word_tags()
                if g.generic(head) or any(tags.get(head[:k], "")[:1] in ("v", "d", "a") for k in (1, 2, 3)):
                    continue
                yield Cand(m.start(1), m.end(1), g.refine(etype, sfx), "pattern:quoted", priority=1)

    def _bodies(self, text: str) -> Iterable[Cand]:
        if self.divisions is None:
            return
        for start, end, etype in self.divisions.find_bodies(text):
            yield Cand(start, end, etype, "pattern:body", priority=5)

    def _qualified_groups(self, text: str, known: Sequence[Cand]) -> Iterable[Cand]:
        """A known class of beneficiaries after a level that awards it: 国家级制造业单项冠军, 国家技术创新示范企业."""
        for k in known:
            if k.type != "TargetGroup" or k.start == 0:
                continue
            start = next((k.start - len(q) for q in self._group_qualifiers if text.startswith(q, k.start - len(q))), None)
            if start is not None:  # (a place before a class qualifies a figure more often than it names: 上海科技型企业贷款)
                yield Cand(start, k.end, "TargetGroup", "pattern:qualified-group", priority=1)

    def _branches(self, text: str, cands: Sequence[Cand]) -> Iterable[Cand]:
        """A bank's branch in a place: 农业银行临沂分行, 中国银行股份有限公司上海市分行."""
        if self.divisions is None:
            return
        for c in cands:
            if c.type != "Bank":
                continue
            at = c.end
            for form in ("股份有限公司", "有限公司"):
                if text.startswith(form, at):
                    at += len(form)
                    break
            place_end = self.divisions.place_after(text, at)
            if place_end is None:
                continue
            branch = next((b for b in self._bank_branches if text.startswith(b, place_end)), None)
            if branch is not None:
                yield Cand(c.start, place_end + len(branch), "Bank", "pattern:bank-branch", priority=5)

    # ------------------------------------------------------------------ suffix names

    def _suffix_names(self, text: str, tokens: Tokens, inside: bytearray | None = None) -> Iterable[Cand]:
        """Names that end in a known suffix; the start is found by walking back over tokens.

        A suffix that ends strictly inside a known name (``inside[end - 1]``) is skipped.
        """
        g = self.grammar
        hits = sorted((last + 1 - len(sfx), -len(sfx), sfx, etype) for last, (sfx, etype) in g.suffix_automaton.iter(text))
        for s0, _, suffix, etype in hits:
            if inside is not None and inside[s0 + len(suffix) - 1]:
                continue
            if s0 == 0 or not NAME_CHAR.match(text[s0 - 1]) or text[s0 - 1].isdigit():
                if text[s0 - 1 : s0] not in ("”", "）", ")"):
                    continue  # nothing before the suffix can be part of a name
            e0 = s0 + len(suffix)
            ti = tokens.ending_at(e0)
            if ti is None or g.continues(text, e0):
                continue  # the suffix is inside a longer word (大学生, 中心城区)
            end = e0
            if etype == "Event":  # a trailing place qualifier: 中国创新挑战赛(上海)
                pq = _PAREN_PLACE.match(text, end)
                if pq:
                    end = pq.end()
            first = ti
            while first > 0 and tokens[first][0] > s0:
                first -= 1
            if tokens[first][0] < s0 and not is_name_token(text[tokens[first][0] : s0]):
                continue
            word = text[tokens[first][0] : e0]
            if len(word) > len(suffix) and word[0] in self.vocab.stop_chars and word not in word_tags():
                continue  # 企业获贷: 获 + 贷 is a verb, nothing before it is a name
            common = len(suffix) == 1 and word != suffix and word in word_tags() and word not in self.known
            if common and etype != "Agency":
                continue  # 布局, 格局, 展厅: a common word, not a name suffix
            start = g.walk_left(text, tokens, first, etype)
            if common and not (
                start < tokens[first][0] and self.divisions is not None and self.divisions.place_after(text, start)
            ):
                continue  # (but a name that opens with a place is a body: 儋州市科技和工业信息发展局)
            trim = g.leading_trim.match(text, start)
            if trim:
                start = trim.end()
            year = _YEAR_BEFORE.match(text, max(0, start - 4), start + 2) if start >= 4 else None
            if year:  # the walk stopped at the digits of 2024年度…
                start = year.start() if etype == "PolicyDocument" else year.end()  # a title keeps its year
            if start > 0 and text[start - 1].isdigit() and text[start] in "家个项所批位名":
                start += 1  # 11家省实验室: the counter of a number before the name
            while start < s0 and text[start] in " 　-—·":
                start += 1
            if start >= s0:
                continue
            prefix = text[start:s0]
            if (
                "级" in prefix
                or "\n" in prefix
                or text[start - 1 : start] == "级"
                or _VAGUE.search(prefix)
            ):
                continue
            toks = tokens.texts(text, start, s0)
            subtype = _SUBTYPE.search(text, start, end)
            if not (subtype and subtype.group(1) in self.known) and not g.specific(prefix, toks, etype, suffix):
                continue
            if text[start - 1 : start] == "的" and all(g.generic(t) for t in toks if t.strip()):
                continue  # 共同打造的高层次国际论坛: generic words after 的 describe, they do not name
            if prefix in self.places and etype not in ("Agency", "Place") and suffix not in self.vocab.after_place_ok:
                continue  # 韩国公司, 上海企业: a place and a class noun (but 江苏大学, 陕西实验室)
            if suffix in ("认定", "考核评价") and (
                g.suffix_type(prefix) in ("Agency", "Organization", "Platform")
                or not (g.has_place(prefix) or prefix.startswith(self.vocab.specific_markers))
            ):
                continue  # a scheme is a jurisdiction's (湖北省…认定); not 委办局认定 (a body's), 技术合同认定 (a procedure)
            if suffix == "项目" and g.suffix_type(prefix) == "Program":
                continue  # 火炬计划项目: the items of a program, found by its own suffix
            tag = word_tags().get(text[start:end], "")
            if (
                tag[:1] in ("n", "v", "a", "l", "i", "d")
                and tag not in ("nr", "ns", "nt", "nz", "nrt", "nrfg")
                and text[start:end] not in self.known
                and not (etype == "Program" and word_tags().get(prefix, "")[:1] == "n" and not g.generic(prefix))
            ):
                continue  # 流动资金, 服务中心: an ordinary word of the dictionary (but 星火 + 计划: a noun names it)
            yield Cand(start, end, g.refine(etype, suffix), f"pattern:suffix:{suffix}", priority=len(suffix))

    # ------------------------------------------------------------------ persons

    def _persons(self, text: str, addressees: Sequence[str]) -> Iterable[Cand]:
        """A surname and one or two more characters, in a context only people have."""
        tags = word_tags()

        def plausible(name: str) -> bool:
            if not self._person.fullmatch(name) or any(c in self.vocab.stop_chars for c in name[1:]):
                return False
            if name.endswith(self._title_words) or name[1:] in self._title_words or name[-1] in "副原前代":
                return False  # 赵委员, 王主任, 刘鹤副: a surname and a title, not a name
            tag = tags.get(name)
            return (tag is None or tag.startswith("nr")) and name not in self.known and not self.grammar.suffix_type(name)

        def ending_at(at: int, rule: str) -> Iterable[Cand]:
            """The name of three or two characters that ends at ``at``, if one is plausible."""
            for k in (3, 2):
                name = text[at - k : at]
                if len(name) == k and plausible(name) and (at - k == 0 or not _joins(text[at - k - 1], name, tags)):
                    yield Cand(at - k, at, "Person", rule)
                    return

        # name + title or verb of speech: 王军副局长, 兰壮丽表示, 李俊成一行
        for m in self._after_name.finditer(text):
            yield from ending_at(m.start(), "pattern:person-title")
        # title + name + boundary: 厅长兰壮丽表示, 记者陈云波报道
        for m in self._before_name.finditer(text):
            at = m.end()
            for k in (3, 2):
                name = text[at : at + k]
                after = text[at + k : at + k + 4]
                if len(name) == k and plausible(name) and _ends_name(after, self._verbs_after, self._title_after):
                    yield Cand(at, at + k, "Person", "pattern:person-title")
                    break
        for m in self._fields.finditer(text):
            for k in (3, 2):
                name = m.group(1)[:k]
                rest = text[m.start(1) + k : m.start(1) + k + 4]
                if plausible(name) and (not re.match(rf"[{CJK}]", rest[:1]) or _ends_name(rest, self._verbs_after, self._title_after)):
                    yield Cand(m.start(1), m.start(1) + k, "Person", "pattern:person-field")
                    break
        for m in self._phone.finditer(text):  # 王燕：13976787169
            yield from ending_at(m.start(), "pattern:person-phone")
        for name in addressees:
            if 2 <= len(name) <= 3 and self._person.fullmatch(name) and not self.grammar.suffix_type(name):
                for hit in re.finditer(re.escape(name), text):
                    yield Cand(hit.start(), hit.end(), "Person", "pattern:addressee", priority=2)

    # ------------------------------------------------------------------ enumerations

    def _list_members(self, text: str, tokens: Tokens) -> Iterable[Cand]:
        """Members of an enumeration that ends in a class noun: 阿斯利康、威高集团、华润医商等近 60 家大企业."""
        g = self.grammar
        for m in re.finditer("、", text):
            # only the last separator of a list: what follows the last item is the class noun
            nxt = text.find("、", m.end(), m.end() + 12)
            if nxt != -1 and not re.search(r"[，。；：\n]", text[m.end() : nxt]):
                continue
            last = re.match(rf"[{CJK}A-Za-z0-9]{{2,10}}?(?=等|\s*[0-9一二三四五六七八九十]+\s*[家个所])", text[m.end() : m.end() + 12])
            if not last:
                continue
            tail = self._list_tail.match(text, m.end() + last.end())
            if not tail:
                continue
            etype = self.vocab.list_heads.get(tail.group("head"), "Organization")
            items = [(m.end(), m.end() + last.end())]
            pos = m.start()
            while True:
                prev = text.rfind("、", max(0, pos - 12), pos)
                seg_start = prev + 1 if prev != -1 else None
                if seg_start is not None and re.fullmatch(rf"[{CJK}A-Za-z0-9]{{2,10}}", text[seg_start:pos]):
                    items.append((seg_start, pos))
                    pos = prev
                    continue
                k = tokens.ending_at(pos)  # the first item: from the end of the governing verb or punctuation
                if k is not None:
                    first_start = g.walk_left(text, tokens, k)
                    if first_start < pos and tokens.starting_at(first_start) is not None:
                        items.append((first_start, pos))
                break
            if len(items) < 2:
                continue
            for s0, e0 in items:
                name = text[s0:e0]
                hit = g.suffix_of(name)
                sfx = hit[0] if hit else ""
                head = name[: len(name) - len(sfx)]
                if g.generic(name) or not head or g.generic(head) or (hit and hit[1] in ("Agency", "Place", "Event", "Program")):
                    continue
                sub = g.refine(hit[1], sfx) if hit else etype
                yield Cand(s0, e0, sub, "pattern:list-member")


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _joins(prev: str, name: str, tags: dict[str, str]) -> bool:
    """Does the character before a person candidate form a word with its start (e.g. 中 + 国)?"""
    return bool(re.match(rf"[{CJK}]", prev)) and (prev + name[:1]) in tags and prev not in "的与和及是由向对在、"


def _ends_name(after: str, verbs: str, titles: str) -> bool:
    """Is ``after`` a place where a person's name can end (punctuation, a verb of speech, a title)?"""
    return not after or bool(re.match(rf"(?:[，。、；：,;:\s（(“”]|{verbs}|{titles}|同志|等|在|到|来|对|和|与)", after))


# --------------------------------------------------------------------------- selection


def select_mentions(cands: Iterable[Cand], text: str, grammar: NameGrammar) -> list[Cand]:
    """Non-overlapping spans: longest first, then by priority (titles > lexicon > patterns).

    A pattern name that only prepends words to a known name (研究 + 上海市科学技术委员会)
    is dropped unless what it prepends is itself a known name (闵行区 + 大零号湾…).
    """
    cands = list(cands)
    known = [c for c in cands if c.rule in KNOWN_RULES or c.rule == "pattern:body"]
    by_end: dict[int, list[Cand]] = {}
    for c in known:
        by_end.setdefault(c.end, []).append(c)
    cands = [c for c in cands if not _prepends_words(c, by_end.get(c.end, ()), known, text, grammar)]
    cands = _drop_glued(cands, text, grammar)
    chosen: list[Cand] = []
    taken = bytearray(max((c.end for c in cands), default=0))
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), -c.priority, c.start, c.type)):
        if any(taken[c.start : c.end]):
            continue
        chosen.append(c)
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
    return sorted(chosen, key=lambda c: (c.start, c.end))


def _drop_glued(cands: list[Cand], text: str, grammar: NameGrammar) -> list[Cand]:
    """Drop pattern names that glue two names (上海银行 + 科创贷, 上交所 + 科创板上市公司) or that
    append only generic words to a known name (科技创新券 + 政策补贴, 创新券 + 项目)."""
    starts: dict[int, list[Cand]] = {}
    for c in cands:
        if c.type and c.type != "Place":
            starts.setdefault(c.start, []).append(c)
    out = []
    for c in cands:
        glued = False
        if c.rule.startswith("pattern:suffix"):
            for k in starts.get(c.start, ()):
                if (k.rule not in KNOWN_RULES and k.rule != "pattern:body") or k.end >= c.end or k.type == "Agency":
                    continue  # a government's program keeps its name: 国务院深化服务贸易创新发展试点
                rest = text[k.end : c.end].strip("“”")
                rest_start = c.end - len(text[k.end : c.end].lstrip("“”"))
                if grammar.generic(rest) or any(o is not c and o.end <= c.end for o in starts.get(rest_start, ())):
                    glued = True
                    break
        if not glued:
            out.append(c)
    return out


def _prepends_words(c: Cand, same_end: Iterable[Cand], known: Sequence[Cand], text: str, grammar: NameGrammar) -> bool:
    if c.rule in KNOWN_RULES or not c.rule.startswith("pattern:suffix"):
        return False  # known names, bodies and titles are names as written
    for k in same_end:
        if k.start > c.start:
            if k.rule == "pattern:body" and text[k.start] not in "省市区县州镇":
                return True  # a place and a body are the whole name: 分类 + 山东省科学技术厅
            added = text[c.start : k.start]
            if re.search(r"[类型]$", added):
                return False  # a subtype: 技术服务类科技创新券
            added = re.split(r"[类型]", added)[-1]  # 技术服务类 + 东湖 + 创新券: judge 东湖
            if added in grammar.vocab.agency_levels:
                return False  # 省 + 火炬计划: the province's own program
            if any(x.start == c.start and x.end == k.start for x in known):
                return False  # a known name before it: 闵行区 + 大零号湾…
            # a proper name before it makes another thing (东湖 + 创新券); a verb or a generic word does not
            parts = pieces(added)
            tags = word_tags()
            function = any(
                (tags.get(w) or "n")[:1] in ("v", "p", "d", "c", "u", "r", "m", "q") and w not in grammar.vocab.place_words
                for w in parts
            )
            return grammar.generic(added) or function or not any(_nominal(w, grammar) for w in parts)
    return False


def _nominal(word: str, grammar: NameGrammar) -> bool:
    """A noun-like word (or an unknown one): 东湖, 甬江; not 经, 研究, 支持."""
    if word in grammar.vocab.place_words:
        return True  # 首都 + 科技创新券, whatever jieba tags it
    tag = word_tags().get(word)
    return (tag is None and len(word) > 1) or ((tag or "").startswith(("n", "j", "s")) and not grammar.generic(word))


#: The rule of a name found inside a 《title》 (an agency the title names).
NESTED = "nested:title"


def nested_in_titles(cands: Sequence[Cand]) -> list[Cand]:
    """The agencies a 《title》 names (《科技部财政部国家税务总局关于印发…的通知》 → 科技部, 财政部 …):
    entities of their own, kept beside the title as nested mentions."""
    titles = [c for c in cands if c.rule == "pattern:title"]
    if not titles:
        return []
    agencies = sorted(
        (c for c in cands if c.type == "Agency" and (c.rule in KNOWN_RULES or c.rule == "pattern:body")),
        key=lambda c: (c.start, -(c.end - c.start)),
    )
    out: list[Cand] = []
    for t in titles:
        inside = [a for a in agencies if t.start < a.start and a.end < t.end]
        for a in inside:
            if not any(o.start <= a.start and a.end <= o.end and o is not a for o in inside):
                if not any(o.start == a.start and o.end == a.end for o in out):
                    out.append(Cand(a.start, a.end, a.type, NESTED, a.canonical))
    return out


class MentionSelector:
    """spaCy component: the chosen mentions as ``doc.spans["stikg_mentions"]``, tokens split to fit."""

    def __init__(self, lexicon: Lexicon, grammar: NameGrammar) -> None:
        self.lexicon = lexicon
        self.grammar = grammar

    def __call__(self, doc: Any) -> Any:
        from kg.nlp import MENTIONS, doc_text, set_spans

        text = doc_text(doc)
        cands = doc._.name_candidates or []
        chosen = []
        for c in select_mentions(cands, text, self.grammar) + nested_in_titles(cands):
            if not c.type:
                continue  # a blocked phrase
            canonical = c.canonical
            if canonical is None and c.rule not in KNOWN_RULES:
                entry = self.lexicon.by_name(text[c.start : c.end])
                if entry is not None:
                    canonical = entry.label
            chosen.append((c.start, c.end, c.type, c.rule, canonical, None))
        doc._.name_candidates = None
        return set_spans(doc, MENTIONS, chosen)
