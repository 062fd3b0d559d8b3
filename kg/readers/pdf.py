"""PDF files: the text layer by PyMuPDF, lines joined into paragraphs, headers and footers out.

PyMuPDF was chosen by measurement on Chinese PDFs printed by Chromium from three corpus
documents (``scripts/pdf_libraries.py``): it returned every character of the source
(recall and precision 1.000), where pypdf and pdfplumber returned Kangxi radicals (⼯ for 工,
⽂ for 文) and ASCII punctuation for full-width (recall 0.92–0.94), and it was the fastest.

What the reader does with the text layer:

* **lines → paragraphs**: a line that reaches the right edge of the text on its page and is
  followed by a line that is not indented continues into it (joined without a space between
  Chinese characters, with one between Latin letters or digits), across a page break too, so
  a name broken across a line or a page is found; other line ends end a paragraph, and
  paragraphs are separated by a blank line;
* **headers, footers, page numbers**: the first and last lines of a page are dropped when
  they are a page number (``— 3 —``, ``- 3 -``, ``第3页 共5页``, ``3/5``) or when the same line
  (numbers aside) opens or closes at least half of the pages;
* **radicals**: Kangxi radical code points (U+2F00–U+2FD5) that some PDF writers put in the
  text layer instead of the ideograph are mapped to it (⼯ → 工);
* **no text layer** (a scan): one line saying so and that OCR is needed; a password: one
  line saying the PDF is encrypted.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kg.errors import DocumentError

if TYPE_CHECKING:
    from kg.readers import Format, Reading

__all__ = ["VERSION", "LIBRARY", "sniff", "read", "join_lines", "Line"]

VERSION = 1
LIBRARY = "pymupdf"

#: Fewer characters of text than this per page, on average, is a PDF without a text layer.
MIN_CHARS_PER_PAGE = 20
#: A page with fewer lines than this takes the text edges of the document's other pages.
MIN_PAGE_LINES = 5

_PAGE_NUMBER = re.compile(
    r"[-—–―_·•\s]*(?:第\s*)?\d{1,4}\s*页?\s*(?:(?:[/／]|共|of)\s*\d{1,4}\s*页?)?[-—–―_·•\s]*"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?",
    re.I,
)
_DIGITS = re.compile(r"\d+")
_BLOCK_START = re.compile(r"[-*+•·◆◇▶►■□●○»]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|第[一二三四五六七八九十\d]+[章节条]")
_GENERIC_TITLE = re.compile(r"^(?:microsoft word\s*-|untitled|无标题)|\.(?:docx?|wps|pdf)$", re.I)


@dataclass(frozen=True)
class Line:
    """One line of a page's text layer: its box (points) and its text."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def sniff(data: bytes, suffix: str) -> bool:
    """The ``%PDF-`` marker in the first kilobyte (some writers put bytes before it)."""
    return b"%PDF-" in data[:1024]


def read(data: bytes, name: str, fmt: Format | None) -> Reading:
    """The text layer of ``data`` as paragraphs (see the module docstring)."""
    import pymupdf

    from kg.readers import Format, Reading

    pymupdf.TOOLS.mupdf_display_errors(False)  # the library never prints; errors are raised
    pymupdf.TOOLS.mupdf_display_warnings(False)
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # noqa: BLE001 - MuPDF raises several kinds for a broken file
        raise DocumentError(f"{name}: not a readable PDF ({exc}); download it again or print it to a new PDF") from None
    with doc:
        if doc.needs_pass:
            raise DocumentError(
                f"{name}: the PDF is encrypted (password-protected); open it with its password and "
                "save an unprotected copy, or give its text as a .txt file"
            )
        try:
            pages = [_page_lines(doc[i]) for i in range(doc.page_count)]
            pictured = [bool(doc[i].get_images()) for i in range(doc.page_count)]
            images = sum(pictured)
            title = (doc.metadata or {}).get("title") or ""
        except Exception as exc:  # noqa: BLE001 - a damaged page
            raise DocumentError(f"{name}: a page of the PDF cannot be read ({exc}); print it to a new PDF") from None
    chars = sum(len(line.text.replace(" ", "")) for lines in pages for line in lines)
    if chars < MIN_CHARS_PER_PAGE * max(1, len(pages)):
        if images:
            raise DocumentError(
                f"{name}: the PDF has no text layer (it is a scan); run OCR on it first, "
                "e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`, and give the result"
            )
        raise DocumentError(f"{name}: the PDF has no text; give a document with text in it")
    text = join_lines(_drop_running_lines(pages))
    title = title.strip()
    scanned = [i + 1 for i, lines in enumerate(pages)
               if pictured[i] and sum(len(line.text.replace(" ", "")) for line in lines) < MIN_CHARS_PER_PAGE]
    many = len(scanned) > 1
    notes = [f"{name}: page{'s' if many else ''} {', '.join(map(str, scanned))} of {len(pages)} "
             f"{'have' if many else 'has'} no text layer (scanned), so {'their' if many else 'its'} text is "
             "missing; run OCR on the PDF first (ocrmypdf -l chi_sim)"] if scanned else []
    return Reading(text, Format.PDF, title=None if not title or _GENERIC_TITLE.search(title) else title,
                   notes=notes)


