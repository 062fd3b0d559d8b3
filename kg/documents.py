"""Read source documents: decode bytes, strip markup, join page breaks, parse the header.

The first pipeline stage. ``Document.text`` is the text as decoded (a byte-order mark is
removed, nothing else), and every offset the later stages report is an offset into it.
``Document.clean`` is the view the analysis works on: Markdown emphasis, heading marks and
HTML tags removed, layout page breaks inside sentences joined, runs of spaces collapsed;
``Document.offsets[i]`` is the index in ``text`` of ``clean[i]``.

Example
-------
>>> doc = read_text_document("**一是**优化在线服务，发挥热线等线上平台作用，做好政\\n\\n策咨询等服务。")
>>> doc.clean, doc.offsets[:4]
('一是优化在线服务，发挥热线等线上平台作用，做好政策咨询等服务。', [2, 3, 6, 7])
"""

from __future__ import annotations

import functools
import hashlib
import html as _html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from kg._header import parse_header
from kg.errors import InputError
from kg.model import Document, Sentence

__all__ = [
    "analysis_text",
    "SUFFIXES",
    "DocumentError",
    "decode",
    "read_document",
    "read_text_document",
    "iter_paths",
    "clean_text",
    "split_sentences",
    "parse_header",
]

#: File suffixes read as documents when a directory is expanded.
SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm")
_HTML_SUFFIXES = (".html", ".htm")


class DocumentError(InputError):
    """A document cannot be read; the message is one line naming the file and what to do."""


# --------------------------------------------------------------------------- decoding

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP/Office"),
)
_CONTROL_BYTES = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}
_SAMPLE = 8192


def _binary_error(name: str, what: str) -> DocumentError:
    return DocumentError(
        f"{name}: looks like a binary file ({what}), not text; "
        "convert it to a .txt, .md or .html text file first"
    )


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit almost only at odd/even positions."""
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if even + odd < max(2, len(sample) // 100):
        return None
    if odd >= 9 * even:
        return "utf-16-le"
    if even >= 9 * odd:
        return "utf-16-be"
    return None


def _too_many_controls(text: str) -> bool:
    sample = text[:_SAMPLE]
    bad = sum(1 for ch in sample if ord(ch) in _CONTROL_BYTES or ch == "\x7f")
    return bad > max(2, len(sample) // 20)


def decode(data: bytes, *, name: str = "<bytes>") -> str:
    """Decode document bytes strictly: UTF-8 (± BOM), UTF-16 (BOM or NUL pattern), GB18030/GBK.

    The byte-order mark is removed, so offsets into the result start at the first
    character after it. Raises :class:`DocumentError` for empty, binary (PDF, images,
    ZIP, many control bytes) or undecodable input; ``name`` is used in the message.

    >>> decode("沪科提复".encode("gbk"), name="a.txt")
    '沪科提复'
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _binary_error(name, what)
    candidates: list[tuple[str, bytes]]
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8", data[3:])]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        candidates = [(enc, data[2:])]
    elif b"\x00" in data[:_SAMPLE]:
        enc16 = _utf16_without_bom(data[:_SAMPLE])
        if enc16 is None:
            raise _binary_error(name, "NUL bytes")
        candidates = [(enc16, data)]
    else:
        sample = data[:_SAMPLE]
        if sum(1 for b in sample if b in _CONTROL_BYTES) > max(2, len(sample) // 20):
            raise _binary_error(name, "control bytes")
        candidates = [("utf-8", data), ("gb18030", data)]
    for enc, payload in candidates:
        try:
            text = payload.decode(enc)
        except UnicodeDecodeError:
            continue
        if not text.strip():
            raise DocumentError(f"{name}: the file is empty; give a document with text in it")
        if _too_many_controls(text):
            raise _binary_error(name, "control characters")
        return text
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty; give a document with text in it")
    raise DocumentError(f"{name}: is not UTF-8, UTF-16 or GB18030 text; convert it to UTF-8")


# --------------------------------------------------------------------------- HTML

_HTML_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|noscript|template)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>"
    r"|<[!?][^>]*>"
    r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);?",
    re.S,
)
_BLOCK_TAGS = frozenset(
    "p br div li ul ol h1 h2 h3 h4 h5 h6 tr table thead tbody tfoot section article header "
    "footer nav aside main blockquote pre hr title dd dt dl figure figcaption address".split()
)
_CELL_TAGS = frozenset({"td", "th"})


