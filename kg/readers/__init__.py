"""Read a file of any supported format into text plus the metadata the format carries.

One seam for input formats, like sqlite-utils ``rows_from_file``: :func:`sniff` looks at the
bytes (magic numbers and content first, the file suffix second) and names a :class:`Format`;
:func:`read` hands the bytes to that format's module, which returns a :class:`Reading` — the
text every offset of the extraction points into, and the title, date, publisher a page or
file declares. One module per format:

=============  ==========================  ==========================================
format         module                      how
=============  ==========================  ==========================================
text, md       :mod:`kg.readers.text`      strict decoding (UTF-8, UTF-16, GB18030)
html           :mod:`kg.readers.html`      main content by trafilatura, ``<meta>`` tags
pdf            :mod:`kg.readers.pdf`       text layer by PyMuPDF, lines joined, headers out
docx           :mod:`kg.readers.docx`      python-docx, paragraphs and tables in order
doc            :mod:`kg.readers.doc`       Debian's ``antiword`` when installed
=============  ==========================  ==========================================

Adding a format is adding a module with ``FORMAT``, ``VERSION``, ``LIBRARY``, ``sniff`` and
``read``, and naming it in :data:`_MODULES`.

Example
-------
>>> reading = read("市科委打造平台。".encode("gbk"), "a.txt")
>>> reading.format, reading.text
(<Format.TEXT: 'text'>, '市科委打造平台。')
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field
from enum import StrEnum
from types import ModuleType

from kg.errors import DocumentError

__all__ = ["Format", "Reading", "sniff", "read", "reader_version", "SUFFIXES", "MEDIA_TYPES"]


class Format(StrEnum):
    """The formats stikg reads."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    DOC = "doc"


#: The IANA media type of each format (``dcterms:format`` of a source document).
MEDIA_TYPES: dict[Format, str] = {
    Format.TEXT: "text/plain",
    Format.MARKDOWN: "text/markdown",
    Format.HTML: "text/html",
    Format.PDF: "application/pdf",
    Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Format.DOC: "application/msword",
}

#: File suffixes of the formats (what the messages for unsupported files list).
SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".doc")


@dataclass
class Reading:
    """What a reader made of a file: the text offsets point into, and declared metadata.

    ``title``, ``date`` (ISO ``YYYY-MM-DD``) and ``publisher`` are what the file itself
    declares (``<meta name="ArticleTitle">``, ``PubDate``, ``ContentSource``, a PDF's or
    Word file's title), each None when it declares nothing. ``notes`` are what the build
    should tell about a file it could read only in part (scanned pages in a PDF).
    """

    text: str
    format: Format
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    notes: list[str] = field(default_factory=list)


#: Format → module, in sniffing order: binary formats recognised by their bytes come first.
_MODULES: dict[Format, str] = {
    Format.PDF: "kg.readers.pdf",
    Format.DOCX: "kg.readers.docx",
    Format.DOC: "kg.readers.doc",
    Format.HTML: "kg.readers.html",
    Format.MARKDOWN: "kg.readers.text",
    Format.TEXT: "kg.readers.text",
}

_IMAGES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)


def _module(fmt: Format) -> ModuleType:
    return importlib.import_module(_MODULES[fmt])


def _suffix(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""


def sniff(data: bytes, name: str = "") -> Format:
    """The format of ``data`` by its bytes first, by the suffix of ``name`` second.

    A PDF named ``.html`` is a PDF; an HTML error page saved as ``.pdf`` is HTML. Raises
    :class:`DocumentError` for images (scans need OCR) and files of no supported format.

    >>> sniff(b"%PDF-1.7 ...", "notice.html")
    <Format.PDF: 'pdf'>
    >>> sniff(b"<!DOCTYPE html><html>...", "attachment.pdf")
    <Format.HTML: 'html'>
    """
    suffix = _suffix(name)
    for fmt in (Format.PDF, Format.DOCX, Format.DOC):
        if _module(fmt).sniff(data, suffix):
            return fmt
    for magic, what in _IMAGES:
        if data.startswith(magic):
            raise DocumentError(
                f"{name}: is {what}, not a document with text; run OCR on it first "
                "(e.g. tesseract -l chi_sim) and give the text as a .txt"
            )
    if data.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in data:
        raise DocumentError(
            f"{name}: is a password-protected Office file; open it with its password and save an "
            "unprotected copy, or give its text as a .txt file"
        )
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise DocumentError(
            f"{name}: is a ZIP or Office file stikg does not read; save it as .docx, .pdf or .txt"
        )
    if _module(Format.HTML).sniff(data, suffix):
        return Format.HTML
    if suffix in (".md", ".markdown"):
        return Format.MARKDOWN
    if _module(Format.TEXT).sniff(data, suffix):
        return Format.TEXT
    raise DocumentError(
        f"{name}: unsupported format ({suffix}); stikg reads {', '.join(SUFFIXES)}"
        + (" — if it lists your sources, pass it with --manifest" if suffix in (".csv", ".jsonl") else "")
    )


def read(data: bytes, name: str, format: Format | None = None) -> Reading:
    """Read ``data`` (the bytes of the file ``name``) as ``format`` (default: :func:`sniff`).

    Raises :class:`DocumentError` with one line naming the file and what to do.
    """
    fmt = format or sniff(data, name)
    reading: Reading = _module(fmt).read(data, name, fmt)
    if not reading.text.strip():
        raise DocumentError(f"{name}: has no text; give a document with text in it")
    return reading


@functools.cache
def reader_version(fmt: Format) -> str:
    """``format/VERSION/library=version``: part of the cache key of a document of ``fmt``.

    A new reader version or a new version of the library it uses re-extracts the documents
    it read.
    """
    from importlib import metadata

    module = _module(fmt)
    library = getattr(module, "LIBRARY", None)
    installed = "none"
    if library:
        try:
            installed = metadata.version(library)
        except metadata.PackageNotFoundError:
            pass
    return f"{fmt.value}/{module.VERSION}/{library or '-'}={installed}"
