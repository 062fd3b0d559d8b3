"""jieba segmentation as a spaCy tokenizer (private to ``kg.nlp``, which registers it).

spaCy's ``spacy.zh.ChineseTokenizer`` with ``segmenter = "jieba"`` gives the same ``Doc``;
this one aligns jieba's words with the text without copying the rest of the text at every
word (``spacy.util.get_words_and_spaces`` slices ``text[pos:]`` once per word).
"""

from __future__ import annotations

from typing import Any

from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces

__all__ = ["JiebaTokenizer", "words_and_spaces"]


class JiebaTokenizer(ChineseTokenizer):
    """``spacy.zh.ChineseTokenizer`` with jieba, word alignment in one pass."""

    def __init__(self, vocab: Any) -> None:
        super().__init__(vocab, segmenter=Segmenter.jieba)

    def __call__(self, text: str) -> Doc:
        words = [x for x in self.jieba_seg.cut(text, cut_all=False) if x]  # type: ignore[union-attr]
        words, spaces = words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """``spacy.util.get_words_and_spaces(words, text)``: whitespace words become the ``spaces``
    flag of the word before (one space) or words of their own.

    >>> words_and_spaces(["市科委", " ", "InnoMatch", "\\n\\n", "平台"], "市科委 InnoMatch\\n\\n平台")
    (['市科委', 'InnoMatch', '\\n\\n', '平台'], [True, False, False, False])
    """
    if "".join(words) != text:  # (not jieba's words: spaCy's own alignment, and its errors)
        return get_words_and_spaces(words, text)
    out: list[str] = []
    spaces: list[bool] = []
    pos, end = 0, len(text)
    for word in words:
        if word.isspace():
            continue
        start = text.index(word, pos)
        if start > pos:
            out.append(text[pos:start])
            spaces.append(False)
        out.append(word)
        spaces.append(False)
        pos = start + len(word)
        if pos < end and text[pos] == " ":
            spaces[-1] = True
            pos += 1
    if pos < end:
        out.append(text[pos:])
        spaces.append(False)
    return out, spaces
