"""The pipeline's jieba tokenizer (kg/_tokenizer.py): jieba's words and spaCy's Doc, faster."""

from __future__ import annotations

import random
from pathlib import Path

import jieba
import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS, DEV_DOCS = ROOT / "seeds", ROOT / "eval" / "dev" / "docs"

# Characters of the genre, Latin letters, digits, punctuation and whitespace: random strings of them
# reach the dictionary route, the HMM for unknown runs and the blocks jieba cuts one character at a time.
_ALPHABET = ("科技创新券高企贷市科委平台中心服务企业上海技术交易所的了和与在是为对支持推动建设发展"
             "浦琰瑆玥翀喆犇骉淼焱垚鑫龘ABCxyz0123.5%％ ，。、；：“”（）《》\n\t ")


def _texts() -> list[str]:
    from kg.documents import analysis_text, read_document

    docs = [read_document(p) for p in [*sorted(SEEDS.glob("*.txt")), *sorted(DEV_DOCS.glob("*.txt"))[:10]]]
    texts = [d.text for d in docs] + [analysis_text(d.clean) for d in docs]
    rnd = random.Random(0)
    joined = "".join(texts)
    for _ in range(500):  # pieces of real text, cut anywhere
        at = rnd.randrange(len(joined))
        texts.append(joined[at : at + rnd.randrange(1, 80)])
    for _ in range(500):
        texts.append("".join(rnd.choice(_ALPHABET) for _ in range(rnd.randrange(1, 40))))
    return [*texts, "", " ", "\r\n", "abc def", "ＡＢＣ１２３", "a\u3000b", "2023年12月", "１２．５％"]


def test_segment_gives_jiebas_words(nlp) -> None:
    """The same words as ``jieba.lcut`` (with the lexicon's names the pipeline taught jieba)."""
    from kg._tokenizer import segment

    for text in _texts():
        assert segment(text) == jieba.lcut(text), text


def test_words_and_spaces_as_spacy_aligns_them(nlp) -> None:
    from spacy.util import get_words_and_spaces

    from kg._tokenizer import segment, words_and_spaces

    for text in _texts():
        words = [w for w in segment(text) if w]
        assert words_and_spaces(words, text) == get_words_and_spaces(words, text), text
    with pytest.raises(ValueError):  # words that are not the text's: spaCy's error
        words_and_spaces(["市科委"], "市财政局")


def test_the_tokenizer_makes_the_doc_spacys_jieba_tokenizer_makes(nlp) -> None:
    from spacy.lang.zh import ChineseTokenizer

    spacys = ChineseTokenizer(nlp.vocab, segmenter="jieba")
    for text in _texts()[:40]:
        ours, theirs = nlp.tokenizer(text), spacys(text)
        assert [(t.text, t.whitespace_) for t in ours] == [(t.text, t.whitespace_) for t in theirs]
