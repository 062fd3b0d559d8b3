"""The one owner of name normalisation: which characters a name drops, and how names compare.

Two forms of a name, derived from one character set (:data:`DROP_CHARS`):

- :func:`clean_name` — NFKC, then whitespace and quote marks removed, case kept. IRIs are
  minted from it (``res:Platform/InnoMatch全球技术供需对接平台`` keeps its capitals) and the
  lexicon matches in it.
- :func:`name_key` — :func:`clean_name` case-folded: the form in which two names count as the
  same name (``kg connect``, ``kg show``, the explorer's search, resolution).

The explorer's JavaScript does not keep a copy of the set: the page is written with
:data:`DROP_PATTERN` (a regular-expression source valid in Python and JavaScript) and
:func:`casefold_table` embedded, so both sides normalise alike (checked in a browser test).

Punctuation inside names (，、·：) is kept: it is part of names such as
《技术转移，技术评价规范》, and NFKC already makes full-width and ASCII forms (， and ,) equal.

Examples
--------
>>> clean_name("《InnoMatch 全球技术供需对接平台》")
'InnoMatch全球技术供需对接平台'
>>> name_key("“ＩｎｎｏＭａｔｃｈ” 平台") == name_key("innomatch平台")
True
>>> name_key("上海市科技创新券管理办法(试行)") == name_key("《上海市科技创新券管理办法（试行）》")
True
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "QUOTE_MARKS",
    "WHITESPACE",
    "DROP_CHARS",
    "DROP_PATTERN",
    "clean_name",
    "name_key",
    "casefold_table",
    "fold_char",
]

#: Quote and title marks that surround names in the documents and are never part of one.
QUOTE_MARKS = "《》〈〉“”\"'‘’「」『』"

#: Every character Python counts as whitespace (all lie below U+3001).
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())

#: The characters a name drops: whitespace and quote marks.
DROP_CHARS = WHITESPACE + QUOTE_MARKS

#: :data:`DROP_CHARS` as a regular expression source, written with ``\\uXXXX`` escapes so that
#: Python's ``re`` and JavaScript's ``RegExp`` read the same class.
DROP_PATTERN = "[" + "".join(f"\\u{ord(c):04x}" for c in DROP_CHARS) + "]+"

_DROP = re.compile(DROP_PATTERN)


def clean_name(name: str) -> str:
    """A name as IRIs and the lexicon use it: NFKC, no whitespace or quote marks, case kept.

    Parameters
    ----------
    name : str
        A name as written in a document or typed by a user.

    Examples
    --------
    >>> clean_name("《上海市 科技创新券》")
    '上海市科技创新券'
    >>> clean_name("ＩｎｎｏＭａｔｃｈ\\u3000平台")
    'InnoMatch平台'
    """
    return _DROP.sub("", unicodedata.normalize("NFKC", name))


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The form in which two names count as the same name: :func:`clean_name`, case-folded.

    Examples
    --------
    >>> name_key(" 《ＡＢ 科委》")
    'ab科委'
    >>> name_key("Straße") == name_key("STRASSE")
    True
    """
    return clean_name(name).casefold()


@functools.lru_cache(maxsize=65536)
def fold_char(char: str) -> str:
    """One character as :func:`name_key` sees it (NFKC, case-folded), where that is one character.

    Matchers that work on the raw text fold it character by character, so that their offsets
    stay offsets into the text; a character whose folding is longer is kept as it is.

    >>> fold_char("Ａ"), fold_char("（"), fold_char("ß")
    ('a', '(', 'ß')
    """
    folded = unicodedata.normalize("NFKC", char).casefold()
    return folded if len(folded) == 1 else char


@functools.lru_cache(maxsize=1)
def casefold_table() -> dict[str, str]:
    """Characters whose case folding differs from their lower case (ß → ss, ς → σ …).

    JavaScript has ``toLowerCase`` but no case folding; lower-casing and then replacing
    these characters gives exactly ``str.casefold``.

    >>> casefold_table()["ß"]
    'ss'
    """
    table = {}
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        if char.lower() == char and char.casefold() != char:
            table[char] = char.casefold()
    return table
