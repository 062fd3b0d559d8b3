"""Word files (``.docx``) through python-docx: paragraphs and tables in reading order.

The body is walked in document order, so a table sits between the paragraphs around it.
Each non-empty paragraph is a block; a table is one block with a line per row and its cells
as ``cell | cell`` (a merged cell once); blocks are separated by a blank line. A line break
inside a paragraph stays a line break. The file's title (core properties) is its metadata,
unless it is a leftover such as ``Microsoft Word - 文档1``.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from kg.errors import DocumentError

if TYPE_CHECKING:
    from kg.readers import Format, Reading

__all__ = ["VERSION", "LIBRARY", "sniff", "read"]

VERSION = 1
LIBRARY = "python-docx"

_GENERIC_TITLE = re.compile(r"^(?:microsoft word\s*-|untitled|无标题|文档\d*$)|\.(?:docx?|wps)$", re.I)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def sniff(data: bytes, suffix: str) -> bool:
    """A ZIP file holding ``word/document.xml`` (or any ZIP named ``.docx``)."""
    return data.startswith(b"PK\x03\x04") and (b"word/document.xml" in data or suffix == ".docx")


def read(data: bytes, name: str, fmt: Format | None) -> Reading:
    """The paragraphs and tables of the document as text, and its title."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from kg.readers import Format, Reading

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []

        def walk(parent: Any) -> None:
            for child in parent.iterchildren():
                if child.tag == _W + "p":
                    text = Paragraph(child, document).text.strip()
                    if text:
                        blocks.append(text)
                elif child.tag == _W + "tbl":
                    rows = _table_rows(Table(child, document))
                    if rows:
                        blocks.append("\n".join(rows))
                elif child.tag == _W + "sdt":  # a content control: its content in place
                    content = child.find(_W + "sdtContent")
                    if content is not None:
                        walk(content)

        walk(document.element.body)
        title = (document.core_properties.title or "").strip()
    except Exception as exc:  # noqa: BLE001 - a damaged file fails in zipfile, lxml or python-docx
        raise DocumentError(
            f"{name}: not a readable Word file ({type(exc).__name__}: {exc}); open it in Word or "
            "LibreOffice and save it again as .docx, or save its text as a .txt file"
        ) from None
    return Reading("\n\n".join(blocks), Format.DOCX,
                   title=None if not title or _GENERIC_TITLE.search(title) else title)


def _table_rows(table: Any) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is returned once per grid column
                continue
            seen.add(id(cell._tc))
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows
