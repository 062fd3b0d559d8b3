"""Plain text and Markdown files: strict decoding of the bytes, nothing else.

The text is the file as decoded (a byte-order mark removed), so offsets into it are the
offsets a reader of the file sees. Markdown marks are removed later, by
:func:`kg.documents.clean_text`, with an offset map back to this text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.errors import DocumentError

if TYPE_CHECKING:
    from kg.readers import Format, Reading

__all__ = ["VERSION", "LIBRARY", "sniff", "read", "decode"]

VERSION = 1
LIBRARY = None
_TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown", "")


def sniff(data: bytes, suffix: str) -> bool:
    """Plain text is recognised by its suffix only: any other file might decode as text too."""
    return suffix in _TEXT_SUFFIXES


def read(data: bytes, name: str, fmt: Format) -> Reading:
    """The decoded text of ``data`` (see :func:`decode`); ``fmt`` is TEXT or MARKDOWN."""
    from kg.readers import Reading

    return Reading(decode(data, name=name), fmt)


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
        "stikg reads text, HTML, PDF and Word files; convert it to one of these"
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
