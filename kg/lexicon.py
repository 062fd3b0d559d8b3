"""The curated domain lexicon (``ontology/lexicon.tsv``): typed names, aliases, jieba words.

The file has one real thing per line, ``type<TAB>label<TAB>aliases`` with aliases
separated by ``|``; ``#`` lines and blank lines are ignored. Rows typed ``-`` list phrases
that contain a name but name nothing (科技部门 is not 科技部), for matchers to step over.
See ``ontology/LEXICON.md``.

Example
-------
>>> lex = load_lexicon()
>>> lex.by_name("市科委").label
'上海市科学技术委员会'
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.model import ENTITY_TYPES, SUBCLASS_OF
from kg.names import clean_name

__all__ = [
    "DEFAULT_PATH",
    "NOT_A_NAME",
    "SUBCLASS_OF",
    "TYPES",
    "Lexicon",
    "LexiconEntry",
    "LexiconError",
    "load_lexicon",
    "normalize_name",
    "parse_lexicon",
]

#: The shipped lexicon, next to the ontology.
DEFAULT_PATH: Path = Path(__file__).resolve().parent.parent / "ontology" / "lexicon.tsv"

#: Subclasses used in the lexicon → the SPEC class they specialise.

#: Every type a lexicon row may carry.
TYPES: frozenset[str] = frozenset(ENTITY_TYPES) | frozenset(SUBCLASS_OF)

#: Row type of phrases that contain a name but are not one (科技部门, 上海银行业, 提高企业).
NOT_A_NAME = "-"

#: jieba's tag for each SPEC class (nt organisation, ns place, nr person, nz other name).
_JIEBA_TAGS: dict[str, str] = {"Agency": "nt", "Organization": "nt", "Place": "ns", "Person": "nr"}

#: What jieba keeps together in one block; names with other characters cannot be one jieba word.
_JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")

_MIN_LENGTH = 2

#: jieba frequency by name length (longer names: 10000).
_JIEBA_FREQ: dict[int, int] = {2: 1000, 3: 3000}


#: Matching key of a lexicon name (NFKC, no whitespace or quote marks, case kept): the one
#: normaliser of :mod:`kg.names`, kept under this name for the modules that import it from here.
normalize_name = clean_name


class LexiconError(ValueError):
    """A malformed lexicon file; the message names the file and line and says what to fix."""

    def __init__(self, path: Path | str, line: int | None, what: str) -> None:
        super().__init__(f"{path}:{line}: {what}" if line else f"{path}: {what}")
        self.path = str(path)
        self.line = line


@dataclass(frozen=True)
class LexiconEntry:
    """One real thing: its most specific ``type``, SPEC ``base_type``, canonical ``label``, ``aliases``."""

    type: str
    base_type: str
    label: str
    aliases: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The label followed by the aliases."""
        return (self.label, *self.aliases)


class Lexicon:
    """The loaded lexicon: entries in file order, lookup by any name, non-names to step over."""

    def __init__(self, entries: list[LexiconEntry], blocked: tuple[str, ...] = ()) -> None:
        self.entries: tuple[LexiconEntry, ...] = tuple(entries)
        self._blocked = tuple(sorted(blocked, key=lambda n: (-len(n), n)))
        self._index: dict[str, LexiconEntry] = {
            normalize_name(name): entry for entry in self.entries for name in entry.names
        }

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[LexiconEntry]:
        return iter(self.entries)

    def by_name(self, name: str) -> LexiconEntry | None:
        """The entry whose label or alias equals ``name`` after :func:`normalize_name`."""
        return self._index.get(normalize_name(name))

    def names(self) -> list[str]:
        """Every label and alias as written, longest first (ties in code-point order)."""
        return sorted((n for e in self.entries for n in e.names), key=lambda n: (-len(n), n))

    def blocked(self) -> list[str]:
        """Phrases that contain a name but are not one, longest first.

        A raw-text matcher adds them as patterns that yield nothing, so that the
        longest match (科技部门) hides the shorter name inside it (科技部).
        """
        return list(self._blocked)

    def jieba_words(self) -> list[tuple[str, int, str]]:
        """``(word, freq, tag)`` for ``jieba.add_word``, longest first.

        Words are the normalised names that jieba can hold as one token (CJK, Latin
        letters, digits). Frequencies grow with length but stay modest: a name only
        needs to beat its own pieces, and must not steal characters from ordinary
        neighbouring words (提交大量 stays 提交/大量 despite 交大).
        """
        words = []
        for entry in self.entries:
            tag = _JIEBA_TAGS.get(entry.base_type, "nz")
            for name in entry.names:
                word = normalize_name(name)
                if _JIEBA_BLOCK.fullmatch(word):
                    words.append((word, _JIEBA_FREQ.get(len(word), 10000), tag))
        return sorted(words, key=lambda w: (-len(w[0]), w[0]))


def _parse_row(path: Path, lineno: int, line: str) -> LexiconEntry:
    """One ``type<TAB>label[<TAB>aliases]`` row → entry (no cross-row checks)."""
    cols = line.split("\t")
    if len(cols) not in (2, 3):
        raise LexiconError(
            path,
            lineno,
            f"expected 2 or 3 tab-separated columns (type, label, aliases), got {len(cols)}",
        )
    type_, label = cols[0].strip(), cols[1].strip()
    if type_ not in TYPES and type_ != NOT_A_NAME:
        raise LexiconError(
            path,
            lineno,
            f"unknown type {type_!r}; use one of {', '.join(sorted(TYPES))} or {NOT_A_NAME!r}",
        )
    aliases: list[str] = []
    if len(cols) == 3 and cols[2].strip():
        aliases = [a.strip() for a in cols[2].split("|")]
    for name in (label, *aliases):
        if len(normalize_name(name)) < _MIN_LENGTH:
            raise LexiconError(
                path, lineno, f"name {name!r} is empty or shorter than {_MIN_LENGTH} characters"
            )
    return LexiconEntry(type_, SUBCLASS_OF.get(type_, type_), label, tuple(aliases))


def parse_lexicon(text: str, path: Path | str = "<lexicon>") -> Lexicon:
    """Parse lexicon text; raise :class:`LexiconError` at the first malformed row."""
    path = Path(path)
    entries: list[LexiconEntry] = []
    blocked: list[str] = []
    seen: dict[str, tuple[int, str]] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entry = _parse_row(path, lineno, line)
        for name in entry.names:
            key = normalize_name(name)
            if key in seen:
                other_line, other = seen[key]
                where = "this line" if other_line == lineno else f"line {other_line}"
                raise LexiconError(
                    path,
                    lineno,
                    f"duplicate name {name!r} (already {other!r} on {where}); keep one",
                )
            seen[key] = (lineno, name)
        if entry.type == NOT_A_NAME:
            blocked.extend(entry.names)
        else:
            entries.append(entry)
    return Lexicon(entries, tuple(blocked))


@lru_cache(maxsize=8)
def _load(path: Path) -> Lexicon:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LexiconError(
            path, None, "lexicon file not found; pass an existing .tsv path"
        ) from None
    except UnicodeDecodeError as exc:
        raise LexiconError(
            path, None, f"not UTF-8 ({exc.reason}); save the file as UTF-8"
        ) from None
    return parse_lexicon(text, path)


def load_lexicon(path: Path | str | None = None) -> Lexicon:
    """Load (and cache) a lexicon file; ``None`` loads the shipped ``ontology/lexicon.tsv``.

    Raises :class:`LexiconError` naming the file and line of the first malformed row.
    """
    return _load(Path(path).resolve() if path is not None else DEFAULT_PATH)