def _page_lines(page: Any) -> list[Line]:
    lines = []
    for block in page.get_text("dict", sort=True)["blocks"]:
        for line in block.get("lines", []):
            text = _radicals("".join(span["text"] for span in line["spans"])).strip()
            if text:
                x0, y0, x1, y1 = line["bbox"]
                lines.append(Line(x0, y0, x1, y1, text))
    return lines


def _radicals(text: str) -> str:
    """Kangxi radicals (U+2F00–U+2FD5) as the ideographs they stand for, one character for one."""
    if not any("\u2f00" <= ch <= "\u2fd5" for ch in text):
        return text
    return "".join(unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fd5" else ch for ch in text)


def _drop_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without their page numbers and the header and footer lines repeated on them."""
    edge_keys: Counter[str] = Counter()
    for lines in pages:
        for line in {*lines[:2], *lines[-2:]}:
            edge_keys[_DIGITS.sub("#", line.text.replace(" ", ""))] += 1
    repeated = {k for k, n in edge_keys.items() if n >= 2 and n * 2 >= len(pages)}

    def running(line: Line) -> bool:
        return bool(_PAGE_NUMBER.fullmatch(line.text)) or _DIGITS.sub("#", line.text.replace(" ", "")) in repeated

    out = []
    for lines in pages:
        lines = list(lines)
        for _ in range(2):
            if lines and running(lines[0]):
                lines.pop(0)
            if lines and running(lines[-1]):
                lines.pop()
        out.append(lines)
    return out


def join_lines(pages: list[list[Line]]) -> str:
    """Lines → paragraphs: a full line followed by an unindented one continues into it.

    >>> page = [Line(90, 100, 500, 116, "市科委打造InnoMatch全球技术供需对"),
    ...         Line(90, 120, 500, 136, "接平台，为高新技术企业提供服务。"),
    ...         Line(122, 140, 300, 156, "下一段。")]
    >>> join_lines([page])
    '市科委打造InnoMatch全球技术供需对接平台，为高新技术企业提供服务。\\n\\n下一段。'
    """
    # a page's own text edges, or the document's (median) when it has too few lines to show
    # them: a last page holding only a right-aligned signature and date is not "full" lines
    edges = [(min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)) for lines in pages if len(lines) >= MIN_PAGE_LINES]
    doc_left = statistics.median(e[0] for e in edges) if edges else None
    doc_right = statistics.median(e[1] for e in edges) if edges else None
    flat: list[tuple[Line, float, float, float]] = []  # line, left and right edge, character size
    for lines in pages:
        if not lines:
            continue
        size = statistics.median(line.y1 - line.y0 for line in lines)
        if len(lines) >= MIN_PAGE_LINES or doc_left is None or doc_right is None:
            left, right = min(line.x0 for line in lines), max(line.x1 for line in lines)
        else:
            left, right = doc_left, doc_right
        flat += [(line, left, right, size) for line in lines]
    parts: list[str] = []
    for i, (line, _left, right, size) in enumerate(flat):
        parts.append(line.text)
        if i + 1 == len(flat):
            break
        nxt, nleft, _nright, nsize = flat[i + 1]
        full = line.x1 >= right - 1.5 * size
        indented = nxt.x0 > nleft + 0.8 * nsize
        if full and not indented and not _BLOCK_START.match(nxt.text):
            a, b = line.text[-1], nxt.text[0]
            parts.append(" " if a.isascii() and a.isalnum() and b.isascii() and b.isalnum() else "")
        else:
            parts.append("\n\n")
    return "".join(parts)
