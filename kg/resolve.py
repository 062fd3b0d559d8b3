"""Resolution: mentions → one entity per real thing, within a document and across documents.

Names are grouped when they are the same after normalisation (NFKC, no spaces,
quote marks or list punctuation), when the lexicon says they are one thing
(市科委 ↔ 上海市科学技术委员会), when the text declares an alias
(``（以下简称“东部中心”）``, ``X（Y）``), when one is the other without its place
prefix (技术交易所 ↔ 上海技术交易所), or when one is the other with a middle part
left out (InnoMatch平台 ↔ InnoMatch全球技术供需对接平台).

Keys are derived from names only, so the same entity gets the same key — and
IRI — in every build.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from kg._crossdoc import CorpusResolver, _Groups, _label_rank, resolve_corpus
from kg._names import pieces
from kg.model import Entity, Mention, base_type
from kg.names import name_key

if TYPE_CHECKING:
    from kg._names import NameGrammar
    from kg.divisions import Divisions

__all__ = [
    "DocumentResolver",
    "entity_key",
    "name_key",
    "resolve_corpus",
    "CorpusResolver",
    "resolve_mentions",
]


_ALIAS_DECL = re.compile(
    r"^\s*[（(]\s*(?:以下)?(?:简称|下称|简称为)\s*[：:]?\s*[“\"]?([^”\"）)，,]{1,16})[”\"]?\s*[）)]"
)
_PAREN_ALIAS = re.compile(r"^[（(]([^（）()，。、\n]{2,20})[）)]")
_PLACE_PREFIXES = ("上海市", "上海", "国家", "中国", "长三角", "全国")
_ORDINAL = re.compile(r"^(?:第\s*[0-9一二三四五六七八九十]+\s*届|20\d\d\s*年?)\s*")


def _abbreviates(short: str, long: str) -> bool:
    """``short`` is ``long`` without a middle part: 长三角创新挑战赛 ↔ 长三角国际创新挑战赛."""
    if len(short) >= len(long) or len(short) < 4:
        return False
    for p in range(2, len(short) - 1):
        if long.startswith(short[:p]) and long.endswith(short[p:]) and len(short) - p >= 2:
            return True
    return False


def _tail_alias(short: str, long: str) -> bool:
    """``short`` is ``long`` without its place prefix: 技术交易所 ↔ 上海技术交易所."""
    return len(short) >= 4 and any(long == p + short for p in _PLACE_PREFIXES)


def _declared_aliases(text: str, mentions: Sequence[Mention]) -> list[tuple[str, str, int, int]]:
    """Aliases the text declares right after a mention: ``（以下简称“X”）`` and ``X（Y）``."""
    out = []
    for m in mentions:
        tail = text[m.end : m.end + 40]
        decl = _ALIAS_DECL.match(tail)
        if decl:
            alias = decl.group(1).strip()
            out.append((m.text, alias, m.end + decl.start(1), m.end + decl.end(1)))
            continue
        par = _PAREN_ALIAS.match(tail)
        if par:
            alias = par.group(1).strip()
            inner = [x for x in mentions if x.start == m.end + par.start(1) and x.end == m.end + par.end(1)]
            same_kind = bool(inner) and base_type(inner[0].type) == base_type(m.type)
            if same_kind or _looks_like_short_form(alias, m.text):
                out.append((m.text, alias, m.end + par.start(1), m.end + par.end(1)))
    return out


def _looks_like_short_form(alias: str, name: str) -> bool:
    a, n = name_key(alias), name_key(name)
    if not a or a == n or len(a) >= len(n) or re.fullmatch(r"[0-9一-九十]+", a):
        return False
    if re.fullmatch(r"[a-z0-9]+", a):
        return True
    it = iter(n)
    return all(ch in it for ch in a) and a[0] == n[0] or n.endswith(a)


class DocumentResolver:
    """spaCy component: the mentions of one document grouped into entities.

    Reads ``doc.spans["stikg_mentions"]``; adds the occurrences of declared and short-form
    aliases to that group, sets each span's ``kb_id_`` to its entity's key and
    ``doc._.entities`` to the entities (mentions as ``("", start, end)`` in the offsets of
    the analysed text; labels and aliases as written in ``doc._.source_text`` when
    the analysed text is a normalised view of it).
    """

    def __init__(self, divisions: Divisions | None = None, grammar: NameGrammar | None = None) -> None:
        self.divisions = divisions
        self.grammar = grammar
        self._scoped = frozenset(name_key(n) for n in divisions.vocab.scoped_names) if divisions else frozenset()

    def __call__(self, doc: Any) -> Any:
        from kg.nlp import MENTIONS, doc_text, set_spans

        text = doc_text(doc)
        source = doc._.source_text or text
        mentions = [
            Mention("", start, end, text[start:end], label, rule or "", canonical)
            for (start, end), (rule, canonical, label, _) in (doc._.mention_info or {}).items()
        ]
        juris = self._jurisdiction(doc, mentions)
        doc._.jurisdiction = juris or ()
        if juris is not None:
            mentions = [self._local_canonical(m, juris) for m in mentions]
        entities, mentions, keys = resolve_mentions(text, mentions, source, divisions=self.divisions, grammar=self.grammar)
        if juris is not None:
            remap = {e.key: self._scope(e, juris) for e in entities}
            keys = [remap[k] for k in keys]
        types = {e.key: e.type for e in entities}
        group = doc.spans[MENTIONS]  # in the order of mention_info (both written by set_spans)
        tokens = {k: (s.start, s.end) for k, s in zip(doc._.mention_info or {}, group, strict=True)}
        if all((m.start, m.end) in tokens for m in mentions):  # no new alias span: the tokens stand
            from spacy.tokens import Span

            doc.spans[MENTIONS] = [
                Span(doc, *tokens[(m.start, m.end)], label=types[k], kb_id=k) for m, k in zip(mentions, keys, strict=True)
            ]
            doc._.mention_info = {(m.start, m.end): (m.rule, m.canonical, types[k], k) for m, k in zip(mentions, keys, strict=True)}
        else:
            doc = set_spans(
                doc, MENTIONS, [(m.start, m.end, types[k], m.rule, m.canonical, k) for m, k in zip(mentions, keys, strict=True)]
            )
        doc._.entities = entities
        return doc

    # ------------------------------------------------------------------ jurisdiction

    def _jurisdiction(self, doc: Any, mentions: Sequence[Mention]) -> tuple[str, str | None] | None:
        """``(province, city)`` the document speaks for (see :meth:`Divisions.jurisdiction`)."""
        if self.divisions is None:
            return None
        if doc._.jurisdiction is not None:
            return tuple(doc._.jurisdiction) or None  # given by an earlier piece of the document
        meta = doc._.meta
        bodies = [m.text for m in mentions if base_type(m.type) == "Agency"]  # as written: 市科委 names no place
        places = [m.canonical or m.text for m in mentions if base_type(m.type) == "Place"]
        return self.divisions.jurisdiction(
            meta.agency if meta else None, meta.number if meta else None, bodies, places
        )

    def _place_for(self, level: str | None, juris: tuple[str, str | None]) -> str:
        province, city = juris
        return city if level in ("city", "district") and city else province

    def _local_canonical(self, m: Mention, juris: tuple[str, str | None]) -> Mention:
        """A listed short form (市科委) means the listed body (上海市科学技术委员会) only in a
        document of that body's place; elsewhere it is the body of the document's own place."""
        if not m.canonical or self.divisions is None:
            return m
        short, full = self.divisions.parse_body(m.text), self.divisions.parse_body(m.canonical)
        if short is None or full is None or short[0] is not None or full[0] is None:
            return m
        if full[0] != self._place_for(short[1], juris):
            return replace(m, canonical=None)
        return m

    def _scope(self, e: Entity, juris: tuple[str, str | None]) -> str:
        """Scope ``e`` if its name is one many jurisdictions use; return its (new) key."""
        assert self.divisions is not None
        names = [e.label, *e.aliases]
        place = None
        if base_type(e.type) == "Agency":
            parsed = [self.divisions.parse_body(n) for n in names]
            if all(p is not None and p[0] is None for p in parsed):
                place = self._place_for(parsed[0][1] if parsed[0] else None, juris)
        elif any(name_key(n) in self._scoped for n in names) and not (
            self.grammar is not None and any(self.grammar.has_place(n) for n in names)
        ):
            place = self._place_for("city", juris)
        if place is None:
            return e.key
        e.scope = self.divisions.short_name(place)
        e.key = f"{e.scope}/{e.key}"
        return e.key


def resolve_mentions(
    text: str,
    mentions: Sequence[Mention],
    source: str | None = None,
    *,
    divisions: Divisions | None = None,
    grammar: NameGrammar | None = None,
) -> tuple[list[Entity], list[Mention], list[str]]:
    """Group the mentions of one text into entities.

    Returns ``(entities, mentions, keys)``: the entities (label = the fullest name in the
    text, aliases = the other names used, as written in ``source``), the mentions (those
    given plus occurrences of declared and short-form aliases) and, for each mention, the
    key of its entity. Entity mentions are ``("", start, end)`` in ``text`` offsets.
    """
    source = source if source is not None and len(source) == len(text) else text
    mentions = list(mentions)
    groups = _Groups()
    canonical: dict[str, str] = {}
    for m in mentions:
        k = _mkey(m.text)
        groups.find(k)
        if m.canonical:
            ck = name_key(m.canonical)
            groups.union(k, ck)
            canonical[groups.find(k)] = m.canonical
    types: dict[str, str] = {name_key(m.text): m.type for m in mentions}

    # aliases declared in the text: 国家技术转移东部中心（以下简称“东部中心”）
    extra: list[Mention] = []
    for name, alias, s, e in _declared_aliases(text, mentions):
        groups.union(name_key(name), name_key(alias))
        types.setdefault(name_key(alias), types.get(name_key(name), "Organization"))
        if not any(m.start == s and m.end == e for m in mentions):
            extra.append(Mention("", s, e, text[s:e], types[name_key(name)], "alias:declared"))

    # bodies named by level only (省科技厅) are the body of that level the text names (湖北省科学技术厅)
    if divisions is not None:
        for short, full in _body_aliases(mentions, divisions):
            groups.union(_mkey(short), _mkey(full))

    # short forms: without place prefix, or without a middle part
    known = {name_key(m.text) for m in mentions if m.canonical}
    keys = sorted({_mkey(m.text) for m in mentions})
    by_len = sorted(keys, key=lambda k: (-len(k), k))
    for short in keys:
        for long in by_len:
            if len(long) <= len(short):
                break
            if long[-1] != short[-1]:
                continue  # both kinds of short form keep the last character
            if base_type(types.get(short, "")) != base_type(types.get(long, "")):
                continue
            if types.get(short) == "TargetGroup" or (short in known and long in known):
                continue  # 中小企业 / 中小微企业: classes, and names the lexicon keeps apart, stay apart
            if _abbreviates(short, long) or _tail_alias(short, long):
                groups.union(short, long)
                break

    # occurrences of a long name's tail that nothing else found: 技术交易所
    taken = bytearray(len(text) + 1)
    for m in mentions + extra:
        taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    for m in _first_of_each_name(mentions):
        if m.rule == "lexicon" and m.canonical and m.canonical != m.text:
            continue
        for p in _PLACE_PREFIXES:
            if m.text.startswith(p) and len(m.text) - len(p) >= 4:
                tail = m.text[len(p) :]
                for hit in re.finditer(re.escape(tail), text):
                    s, e = hit.start(), hit.end()
                    if any(taken[s:e]):
                        continue
                    extra.append(Mention("", s, e, text[s:e], m.type, "alias:short-form"))
                    taken[s:e] = b"\x01" * (e - s)
                    groups.union(name_key(tail), name_key(m.text))
                break
    # occurrences of a name's specific head without its descriptive tail: 秦创原 (创新驱动平台)
    if grammar is not None:
        known_names = {name_key(m.text) for m in mentions}
        for m in _first_of_each_name(mentions):
            if m.rule.startswith(("alias", "nested")) or base_type(m.type) not in ("Platform", "Program", "Event"):
                continue
            head = _specific_head(m.text, grammar)
            if head is None or name_key(head) in known_names:
                continue
            for hit in re.finditer(re.escape(head), text):
                s, e = hit.start(), hit.end()
                if any(taken[s:e]) or (s > 0 and _cjk_or_word(text[s - 1]) and text[s - 1] not in "的在与和及由向对为将把从是"):
                    continue  # inside another name or word
                extra.append(Mention("", s, e, text[s:e], m.type, "alias:head"))
                taken[s:e] = b"\x01" * (e - s)
                groups.union(name_key(head), name_key(m.text))
    mentions = sorted(mentions + extra, key=lambda m: (m.start, m.end))

    members: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        members[groups.find(_mkey(m.text))].append(m)

    entities: list[Entity] = []
    key_of_root: dict[str, str] = {}
    for root, ms in members.items():
        canon = canonical.get(root)
        named = [m for m in ms if m.rule != "alias:short-form"] or ms  # a bare tail never labels
        label = _label({source[m.start : m.end] for m in named}, canon)
        etype = _vote_type(ms)
        key = entity_key(canon or _label({m.text for m in named}, canon))
        key_of_root[root] = key
        aliases = _aliases(label, {source[m.start : m.end] for m in ms}, canon)
        entities.append(
            Entity(key=key, label=label, type=etype, aliases=aliases, mentions=[("", m.start, m.end) for m in ms])
        )
    entities = _merge_same_key(entities)
    entities.sort(key=lambda e: (min((s for _, s, _ in e.mentions), default=0), e.key))
    mkeys = [key_of_root[groups.find(_mkey(m.text))] for m in mentions]
    return entities, mentions, mkeys


def _body_aliases(mentions: Sequence[Mention], divisions: Divisions) -> list[tuple[str, str]]:
    """Pairs of names of one government body: 省科技厅 ↔ 湖北省科学技术厅 (the only province body
    of that name in the text), 陕西省科技厅 ↔ 陕西省科学技术厅."""
    full: dict[tuple[str | None, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    bare: dict[tuple[str | None, str], list[str]] = defaultdict(list)
    for m in mentions:
        if base_type(m.type) != "Agency":
            continue
        parsed = divisions.parse_body(m.text)
        if parsed is None:
            continue
        place, level, body = parsed
        if place is None:
            bare[(level, body)].append(m.text)
        else:
            full[(level, body)][place].append(m.text)
    pairs: list[tuple[str, str]] = []
    for key, places in full.items():
        for names in places.values():
            pairs.extend((n, names[0]) for n in names[1:])
        if len(places) == 1:
            target = next(iter(places.values()))[0]
            pairs.extend((n, target) for n in bare.get(key, []))
    return pairs


def _first_of_each_name(mentions: Sequence[Mention]) -> list[Mention]:
    """One mention per distinct name, the first one, in text order."""
    seen: dict[str, Mention] = {}
    for m in mentions:
        seen.setdefault(m.text, m)
    return list(seen.values())


def _specific_head(name: str, grammar: NameGrammar) -> str | None:
    """The specific part of a name whose rest only describes it: 秦创原创新驱动平台 → 秦创原.

    The head must be at least three characters, not descriptive itself and not a place.
    """
    words = grammar.vocab.generic | grammar.vocab.name_verbs
    for k in range(3, len(name) - 1):
        head, tail = name[:k], name[k:]
        if _made_of(tail, words) and not _made_of(head, words) and not grammar.is_place(head) and not grammar.has_place(head):
            if not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", head) or re.fullmatch(r"[0-9]+", head):
                return None
            if re.fullmatch(r"[\u4e00-\u9fff]+", head) and all(len(p) > 1 for p in pieces(head)):
                return None  # 集成电路 (平台), 智能制造 (平台): ordinary words of the dictionary are no name
            return head
    return None


def _made_of(text: str, words: frozenset[str]) -> bool:
    """Is ``text`` a sequence of ``words``?"""
    ok = [True] + [False] * len(text)
    for i in range(1, len(text) + 1):
        ok[i] = any(ok[j] and text[j:i] in words for j in range(max(0, i - 6), i))
    return ok[-1]


def _cjk_or_word(ch: str) -> bool:
    return bool(re.match(r"[\u4e00-\u9fffA-Za-z0-9]", ch))


@functools.lru_cache(maxsize=65536)
def _mkey(name: str) -> str:
    """The grouping key of a mention: its name key without an ordinal (第4届, 2021)."""
    return name_key(_ORDINAL.sub("", name) or name)


@functools.lru_cache(maxsize=65536)
def _display(name: str) -> str:
    """A name as shown: spaces around CJK collapsed (``InnoMatch 平台`` stays)."""
    name = re.sub(r"\s+", " ", name.strip())
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", name)


def _label(texts: set[str], canon: str | None) -> str:
    """The label among the names written: the canonical name when it is written, else the longest."""
    names = [_display(t) for t in texts]
    if canon and any(name_key(n) == name_key(canon) for n in names):
        return canon
    return max(names, key=_label_rank)


def _aliases(label: str, texts: set[str], canon: str | None) -> list[str]:
    seen = {name_key(label)}
    out = []
    for n in sorted({_display(t) for t in texts} | ({canon} if canon else set())):
        k = name_key(n)
        if k not in seen:
            seen.add(k)
            out.append(n)
    return out


def _vote_type(ms: Sequence[Mention]) -> str:
    """Lexicon types win; otherwise the type of the longest mention, then the most frequent."""
    lex = [m.type for m in ms if m.rule == "lexicon"]
    if lex:
        return Counter(lex).most_common(1)[0][0]
    ranked = sorted(ms, key=lambda m: (-(m.end - m.start), m.rule.startswith("alias")))
    return ranked[0].type


def entity_key(name: str) -> str:
    """The stable key of an entity: its normalised canonical name."""
    return name_key(name)


def _merge_same_key(entities: Iterable[Entity]) -> list[Entity]:
    by_key: dict[str, Entity] = {}
    for e in entities:
        if e.key in by_key:
            prev = by_key[e.key]
            prev.mentions.extend(e.mentions)
            for a in [e.label, *e.aliases]:
                if name_key(a) != name_key(prev.label) and a not in prev.aliases:
                    prev.aliases.append(a)
        else:
            by_key[e.key] = e
    return list(by_key.values())
