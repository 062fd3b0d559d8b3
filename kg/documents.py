"""Read source documents: decode bytes, strip markup, join page breaks, parse the header.

The first pipeline stage. ``Document.text`` is the text as decoded (a byte-order mark is
removed, nothing else), and every offset the later stages report is an offset into it.
``Document.clean`` is the view the analysis works on: Markdown emphasis, heading marks and
HTML tags removed, layout page breaks inside sentences joined, runs of spaces collapsed;
``Document.offsets[i]`` is the index in ``text`` of ``clean[i]``.

Example
-------
>>> doc = read_text_document("**一是**优化在线服务，发挥热线等线上平台作用，做好政\\n\\n策咨询等服务。")
>>> doc.clean, list(doc.offsets[:4])
('一是优化在线服务，发挥热线等线上平台作用，做好政策咨询等服务。', [2, 3, 6, 7])
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from kg._header import parse_header
from kg.errors import DocumentError
from kg.model import Document, Sentence
from kg.readers import SUFFIXES as _READER_SUFFIXES
from kg.readers import Format, Reading
from kg.readers import read as read_bytes
from kg.readers.text import decode

__all__ = [
    "analysis_text",
    "SUFFIXES",
    "DocumentError",
    "Format",
    "iter_sources",
    "decode",
    "read_document",
    "read_text_document",
    "iter_paths",
    "clean_text",
    "split_sentences",
    "parse_header",
]

#: File suffixes of the formats stikg reads (:mod:`kg.readers`).
SUFFIXES: tuple[str, ...] = _READER_SUFFIXES

#: File names a folder may hold that are not documents: they are listed as ignored, not read.
_NOT_DOCUMENTS = ("readme",)


# --------------------------------------------------------------------------- clean text

_SPACE = " \t\u3000\xa0\r\f\v"
_RULE = re.compile(r"(?:[-*_]\s*){3,}")
_MD_HEADING = re.compile(r"#{1,6}[ \t]+|>[ \t]?")
_MD_EMPHASIS = re.compile(r"\*\*|__")
_SPACE_RUN = re.compile(r"[ \t\u3000\xa0\r\f\v]+")
_WIDE = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2014\u2018-\u201d\u2026]"
)
_SECTION = re.compile(
    r"(?:第[一二三四五六七八九十百\d]+[章节部分篇]|[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}(?:\.\d{1,2})*(?:\s|[、.．](?!\d))|\d{1,2}月$)"
)
_BULLET_START = re.compile(r"[-*+•·◆◇▶►■□●○»|]")
_TERMINAL = re.compile(r"[。！？!?][”’\"'）)」』》】]*$")
_BREAKABLE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff，、《（“0-9A-Za-z]$")
_CLAUSE = re.compile(r"[，、；：,;。]")

#: A line shorter than this (clean characters) is never the first half of a page break.
MIN_PAGE_LINE = 20
#: A line at least this long continues a page break even without sentence-final punctuation.
LONG_LINE = 50


class _Line(NamedTuple):
    """One line being cleaned: kept ``(start, end, replacement)`` spans and its clean text."""

    pieces: list[tuple[int, int, str | None]]
    text: str
    md_heading: bool


def _clean_line(src: str, a: int, b: int, *, markdown: bool) -> _Line:
    """Markup and extra spaces out of ``src[a:b]`` (one line without its newline)."""
    line = src[a:b]
    lead = len(line) - len(line.lstrip(_SPACE))
    stop = len(line.rstrip(_SPACE))
    md_heading = False
    if lead >= stop:
        return _Line([], "", False)
    if markdown:
        if _RULE.fullmatch(line, lead, stop):
            return _Line([], "", False)
        m = _MD_HEADING.match(line, lead, stop)
        if m:
            md_heading = m.group(0).startswith("#")
            lead = m.end()
    # spans of line kept after removing emphasis markers
    spans: list[tuple[int, int]] = []
    pos = lead
    if markdown:
        for m in _MD_EMPHASIS.finditer(line, lead, stop):
            if pos < m.start():
                spans.append((pos, m.start()))
            pos = m.end()
    if pos < stop:
        spans.append((pos, stop))
    kept = "".join(line[s:e] for s, e in spans)
    if not _SPACE_RUN.search(kept):  # fast path: nothing left to collapse
        return _Line([(a + s, a + e, None) for s, e in spans], kept, md_heading)
    pieces: list[tuple[int, int, str | None]] = []
    out: list[str] = []
    cursor = [0, 0]  # [index into spans, offset of that span in `kept`]

    def emit(k0: int, k1: int) -> None:
        """Keep ``kept[k0:k1]``; calls come in increasing order, so a cursor suffices."""
        while k0 < k1:
            idx, base = cursor
            s, e = spans[idx]
            if k0 >= base + e - s:
                cursor[0], cursor[1] = idx + 1, base + e - s
                continue
            run = min(k1, base + e - s) - k0
            pieces.append((a + s + k0 - base, a + s + k0 - base + run, None))
            k0 += run

    k = 0
    for m in _SPACE_RUN.finditer(kept):
        emit(k, m.start())
        out.append(kept[k : m.start()])
        k = m.end()
        before = kept[m.start() - 1] if m.start() else ""
        after = kept[m.end()] if m.end() < len(kept) else ""
        if before and after and not (_WIDE.match(before) and _WIDE.match(after)):
            emit(m.start(), m.start() + 1)
            if kept[m.start()] != " ":  # a tab or ideographic space becomes " "
                pieces[-1] = (pieces[-1][0], pieces[-1][1], " ")
            out.append(" ")
    emit(k, len(kept))
    out.append(kept[k:])
    return _Line(pieces, "".join(out), md_heading)


def _is_heading(line: _Line) -> bool:
    return line.md_heading or bool(
        _SECTION.match(line.text) and not re.search(r"[。！？；]", line.text)
    )


def _starts_block(line: _Line) -> bool:
    return _is_heading(line) or bool(_BULLET_START.match(line.text))


def _breaks_before(prev: _Line) -> bool:
    """``prev`` looks like a page line cut in the middle of a sentence."""
    text = prev.text
    return (
        len(text) >= MIN_PAGE_LINE
        and bool(_BREAKABLE.search(text))
        and not _is_heading(prev)
        and (bool(_CLAUSE.search(text)) or len(text) >= 35)
    )


def clean_text(text: str, *, format: Format = Format.TEXT) -> tuple[str, array[int]]:
    """Strip markup and join page breaks; return ``(clean, offsets)`` with ``text[offsets[i]]``
    (an array of machine integers: a Python int per character would take 36 bytes).

    For text and Markdown (``format`` TEXT or MARKDOWN) Markdown ``**``/``__``, heading ``#``s,
    ``>`` quotes and ``---`` rules are removed; the text other readers produce (web pages,
    PDF, Word) has no markup and keeps every character. Spaces are collapsed to one and
    dropped between two CJK characters. A line cut by a layout page break (a long prose line
    ending in a CJK character, ``，``, ``、``, ``《``, ``（``, ``“``, digit or letter, followed
    after blank lines by a line that is not a heading or bullet and ends the sentence) is
    joined to the next. Other line ends stay, blank lines collapse to one. Linear time.

    >>> clean_text("张江复旦国际创新中心、同济大学科学中心、张江复旦国际创\\n\\n新中心等机构。")[0]
    '张江复旦国际创新中心、同济大学科学中心、张江复旦国际创新中心等机构。'
    """
    markdown = format in (Format.TEXT, Format.MARKDOWN)
    src = text
    bounds: list[tuple[int, int]] = []
    pos = 0
    while True:
        nl = src.find("\n", pos)
        if nl < 0:
            bounds.append((pos, len(src)))
            break
        bounds.append((pos, nl))
        pos = nl + 1
    lines = [_clean_line(src, a, b, markdown=markdown) for a, b in bounds]
    filled = [i for i, line in enumerate(lines) if line.text]
    # joins[k]: filled[k] continues into filled[k + 1]; decided right to left for chains
    joins = [False] * len(filled)
    for k in range(len(filled) - 2, -1, -1):
        prev, nxt = lines[filled[k]], lines[filled[k + 1]]
        joins[k] = (
            _breaks_before(prev)
            and not _starts_block(nxt)
            and (bool(_TERMINAL.search(nxt.text)) or len(nxt.text) >= LONG_LINE or joins[k + 1])
        )
    parts: list[str] = []
    positions = array("q")  # indexes into src

    for k, i in enumerate(filled):
        for s, e, repl in lines[i].pieces:
            if repl is None:
                parts.append(src[s:e])
                positions.extend(range(s, e))
            else:
                parts.append(repl)
                positions.append(s)
        if k + 1 < len(filled) and not joins[k]:
            parts.append("\n")
            positions.append(bounds[i][1])
            if filled[k + 1] > i + 1:
                parts.append("\n")
                positions.append(bounds[i + 1][1])
    return "".join(parts), positions


# --------------------------------------------------------------------------- analysis view

_ASCII_PUNCT = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
_WIDE_ALNUM = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}


def analysis_text(clean: str) -> str:
    """The text the rules read: ``clean`` with one character for one, so offsets are shared.

    Traditional characters become simplified (OpenCC ``t2s``; a line whose conversion
    changes its length is converted character by character), full-width letters and
    digits become ASCII, and ASCII punctuation between words becomes the full-width
    punctuation of Chinese text (``,`` → ``，``; not inside numbers such as ``1,000`` or
    times such as ``17:35``). Labels and evidence are still taken from ``clean``.

    >>> analysis_text("上海交大嘉興科技園,成交３６８項(2023年):1,000")
    '上海交大嘉兴科技园，成交368项（2023年）：1,000'
    """
    text = _to_simplified(clean).translate(_WIDE_ALNUM)
    if not any(c in text for c in _ASCII_PUNCT):
        return text
    out = list(text)
    for i, ch in enumerate(out):
        wide = _ASCII_PUNCT.get(ch)
        if wide is None:
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in ",:" and prev.isdigit() and nxt.isdigit():
            continue  # 1,000 and 17:35
        if ch == ":" and nxt == "/":
            continue  # http://
        if ch in "()" and (prev.isascii() and prev.isalnum()) and (nxt.isascii() and (nxt.isalnum() or not nxt)):
            continue  # f(x), ASCII text
        out[i] = wide
    return "".join(out)


def _to_simplified(text: str) -> str:
    """OpenCC traditional → simplified, keeping the length (and so every offset) of ``text``."""
    converter = _opencc()
    if converter is None:
        return text
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    lines = []
    for line in text.split("\n"):
        new = converter.convert(line)
        if len(new) != len(line):
            new = "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in line)
        lines.append(new)
    return "\n".join(lines)


@functools.lru_cache(maxsize=1)
def _opencc() -> Any:
    try:
        import opencc
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return opencc.OpenCC("t2s")


# --------------------------------------------------------------------------- sentences

_SENTENCE_END = re.compile(
    r"[。！？!?]+[”’\"'）)」』》】]*(?:\s*\[\d{1,2}\])*|\n|(?:\s*\[\d{1,2}\])+|(?<=[^\d\s])\s+-\s+(?=[^\d\s])"
)
_LEAD_STRIP = re.compile(r"(?:[\s\u3000]+|[-*+•·◆◇▶►■□●○»](?:\s+|(?=[^\d.])|$))+")


def split_sentences(clean: str) -> list[Sentence]:
    """Sentences of a clean text, in clean offsets.

    A sentence ends at ``。！？`` (closing quotes and brackets after them included), at a
    line end, at an inline bullet (`` - `` between words, as pages that flatten lists write
    them) and at citation marks (``[1][2]``), so bullets, headings and table rows are
    sentences of their own; ``；`` does not end one. Surrounding whitespace and leading
    bullet markers are left out of the span.

    >>> [s.text for s in split_sentences("一是支持平台。二是“鼓励合作！”\\n- ◆ 加大力度")]
    ['一是支持平台。', '二是“鼓励合作！”', '加大力度']
    """
    sentences: list[Sentence] = []
    start = 0
    for m in _SENTENCE_END.finditer(clean):
        # a line break, an inline bullet ( - ) or citation marks ([1][2]) end a sentence but are not in it
        end = m.end() if m.group(0)[0] in "。！？!?" else m.start()
        _add_sentence(clean, start, end, sentences)
        start = m.end()
    _add_sentence(clean, start, len(clean), sentences)
    return sentences


def _add_sentence(clean: str, start: int, end: int, out: list[Sentence]) -> None:
    lead = _LEAD_STRIP.match(clean, start, end)
    if lead:
        start = lead.end()
    while end > start and clean[end - 1] in _SPACE + "\n":
        end -= 1
    if start < end:
        out.append(Sentence(start, end, clean[start:end]))


# --------------------------------------------------------------------------- files


def _document(reading: Reading, *, id: str, path: str, sha256: str) -> Document:
    """A :class:`Document` of what a reader produced: cleaned, header parsed, gaps filled.

    What the header says comes first — read in the text as written, then, for what that
    leaves open, in its :func:`analysis_text` view (a traditional-script or full-width 文号
    is found, in simplified script); the title, date and publisher the file declares (a
    page's ``<meta>``, a PDF's title) fill what the header leaves open, and a declared date
    gives the document's year.
    """
    clean, offsets = clean_text(reading.text, format=reading.format)
    meta = parse_header(clean)
    analysed = analysis_text(clean)
    if analysed != clean:  # traditional script, full-width digits: what the header left open
        found = parse_header(analysed)
        for f in dataclasses.fields(meta):
            if not getattr(meta, f.name) and getattr(found, f.name):
                setattr(meta, f.name, getattr(found, f.name))
    if meta.title is None and reading.title:
        meta.title = reading.title
    if meta.date is None and reading.date:
        meta.date = reading.date
        meta.year = int(reading.date[:4])
    if reading.publisher:
        meta.publisher = reading.publisher
    return Document(id=id, path=path, text=reading.text, clean=clean, offsets=offsets, meta=meta,
                    sha256=sha256, format=reading.format.value, notes=list(reading.notes))


def read_text_document(
    text: str, *, id: str = "doc", path: str = "<text>", format: Format | None = None
) -> Document:
    """Build a :class:`Document` from a string; ``format`` by default from the path and content.

    A web page is read by :mod:`kg.readers.html` (its main content becomes the text); other
    strings are text or Markdown. ``sha256`` is the hash of the UTF-8 encoding of ``text``.
    """
    data = text.encode("utf-8")
    if format is None:
        from kg.readers import html

        suffix = Path(path).suffix.lower()
        format = Format.HTML if html.sniff(data, suffix) else (
            Format.MARKDOWN if suffix in (".md", ".markdown") else Format.TEXT)
    reading = read_bytes(data, path, format) if format == Format.HTML else Reading(text, format)
    return _document(reading, id=id, path=path, sha256=hashlib.sha256(data).hexdigest())


def read_document(path: str | Path, *, id: str | None = None) -> Document:
    """Read one document file of any supported format; ``id`` defaults to the file stem.

    The format is sniffed from the bytes (:func:`kg.readers.sniff`); ``sha256`` is the hash
    of the file's bytes. Raises :class:`DocumentError` — one line naming the file and what
    to do — for a missing, unreadable, unsupported, empty, scanned or encrypted file.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise DocumentError(f"{path}: is a directory; give a document file") from None
    except OSError as err:
        raise DocumentError(f"{path}: cannot be read ({err.strerror}); check permissions") from None
    reading = read_bytes(data, str(path))
    return _document(reading, id=id or p.stem, path=str(path), sha256=hashlib.sha256(data).hexdigest())


