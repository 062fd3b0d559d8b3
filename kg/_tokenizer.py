"""jieba segmentation as a spaCy tokenizer (private to ``kg.nlp``, which registers it).

The tokens are jieba's (``jieba.cut(text)``: the prefix dictionary with the lexicon's names,
the most probable route through it, the HMM for runs of unknown characters) and the ``Doc``
is the one spaCy's ``spacy.zh.ChineseTokenizer`` with ``segmenter = "jieba"`` makes. What
differs is the speed: :func:`segment` is jieba 0.42's ``Tokenizer.cut`` written for CPython
(the dictionary read once per prefix, the route in the same backward pass, the HMM's Viterbi
with back-pointers instead of copied paths), which takes about half of jieba's time for
the same words; ``tests/test_tokenizer.py`` checks the two agree. With another version
of jieba, jieba's own ``cut`` runs. :func:`words_and_spaces` aligns the words with the text
without copying the rest of the text at every word as ``spacy.util.get_words_and_spaces`` does.
"""

from __future__ import annotations

from math import log
from typing import Any

from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces

__all__ = ["JiebaTokenizer", "segment", "words_and_spaces"]

#: The jieba whose ``Tokenizer.cut`` :func:`segment` follows.
JIEBA_VERSION = "0.42.1"


class JiebaTokenizer(ChineseTokenizer):
    """``spacy.zh.ChineseTokenizer`` with jieba: :func:`segment`, then :func:`words_and_spaces`."""

    def __init__(self, vocab: Any) -> None:
        super().__init__(vocab, segmenter=Segmenter.jieba)

    def __call__(self, text: str) -> Doc:
        words = [x for x in segment(text, self.jieba_seg) if x]
        words, spaces = words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)


def segment(text: str, jieba: Any = None) -> list[str]:
    """``jieba.lcut(text)``: the words of ``text`` as jieba's default tokenizer cuts them (with the HMM).

    >>> segment("市科委打造InnoMatch全球技术供需对接平台。")  # doctest: +SKIP
    ['市科委', '打造', 'InnoMatch', '全球', '技术', '供需', '对接', '平台', '。']
    """
    if jieba is None:
        from kg._jiebadict import import_jieba

        jieba = import_jieba()
    if jieba.__version__ != JIEBA_VERSION:
        return list(jieba.cut(text))
    dt = jieba.dt
    dt.check_initialized()
    han, skip = jieba.re_han_default, jieba.re_skip_default
    hmm = _Hmm(jieba.finalseg)
    freq, logtotal = dt.FREQ, log(dt.total)
    weights = _weights(logtotal)
    out: list[str] = []
    for block in han.split(text):
        if not block:
            continue
        if han.match(block):
            _cut_block(block, freq, weights, hmm, out)
        else:
            for x in skip.split(block):
                if skip.match(x):
                    out.append(x)
                else:
                    out.extend(x)  # one character at a time
    return out


class _Weights(dict):  # type: ignore[type-arg]
    """A word frequency → ``log(frequency) - log(total)``, computed on first use."""

    def __init__(self, logtotal: float) -> None:
        super().__init__()
        self.logtotal = logtotal

    def __missing__(self, f: int) -> float:
        w = self[f] = log(f) - self.logtotal
        return w


_WEIGHTS: dict[float, _Weights] = {}


def _weights(logtotal: float) -> _Weights:
    """The :class:`_Weights` for jieba's current total (a word added to jieba changes it)."""
    if logtotal not in _WEIGHTS:
        _WEIGHTS.clear()
        _WEIGHTS[logtotal] = _Weights(logtotal)
    return _WEIGHTS[logtotal]


