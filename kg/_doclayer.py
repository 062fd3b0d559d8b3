"""The document layer of ``graph.json``: where in each document every entity is mentioned.

``kg connect`` and the explorer link two entities that are mentioned together in one
sentence, in one paragraph or in one document (see :mod:`kg._links`). What they need is
written at build time, compactly: per document the sentences that mention an entity (span in
original offsets, paragraph number, text), per entity the indexes of those sentences.

Paragraphs are blocks of the clean text separated by blank lines (by line breaks when a
document has no blank line at all). A block that reads as a heading or a lead-in — one line
of at most :data:`HEADING_CHARS` characters that neither ends a sentence nor is a list item
(``- …``, ``1. …``), or any block that ends with a colon — belongs to the block after it, so a heading and the text under it, or
"…如下：" and its list, are one paragraph.

Example
-------
>>> paragraph_starts("科技创新券\\n\\n市科委发放创新券。支持企业。\\n\\n其他。")
[0, 23]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kg.model import Document, Sentence

__all__ = ["HEADING_CHARS", "paragraph_starts", "document_sentences"]

#: A one-line block at most this long that does not end a sentence is a heading.
HEADING_CHARS = 40

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")
_SENTENCE_END = tuple("。！？!?；;…")
_LEAD_IN = tuple("：:")
_LIST_ITEM = re.compile(r"\s*(?:[-*+•]|\d+[.)、])\s")


def _blocks(clean: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every non-blank block, split at blank lines (or at line breaks)."""
    splitter = _BLANK_LINE if _BLANK_LINE.search(clean) else _LINE_BREAK
    blocks = []
    start = 0
    for m in splitter.finditer(clean):
        blocks.append((start, m.start()))
        start = m.end()
    blocks.append((start, len(clean)))
    return [(s, e) for s, e in blocks if clean[s:e].strip()]


def _joins_next(block: str) -> bool:
    """A heading (short single line, no sentence end, not a list item) or a lead-in ending with a colon."""
    block = block.strip().rstrip("*#")
    if block.endswith(_LEAD_IN):
        return True
    return ("\n" not in block and len(block) <= HEADING_CHARS and not block.endswith(_SENTENCE_END)
            and not _LIST_ITEM.match(block))


def paragraph_starts(clean: str) -> list[int]:
    """Clean offsets where paragraphs start (headings and lead-ins joined to what follows).

    >>> paragraph_starts("标题\\n\\n正文一。\\n\\n正文二。")
    [0, 10]
    >>> paragraph_starts("第一段。\\n第二段。")
    [0, 5]
    """
    starts: list[int] = []
    joining = False
    for start, end in _blocks(clean):
        if not joining:
            starts.append(start)
        joining = _joins_next(clean[start:end])
    return starts or [0]


def document_sentences(
    doc: Document,
    sentences: Sequence[Sentence],
    mentions: Mapping[str, Iterable[tuple[int, int]]],
) -> tuple[list[list[Any]], dict[str, list[int]]]:
    """The sentences of ``doc`` that mention an entity, and which ones each entity is in.

    Parameters
    ----------
    doc : Document
        The document (its ``clean`` text, ``offsets`` and original ``text``).
    sentences : sequence of Sentence
        ``split_sentences(doc.clean)``: sentences in clean offsets, in order.
    mentions : mapping
        Node id → ``(start, end)`` of each mention of it in ``doc``, in original offsets.

    Returns
    -------
    rows : list of ``[start, end, paragraph, text]``
        Sentences in document order with original offsets, paragraph number and text as
        ``Document.evidence`` gives it; only those that mention at least one entity.
    where : dict
        Node id → sorted indexes into ``rows`` of the sentences that mention it.
    """
    paragraphs = paragraph_starts(doc.clean)
    spans = [doc.to_original(s.start, s.end) for s in sentences]
    starts = [s for s, _ in spans]
    hits: dict[str, set[int]] = {}
    for node_id, found in mentions.items():
        for start, _end in found:
            i = bisect.bisect_right(starts, start) - 1
            if i >= 0 and start < spans[i][1]:
                hits.setdefault(node_id, set()).add(i)
    used = sorted({i for found in hits.values() for i in found})
    number = {i: k for k, i in enumerate(used)}
    rows = []
    for i in used:
        ev = doc.evidence(sentences[i].start, sentences[i].end)  # the text as evidence shows it
        paragraph = bisect.bisect_right(paragraphs, sentences[i].start) - 1
        rows.append([ev.start, ev.end, max(paragraph, 0), ev.text])
    where = {node_id: sorted(number[i] for i in found) for node_id, found in sorted(hits.items())}
    return rows, where