def iter_sources(
    paths: Iterable[str | Path], *, exclude: Iterable[str | Path] = ()
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to read under ``paths``, in a stable order, and the files left out with the reason.

    Directories are searched recursively (sorted). Every file is taken whatever its suffix —
    one that is not a document fails when read and is reported with its reason — except
    hidden files and folders (one entry per hidden top-level entry), README files and the
    files in ``exclude`` (such as the manifest), which are returned as ignored. Files given
    by name are taken as given; duplicates are dropped. Raises :class:`DocumentError` for a
    missing path or a folder without files.
    """
    skip = {Path(e).resolve() for e in exclude}
    found: list[Path] = []
    ignored: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for item in paths:
        p = Path(item)
        if p.is_dir():
            docs = []
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if any(part.startswith(".") for part in rel.parts[:-1]):
                    continue  # inside a hidden folder, which is listed once
                if rel.name.startswith("."):
                    ignored.append((f, "hidden"))
                elif f.is_dir():
                    continue
                elif f.resolve() in skip:
                    ignored.append((f, "the manifest"))
                elif f.stem.lower() in _NOT_DOCUMENTS:
                    ignored.append((f, "a README, not a document"))
                else:
                    docs.append(f)
            if not docs:
                raise DocumentError(
                    f"{item}: contains no documents; give a folder with .txt, .html, .pdf or .docx files"
                )
        elif p.exists():
            docs = [p]
        else:
            raise DocumentError(f"{item}: no such file or directory; check the path")
        for doc in docs:
            if doc not in seen:
                seen.add(doc)
                found.append(doc)
    return found, ignored


def iter_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The files :func:`iter_sources` would read under ``paths``."""
    return iter_sources(paths)[0]
