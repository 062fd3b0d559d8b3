"""The vocabulary the rules read: data files under ``ontology/`` (format: ``ontology/README.md``).

``names.toml`` (name suffixes, stop and generic words, the token walk), ``persons.toml``
(surnames and the contexts only people have), ``relations.toml`` (trigger words),
``figures.toml`` (units, qualifiers, year expressions), ``agencies.toml`` (names of
government bodies after a place) and ``places.toml`` (regions, division short forms).
Moving to another province's documents means editing these files, not Python.

Example
-------
>>> vocab = load_vocabulary()
>>> "委员会" in vocab.suffixes["Agency"]
True
>>> vocab.figures.qualifier("不超过")
'upper'
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_DIR",
    "FILES",
    "Figures",
    "Vocabulary",
    "VocabularyError",
    "alternation",
    "load_vocabulary",
    "vocabulary_digest",
    "words",
]

#: The shipped vocabulary, next to the ontology.
DEFAULT_DIR: Path = Path(__file__).resolve().parent.parent / "ontology"

#: The data files a vocabulary directory holds.
FILES: tuple[str, ...] = (
    "names.toml",
    "persons.toml",
    "relations.toml",
    "figures.toml",
    "agencies.toml",
    "places.toml",
)


class VocabularyError(ValueError):
    """A missing or malformed vocabulary file; the message names the file and what to fix."""


def words(value: str | None) -> tuple[str, ...]:
    """Whitespace-separated words of a data field, in order, without repeats.

    >>> words("甲 乙\\n丙 甲")
    ('甲', '乙', '丙')
    """
    return tuple(dict.fromkeys((value or "").split()))


def alternation(items: str | tuple[str, ...] | list[str]) -> str:
    """A regex alternation of literal words (``|``-separated string or a sequence), longest first.

    >>> alternation("发布|印发|联合印发")
    '联合印发|印发|发布'
    """
    parts = items.split("|") if isinstance(items, str) else list(items)
    parts = [p.strip() for p in parts if p.strip()]
    return "|".join(re.escape(p) for p in sorted(dict.fromkeys(parts), key=lambda p: (-len(p), p)))


def _pairs(value: str | None) -> dict[str, str]:
    """``a=b c=d`` → ``{"a": "b", "c": "d"}`` (a word without ``=`` maps to itself)."""
    out: dict[str, str] = {}
    for item in words(value):
        key, _, val = item.partition("=")
        out[key] = val or key
    return out


@dataclass(frozen=True)
class Figures:
    """Units, qualifiers and year expressions (``figures.toml``)."""

    units: tuple[str, ...]
    compound_units: tuple[str, ...]
    multipliers: tuple[str, ...]
    counting_units: tuple[str, ...]
    qualifiers_before: dict[str, str]
    qualifiers_after: dict[str, str]
    not_after: tuple[str, ...]
    not_before: tuple[str, ...]
    year_patterns: dict[str, str]
    relative_years: dict[str, int]
    in_force_years: tuple[str, ...]
    subject_words: dict[str, tuple[str, ...]]  # [subjects] of figures.toml

    def qualifier(self, word: str) -> str | None:
        """What a qualifier word means: ``lower``, ``upper``, ``approx``, ``exact`` or ``total``."""
        return self.qualifiers_before.get(word) or self.qualifiers_after.get(word)


@dataclass(frozen=True)
class Vocabulary:
    """Everything the rules read from the data files of one directory."""

    directory: Path
    suffixes: dict[str, tuple[str, ...]]
    subtypes: dict[str, str]  # suffix → subtype
    weak_suffixes: frozenset[str]
    generic_ok_suffixes: frozenset[str]
    after_place_ok: frozenset[str]
    suffix_continuation: tuple[str, ...]
    suffix_continuation_except: tuple[str, ...]
    segmentation_words: tuple[str, ...]
    stop_tokens: frozenset[str]
    stop_chars: str
    stop_tags: tuple[str, ...]
    name_verbs: frozenset[str]
    name_verbs_inside: frozenset[str]
    leading_verbs: frozenset[str]
    generic: frozenset[str]
    place_words: frozenset[str]
    specific_markers: tuple[str, ...]
    group_qualifiers: tuple[str, ...]
    leading_trim: str
    quoted_program_suffixes: tuple[str, ...]
    after_quote: tuple[str, ...]
    after_quote_types: dict[str, str]
    list_heads: dict[str, str]
    surnames: frozenset[str]
    compound_surnames: tuple[str, ...]
    person_title_after: tuple[str, ...]
    person_title_before: tuple[str, ...]
    person_verbs_after: tuple[str, ...]
    person_fields: tuple[str, ...]
    triggers: dict[str, str]
    relation_words: dict[str, str]
    figures: Figures
    agency_bodies: dict[str, str]  # body name → type (Agency unless said)
    agency_joint: tuple[str, ...]
    agency_synonyms: dict[str, str]  # short body name → full body name
    agency_levels: tuple[str, ...]
    bank_prefixes: tuple[str, ...]
    bank_branches: tuple[str, ...]
    regulators: tuple[str, ...]
    regions: dict[str, tuple[str, ...]]  # label → aliases
    division_suffixes: tuple[str, ...]
    short_levels: frozenset[str]
    not_short: frozenset[str]
    abbreviations: dict[str, str]  # 沪 → 上海市
    scoped_names: frozenset[str]
    digest: str = field(default="", compare=False)

    def trigger(self, name: str) -> str:
        """The regex alternation of a relation trigger family (``relations.toml [triggers]``)."""
        try:
            return alternation(self.triggers[name])
        except KeyError:
            raise VocabularyError(
                f"{self.directory / 'relations.toml'}: no trigger family {name!r} under [triggers]; add it"
            ) from None


def _read(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VocabularyError(f"{path}: vocabulary file not found; copy it from ontology/ or fix the path") from None
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError(f"{path}: not valid TOML ({exc}); fix the file") from None


def _get(data: dict[str, Any], path: str, source: Path) -> Any:
    cur: Any = data
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            raise VocabularyError(f"{source}: missing [{path.rsplit('.', 1)[0]}] {path.rsplit('.', 1)[-1]}; add it")
        cur = cur[part]
    return cur


def vocabulary_digest(directory: Path | str | None = None) -> str:
    """SHA-256 over the bytes of the vocabulary files (for cache keys)."""
    d = Path(directory) if directory is not None else DEFAULT_DIR
    h = hashlib.sha256()
    for name in FILES:
        try:
            h.update(name.encode() + b"\0" + (d / name).read_bytes())
        except OSError:
            h.update(name.encode() + b"\0missing")
    return h.hexdigest()


@lru_cache(maxsize=8)
def _load(directory: Path) -> Vocabulary:
    src = {name: _read(directory, name) for name in FILES}
    names, persons, rel, fig, agencies, places = (src[n] for n in FILES)

    def g(data: dict[str, Any], path: str, file: str) -> Any:
        return _get(data, path, directory / file)

    suffixes = {etype: words(table["words"]) for etype, table in g(names, "suffixes", "names.toml").items()}
    subtypes = {sfx: sub for sub, sfxs in g(names, "subtypes", "names.toml").items() for sfx in words(sfxs)}
    regions: dict[str, tuple[str, ...]] = {}
    for item in words(g(places, "regions.names", "places.toml")):
        label, _, aliases = item.partition("=")
        regions[label] = tuple(a for a in aliases.split("|") if a)
    bodies: dict[str, str] = {}
    for item in words(g(agencies, "bodies.agency", "agencies.toml")):
        body, _, etype = item.partition("=")
        bodies[body] = etype or "Agency"
    figures = Figures(
        units=words(g(fig, "units.base", "figures.toml")),
        compound_units=words(g(fig, "units.compound", "figures.toml")),
        multipliers=words(g(fig, "units.multipliers", "figures.toml")),
        counting_units=words(g(fig, "units.counting", "figures.toml")),
        qualifiers_before=_pairs(g(fig, "qualifiers.before", "figures.toml")),
        qualifiers_after=_pairs(g(fig, "qualifiers.after", "figures.toml")),
        not_after=words(g(fig, "not_a_quantity.after", "figures.toml")),
        not_before=words(g(fig, "not_a_quantity.before", "figures.toml")),
        year_patterns={
            k: v for k, v in g(fig, "years", "figures.toml").items() if k not in ("relative", "in_force")
        },
        relative_years={k: int(v) for k, v in _pairs(g(fig, "years.relative", "figures.toml")).items()},
        in_force_years=words(g(fig, "years.in_force", "figures.toml")),
        subject_words={k: words(v) for k, v in g(fig, "subjects", "figures.toml").items()},
    )
    for key, pattern in figures.year_patterns.items():
        try:
            re.compile(pattern)
        except re.error as exc:
            raise VocabularyError(f"{directory / 'figures.toml'}: [years] {key} is not a valid regex ({exc})") from None
    walk = g(names, "walk", "names.toml")
    return Vocabulary(
        directory=directory,
        suffixes=suffixes,
        subtypes=subtypes,
        weak_suffixes=frozenset(words(g(names, "suffix_strength.weak", "names.toml"))),
        generic_ok_suffixes=frozenset(words(g(names, "suffix_strength.generic_ok", "names.toml"))),
        after_place_ok=frozenset(words(g(names, "suffix_strength.after_place_ok", "names.toml"))),
        suffix_continuation=words(g(names, "suffix_continuation.words", "names.toml")),
        suffix_continuation_except=words(g(names, "suffix_continuation.except", "names.toml")),
        segmentation_words=words(g(names, "segmentation.words", "names.toml")),
        stop_tokens=frozenset(words(walk["stop"])),
        stop_chars=walk["stop_chars"],
        stop_tags=words(walk["stop_tags"]),
        name_verbs=frozenset(words(walk["name_verbs"])),
        name_verbs_inside=frozenset(words(walk["name_verbs_inside"])),
        leading_verbs=frozenset(words(walk["leading_verbs"])),
        generic=frozenset(words(g(names, "generic.words", "names.toml"))),
        place_words=frozenset(words(g(names, "places.words", "names.toml"))),
        specific_markers=words(g(names, "places.specific_markers", "names.toml")),
        group_qualifiers=words(g(names, "places.group_qualifiers", "names.toml")),
        leading_trim=g(names, "leading_trim.pattern", "names.toml"),
        quoted_program_suffixes=words(g(names, "quoted.program_suffixes", "names.toml")),
        after_quote=words(g(names, "quoted.after_quote", "names.toml")),
        after_quote_types=_pairs(g(names, "quoted.after_quote_types", "names.toml")),
        list_heads=dict(g(names, "list_heads", "names.toml")),
        surnames=frozenset(g(persons, "surnames.single", "persons.toml").replace(" ", "").replace("\n", "")),
        compound_surnames=words(g(persons, "surnames.compound", "persons.toml")),
        person_title_after=words(g(persons, "context.title_after", "persons.toml")),
        person_title_before=words(g(persons, "context.title_before", "persons.toml")),
        person_verbs_after=words(g(persons, "context.verbs_after", "persons.toml")),
        person_fields=words(g(persons, "context.fields", "persons.toml")),
        triggers={k: " ".join(v.split()) for k, v in g(rel, "triggers", "relations.toml").items()},
        relation_words={k: " ".join(v.split()) for k, v in g(rel, "words", "relations.toml").items()},
        figures=figures,
        agency_bodies=bodies,
        agency_joint=words(g(agencies, "bodies.joint", "agencies.toml")),
        agency_synonyms={
            short: full
            for full, shorts in _pairs(g(agencies, "bodies.synonyms", "agencies.toml")).items()
            for short in shorts.split("|")
            if short != full
        },
        agency_levels=words(g(agencies, "levels.words", "agencies.toml")),
        bank_prefixes=words(g(agencies, "central_bank.prefixes", "agencies.toml")),
        bank_branches=words(g(agencies, "central_bank.branches", "agencies.toml")),
        regulators=words(g(agencies, "central_bank.regulators", "agencies.toml")),
        regions=regions,
        division_suffixes=words(g(places, "divisions.suffixes", "places.toml")),
        short_levels=frozenset(words(g(places, "divisions.short_levels", "places.toml"))),
        not_short=frozenset(words(g(places, "divisions.not_short", "places.toml"))),
        abbreviations=_pairs(g(places, "jurisdictions.abbreviations", "places.toml")),
        scoped_names=frozenset(words(g(places, "jurisdictions.scoped", "places.toml"))),
        digest=vocabulary_digest(directory),
    )


def load_vocabulary(directory: Path | str | None = None) -> Vocabulary:
    """Load (and cache) the vocabulary of ``directory``; ``None`` loads the shipped ``ontology/``.

    Raises :class:`VocabularyError` naming the file and what to fix.
    """
    return _load(Path(directory).resolve() if directory is not None else DEFAULT_DIR)