def _cut_block(sentence: str, freq: dict[str, int], weights: _Weights, hmm: _Hmm, out: list[str]) -> None:
    """jieba's ``Tokenizer.__cut_DAG``: the most probable route through the dictionary's words,
    runs of single characters that make no word handed to the HMM."""
    get = freq.get
    n = len(sentence)
    route: list[tuple[float, int]] = [(0, 0)] * (n + 1)
    for k in range(n - 1, -1, -1):  # (jieba's get_DAG and calc, one position at a time)
        best: tuple[float, int] | None = None
        i = k
        frag = sentence[k]
        while i < n:
            f = get(frag)
            if f is None:
                break  # no word starts with frag
            if f:
                score = weights[f] + route[i + 1][0]
                if best is None or score >= best[0]:  # max((score, i), …): the longer of equals
                    best = (score, i)
            i += 1
            frag = sentence[k : i + 1]
        if best is None:
            best = (weights[get(sentence[k]) or 1] + route[k + 1][0], k)
        route[k] = best
    x = 0
    buf = ""
    while x < n:
        y = route[x][1] + 1
        if y - x == 1:
            buf += sentence[x]
        else:
            if buf:
                _flush(buf, get, hmm, out)
                buf = ""
            out.append(sentence[x:y])
        x = y
    if buf:
        _flush(buf, get, hmm, out)


def _flush(buf: str, get: Any, hmm: _Hmm, out: list[str]) -> None:
    if len(buf) == 1:
        out.append(buf)
    elif not get(buf):
        hmm.cut(buf, out)
    else:
        out.extend(buf)


class _Hmm:
    """jieba's ``finalseg.cut``: the B/M/E/S hidden Markov model over characters no word covers."""

    def __init__(self, finalseg: Any) -> None:
        self.finalseg = finalseg
        self.han, self.skip = finalseg.re_han, finalseg.re_skip
        self.start, self.trans, self.emit = finalseg.start_P, finalseg.trans_P, finalseg.emit_P

    def cut(self, sentence: str, out: list[str]) -> None:
        force_split = self.finalseg.Force_Split_Words
        for block in self.han.split(sentence):
            if self.han.match(block):
                for word in self._words(block):
                    if word not in force_split:
                        out.append(word)
                    else:
                        out.extend(word)
            else:
                out.extend(x for x in self.skip.split(block) if x)

    def _words(self, sentence: str) -> list[str]:
        states = self._viterbi(sentence)
        words = []
        begin = nexti = 0
        for i, char in enumerate(sentence):
            pos = states[i]
            if pos == "B":
                begin = i
            elif pos == "E":
                words.append(sentence[begin : i + 1])
                nexti = i + 1
            elif pos == "S":
                words.append(char)
                nexti = i + 1
        if nexti < len(sentence):
            words.append(sentence[nexti:])
        return words

    def _viterbi(self, obs: str) -> list[str]:
        """``finalseg.viterbi(obs, "BMES", …)``'s states: the same sums in the same order, and of two
        equal scores the later state letter (``max`` over ``(score, state)`` tuples)."""
        low = self.finalseg.MIN_FLOAT
        start, trans = self.start, self.trans
        e_b, e_m, e_e, e_s = (self.emit[y] for y in "BMES")
        t_eb, t_sb = trans["E"].get("B", low), trans["S"].get("B", low)  # into B: from E or S
        t_mm, t_bm = trans["M"].get("M", low), trans["B"].get("M", low)  # into M: from M or B
        t_ss, t_es = trans["S"].get("S", low), trans["E"].get("S", low)  # into S: from S or E
        t_be, t_me = trans["B"].get("E", low), trans["M"].get("E", low)  # into E: from B or M
        c = obs[0]
        b = start["B"] + e_b.get(c, low)
        m = start["M"] + e_m.get(c, low)
        e = start["E"] + e_e.get(c, low)
        s = start["S"] + e_s.get(c, low)
        back = []
        for c in obs[1:]:
            em = e_b.get(c, low)
            p, q = e + t_eb + em, s + t_sb + em
            nb, fb = (p, "E") if p > q else (q, "S")
            em = e_m.get(c, low)
            p, q = m + t_mm + em, b + t_bm + em
            nm, fm = (p, "M") if p >= q else (q, "B")
            em = e_s.get(c, low)
            p, q = s + t_ss + em, e + t_es + em
            ns, fs = (p, "S") if p >= q else (q, "E")
            em = e_e.get(c, low)
            p, q = b + t_be + em, m + t_me + em
            ne, fe = (p, "B") if p > q else (q, "M")
            b, m, e, s = nb, nm, ne, ns
            back.append((fb, fm, fe, fs))
        state = "E" if e > s else "S"
        states = [state]
        for step in reversed(back):
            state = step["BMES".index(state)]
            states.append(state)
        states.reverse()
        return states


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
