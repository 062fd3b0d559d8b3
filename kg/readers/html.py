"""Saved web pages: the main content by trafilatura, title, date and publisher from ``<meta>``.

Government sites wrap a notice or reply in navigation, menus, breadcrumbs, share buttons,
scripts and a footer (主办单位…, 版权所有…). trafilatura finds the article; its structure
(headings, paragraphs, lists, tables) is written out as text — one block per paragraph,
blocks separated by a blank line, list items one per line, table rows as ``cell | cell`` —
and that text is what offsets point into. The page's own metadata gives the title, date and
publisher: ``<meta name="ArticleTitle">``, ``PubDate`` and ``ContentSource`` (common on
Chinese government sites), Open Graph and Dublin Core tags, else trafilatura's guesses.

Example
-------
>>> page = '''<html><head><meta name="PubDate" content="2023-12-09 10:30"></head><body>
... <nav><a href="/">首页</a> <a href="/zwgk">政务公开</a></nav><div class="content">
... <p>市科技局打造科技创新券服务平台，为高新技术企业提供检验检测服务。</p>
... <p>全年服务企业三千余家。</p></div><div class="footer">主办单位：某市科学技术局</div></body></html>'''
>>> r = read(page.encode(), "a.html", None)
>>> print(r.text); r.date
市科技局打造科技创新券服务平台，为高新技术企业提供检验检测服务。
<BLANKLINE>
全年服务企业三千余家。
'2023-12-09'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from kg.errors import DocumentError

if TYPE_CHECKING:
    from kg.readers import Format, Reading

__all__ = ["VERSION", "LIBRARY", "sniff", "read", "MIN_CHARS"]

VERSION = 1
LIBRARY = "trafilatura"

#: A page whose main content has fewer characters than this (spaces not counted) has none.
MIN_CHARS = 20

_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
_TITLE_META = ("articletitle", "og:title", "dc.title", "dcterms.title")
_DATE_META = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dc.date",
              "dcterms.date", "dc.date.issued", "publish_date", "date")
_SOURCE_META = ("contentsource", "source", "dc.publisher", "dcterms.publisher", "og:site_name", "sitename")
_ISO = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0]+")
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
#: charsets kg.readers.text.decode recognises by itself (and where a declaration is often wrong)
_DECODED = frozenset({"utf-8", "utf8", "utf-16", "gb2312", "gbk", "gb18030", "ascii", "us-ascii",
                      "iso-8859-1", "latin1", "windows-1252"})


def sniff(data: bytes, suffix: str) -> bool:
    """An HTML suffix, or content that opens like an HTML document."""
    if suffix in _SUFFIXES:
        return True
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<?xml") and b"<html" in head)


def read(data: bytes, name: str, fmt: Format | None) -> Reading:
    """The main content of the page as text, with the title, date and publisher it declares."""
    from kg.readers import Format, Reading

    # an XML declaration names the encoding of bytes; the page is text by now (lxml refuses both)
    page = _XML_DECLARATION.sub("", _decode_page(data, name), count=1)
    _quiet()
    try:
        import trafilatura
        from lxml import etree
        from lxml import html as lxml_html
    except ImportError as exc:  # pragma: no cover - declared dependencies
        raise DocumentError(f"{name}: reading web pages needs {exc.name}; reinstall stikg") from None
    try:
        tree = lxml_html.document_fromstring(page)
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError(f"{name}: not a readable HTML page ({exc}); save the page again from the browser") from None
    # trafilatura is given the page as text: it prunes the tree it parses
    xml = trafilatura.extract(page, output_format="xml", include_tables=True, include_comments=False,
                              include_images=False, deduplicate=False, with_metadata=False)
    blocks = _render(etree.fromstring(xml.encode("utf-8"))) if xml else []
    if len(blocks) <= 1:
        # a page without article markup: trafilatura's fallback runs the whole body into one
        # block; when that is (nearly) all the page holds, its own blocks keep the structure
        own = _body_blocks(tree)
        if len(own) > 1 and _length(own) <= 1.3 * _length(blocks):
            blocks = own
    text = "\n\n".join(blocks)
    if len(_SPACES.sub("", text)) < MIN_CHARS:
        raise DocumentError(
            f"{name}: no main text found in the web page (only navigation, menus or scripts); "
            "save the article page itself, or copy its text into a .txt file"
        )
    meta = _meta(tree)
    guessed = trafilatura.extract_metadata(page)
    title = meta.get("title") or (guessed.title if guessed else None)
    date = _iso(meta.get("date")) or _labelled_date(tree)
    publisher = meta.get("publisher") or (guessed.sitename if guessed else None)
    return Reading(text, Format.HTML, title=_clean(title), date=date, publisher=_clean(publisher))


def _decode_page(data: bytes, name: str) -> str:
    """The page as text: in the charset it declares when that is not one :func:`decode` tries
    (Big5 pages from Hong Kong and Taiwan), else by :func:`kg.readers.text.decode`."""
    from kg.readers.text import decode

    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else ""
    if declared and declared not in _DECODED:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: decode as any other file
    return decode(data, name=name)


def _quiet() -> None:
    """Keep the extraction libraries' log records off stderr (the library never prints)."""
    import logging

    for name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def _meta(tree: Any) -> dict[str, str]:
    """title, date, publisher from ``<meta name=… content=…>`` (first match of each kind wins)."""
    found: dict[str, dict[str, str]] = {"title": {}, "date": {}, "publisher": {}}
    for el in tree.iter("meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if not key or not value:
            continue
        for kind, keys in (("title", _TITLE_META), ("date", _DATE_META), ("publisher", _SOURCE_META)):
            if key in keys:
                found[kind].setdefault(key, value)
    out = {}
    for kind, keys in (("title", _TITLE_META), ("date", _DATE_META), ("publisher", _SOURCE_META)):
        for key in keys:  # the order of preference, not the order in the page
            if key in found[kind]:
                out[kind] = found[kind][key]
                break
    return out


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    m = _ISO.search(value)
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _clean(value: str | None) -> str | None:
    value = _SPACES.sub(" ", value or "").strip()
    return value or None


def _inline(el: Any) -> str:
    """The text of an element, runs of whitespace as one space, ``<lb/>`` as a line break."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == "lb":
                parts.append("\n")
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _render(root: Any) -> list[str]:
    """trafilatura's XML as text blocks: one per heading, paragraph, list or table."""
    main = root.find("main")
    if main is None:
        return []
    blocks: list[str] = []
    for el in main:
        if el.tag == "list":
            block = "\n".join(t for item in el.iter("item") if (t := _inline(item)))
        elif el.tag == "table":
            rows = []
            for row in el.iter("row"):
                cells = [c for cell in row if (c := _inline(cell).replace("\n", " "))]
                if cells:
                    rows.append(" | ".join(cells))
            block = "\n".join(rows)
        else:
            block = _inline(el)
        if block:
            blocks.append(block)
    return blocks


def _length(blocks: list[str]) -> int:
    return sum(len(_SPACES.sub("", b)) for b in blocks)


def _labelled_date(tree: Any) -> str | None:
    """A date the page shows in a labelled field (``发布时间：2023-12-09``), anywhere on the page."""
    from kg._header import labelled_date

    lines = [_SPACES.sub(" ", line).strip() for line in tree.text_content().split("\n")]
    return labelled_date([line for line in lines if line])


def _body_blocks(tree: Any) -> list[str]:
    """The page's own blocks (p, h1…, li, tr, div …) without scripts, navigation, header and footer."""
    parts: list[str] = []
    body = tree.find("body")
    if body is None:
        return []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        marks = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
        if tag in _DROP or _BOILERPLATE.search(marks):
            return
        block = tag in _BLOCKS
        if block:
            parts.append("\x00")
        elif tag == "br":
            parts.append("\x01")
        elif tag in ("td", "th"):
            parts.append(" | ")
        if el.text and tag:
            parts.append(_SPACES.sub(" ", el.text))
        for child in el:
            walk(child)
            if child.tail:
                parts.append(_SPACES.sub(" ", child.tail))
        if block:
            parts.append("\x00")

    walk(body)
    blocks = []
    for chunk in "".join(parts).split("\x00"):
        lines = (_SPACES.sub(" ", line).strip(" |") for line in chunk.split("\x01"))
        block = "\n".join(line for line in lines if line)
        if block:
            blocks.append(block)
    return blocks


_DROP = frozenset("script style noscript template nav header footer aside form iframe select button".split())
_BLOCKS = frozenset("p div li h1 h2 h3 h4 h5 h6 tr table ul ol section article blockquote pre dd dt dl title "
                    "figure figcaption address main".split())
_BOILERPLATE = re.compile(r"\b(?:nav|menu|footer|header|breadcrumb|crumb|share|sidebar|copyright|toolbar)")