def _strip_html(text: str) -> tuple[str, list[int]]:
    """Tags out, block tags → newline, entities decoded; newlines in text → spaces."""
    parts: list[str] = []
    offsets: list[int] = []

    def copy(a: int, b: int) -> None:
        if a < b:
            parts.append(text[a:b].replace("\n", " ").replace("\r", " "))
            offsets.extend(range(a, b))

    pos = 0
    for m in _HTML_TOKEN.finditer(text):
        copy(pos, m.start())
        pos = m.end()
        tok = m.group(0)
        if tok.startswith("&"):
            decoded = _html.unescape(tok)
            if decoded == tok:
                copy(m.start(), m.end())
            else:
                decoded = decoded[: len(tok)]
                parts.append(decoded)
                offsets.extend(range(m.start(), m.start() + len(decoded)))
        elif m.group(2):
            tag = m.group(2).lower()
            if tag in _BLOCK_TAGS:
                parts.append("\n")
                offsets.append(m.start())
            elif tag in _CELL_TAGS:
                parts.append(" ")
                offsets.append(m.start())
    copy(pos, len(text))
    return "".join(parts), offsets


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


def clean_text(text: str, *, html: bool = False) -> tuple[str, list[int]]:
    """Strip markup and join page breaks; return ``(clean, offsets)`` with ``text[offsets[i]]``.

    Markdown ``**``/``__``, heading ``#``s, ``>`` quotes and ``---`` rules are removed (with
    ``html=True`` instead: tags removed, script/style dropped, block tags → newline, entities
    decoded — a decoded character maps to the entity's ``&``). Spaces are collapsed to one and
    dropped between two CJK characters. A line cut by a layout page break (a long prose line
    ending in a CJK character, ``，``, ``、``, ``《``, ``（``, ``“``, digit or letter, followed
    after blank lines by a line that is not a heading or bullet and ends the sentence) is
    joined to the next. Other line ends stay, blank lines collapse to one. Linear time.

    >>> clean_text("张江复旦国际创新中心、同济大学科学中心、张江复旦国际创\\n\\n新中心等机构。")[0]
    '张江复旦国际创新中心、同济大学科学中心、张江复旦国际创新中心等机构。'
    """
    if html:
        src, base = _strip_html(text)
    else:
        src, base = text, None
    bounds: list[tuple[int, int]] = []
    pos = 0
    while True:
        nl = src.find("\n", pos)
        if nl < 0:
            bounds.append((pos, len(src)))
            break
        bounds.append((pos, nl))
        pos = nl + 1
    lines = [_clean_line(src, a, b, markdown=not html) for a, b in bounds]
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
    positions: list[int] = []  # indexes into src

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
    clean = "".join(parts)
    offsets = positions if base is None else [base[p] for p in positions]
    return clean, offsets


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


def _is_html(path: str, text: str) -> bool:
    if path.lower().endswith(_HTML_SUFFIXES):
        return True
    return text.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))


def read_text_document(
    text: str, *, id: str = "doc", path: str = "<text>", html: bool | None = None
) -> Document:
    """Build a :class:`Document` from a string (HTML if ``html`` or the path/content says so).

    ``sha256`` is the hash of the UTF-8 encoding of ``text``.
    """
    if html is None:
        html = _is_html(path, text)
    clean, offsets = clean_text(text, html=html)
    return Document(
        id=id,
        path=path,
        text=text,
        clean=clean,
        offsets=offsets,
        meta=parse_header(clean),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def read_document(path: str | Path) -> Document:
    """Read one document file: decode, clean, parse the header; ``id`` is the file stem.

    Raises :class:`DocumentError` for a missing or unreadable file (see :func:`decode`).
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
    text = decode(data, name=str(path))
    doc = read_text_document(text, id=p.stem, path=str(path))
    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc


def _is_document(path: Path, root: Path) -> bool:
    rel = path.relative_to(root)
    return (
        path.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in rel.parts)
        and path.stem.lower() != "readme"
        and path.is_file()
    )


def iter_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and directories into the document files to read, in a stable order.

    Directories are searched recursively for ``SUFFIXES`` files (sorted; hidden files and
    README files skipped); files are taken as given; duplicates are dropped.
    Raises :class:`DocumentError` for a missing path or a directory without documents.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for item in paths:
        p = Path(item)
        if p.is_dir():
            docs = sorted(f for f in p.rglob("*") if _is_document(f, p))
            if not docs:
                raise DocumentError(
                    f"{item}: contains no .txt/.md/.html documents; give a folder with documents"
                )
        elif p.exists():
            docs = [p]
        else:
            raise DocumentError(f"{item}: no such file or directory; check the path")
        for doc in docs:
            if doc not in seen:
                seen.add(doc)
                found.append(doc)
    return found
