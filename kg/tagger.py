"""The trained entity tagger: a CRF over jieba tokens that learns names from annotations.

``stikg_entity_tagger_v1`` sits between the rule components that propose names (lexicon,
gazetteer, patterns) and the mention selector. It labels every token ``B-Type``, ``I-Type``
or ``O`` with a linear-chain CRF (python-crfsuite) whose features are the token, the token
before it and the part of speech of the one after, its last characters, its shape and jieba
part of speech, and what the rules proposed around it (the candidate's type, rule and position), so the model learns both new
names and when a rule's proposal is wrong.

How trained and rule-based mentions combine (``policy``):

``fill``
    a tagged span is added only where no rule candidate overlaps it: the rules keep what
    they find, the model adds names no rule foresaw;
``add``
    tagged spans are added as candidates of the lowest priority; the selector's usual
    order decides (longest first, then rule priority), so a longer tagged name can
    replace a shorter rule name inside it, and a rule name wins over a tagged span of
    the same extent (the rule's type, often a subclass, is kept);
``vote``
    as ``add``, and a pattern candidate (not a lexicon, gazetteer or title name) that
    the model tags wholly ``O`` is dropped.

The shipped default is chosen by cross-validation (docs/QUALITY.md). Without a model file
the component passes the candidates through unchanged, so the rules alone run. A tagged
span joins only when every token's marginal probability reaches ``threshold``.

Example
-------
>>> tagger = EntityTagger(None)                # doctest: +SKIP
>>> tagger.tag(["市科委", "推出", "科技", "微贷通"], ...)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterable, Sequence
from pathlib import Path
from typing import Any

from kg._names import Cand, tokens_of, word_tags
from kg.model import base_type

__all__ = ["MODEL_FILE", "POLICIES", "EntityTagger", "TokenFeatures", "decode", "gold_spans", "labels_for",
           "token_features", "train_tagger"]

#: The tagger's file inside a model directory.
MODEL_FILE = "entities.crfsuite"

POLICIES = ("fill", "add", "vote")

#: The rule of a candidate the tagger proposes.
MODEL_RULE = "model:crf"

_KEEP_RULES = ("lexicon", "gazetteer", "pattern:title", "pattern:standard", "pattern:body")
_LATIN = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"[0-9０-９]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@functools.lru_cache(maxsize=65536)
def _shape(word: str) -> str:
    if _HAN.search(word):
        return "H" if not (_LATIN.search(word) or _DIGIT.search(word)) else "HX"
    if _LATIN.search(word):
        return "L"
    if _DIGIT.search(word):
        return "D"
    return "P"


def token_features(text: str, toks: Sequence[tuple[int, int]], cands: Iterable[Cand]) -> list[list[str]]:
    """The CRF features of each token ``toks[i]`` of ``text``, given the rules' candidates."""
    return _ALL_FEATURES(text, toks, cands)


class TokenFeatures:
    """:func:`token_features`, with each distinct word's features computed once and kept (words repeat).

    ``keep``: give only these features (a trained model's attributes). crfsuite ignores an
    attribute its model does not know, so leaving those out gives the same labels and
    marginals, for fewer strings to hand over. ``encode``: give the features as UTF-8 bytes,
    which crfsuite takes as they are (the same attributes, without encoding each string again).
    """

    def __init__(self, keep: Container[str] | None = None, *, max_words: int = 200_000, encode: bool = False) -> None:
        self.keep = keep
        self.max_words = max_words
        self.encode = encode
        self.words: dict[str, tuple[list[Any], list[Any], list[Any]]] = {}
        self._cands: dict[tuple[str, ...], list[Any]] = {}  # the candidate features of a token, as given
        self._start = self._final(["p=<s>"])  # what the first token has for the token before it
        self._end = self._final(["nt=?"])  # and the last for the token after it
        self._none = self._final(["c=none"])  # a token that no candidate covers

    def _final(self, feats: list[str]) -> list[Any]:
        """``feats`` as given to crfsuite: only those the model knows, encoded if asked."""
        if self.keep is not None:
            feats = [f for f in feats if f in self.keep]
        return [f.encode() for f in feats] if self.encode else feats

    def __call__(self, text: str, toks: Sequence[tuple[int, int]], cands: Iterable[Cand]) -> list[list[Any]]:
        if not toks:
            return []
        cand_feats: dict[int, list[str]] = {}
        starts = tokens_of(toks).starts
        for c in cands:
            i = max(bisect_right(starts, c.start) - 1, 0)
            what = base_type(c.type) if c.type else "blocked"
            rule = c.rule if not c.rule.startswith("pattern:suffix") else "pattern:suffix"
            while i < len(toks) and toks[i][0] < c.end:
                s, e = toks[i]
                if e > c.start:
                    pos = "B" if s <= c.start else "I"
                    if e >= c.end:
                        pos += "E"
                    f = cand_feats.setdefault(i, [])
                    f.append(f"c={pos}-{what}")
                    f.append(f"r={pos}-{rule}")
                i += 1
        table = self.words
        if len(table) > self.max_words:
            table.clear()
            self._cands.clear()
        rows = [table.get(w) or self._word(w) for w in [text[s:e] for s, e in toks]]
        befores = [self._start, *[r[1] for r in rows[:-1]]]
        afters = [*[r[2] for r in rows[1:]], self._end]
        cfs = [self._none] * len(toks)
        given = self._cands
        for i, cf in cand_feats.items():
            key = tuple(cf)
            hit = given.get(key)
            if hit is None:
                hit = given[key] = self._final(cf)
            cfs[i] = hit
        return [r[0] + before + after + cf for r, before, after, cf in zip(rows, befores, afters, cfs, strict=True)]

    def _word(self, w: str) -> tuple[list[Any], list[Any], list[Any]]:
        """The features of ``w`` itself, and what it gives the token after it and the one before it."""
        t = word_tags().get(w, "?")
        own = [f"w={w}", f"l={w[-1]}", f"l2={w[-2:]}", f"s={_shape(w)}", f"t={t}"]
        feats: tuple[list[Any], list[Any], list[Any]] = (own, [f"p={w}"], [f"nt={t}"])
        if self.keep is not None:  # (a feature the model's dump could not show whole is kept)
            feats = tuple([f for f in part if f in self.keep or not f.isprintable()] for part in feats)  # type: ignore[assignment]
        if self.encode:
            feats = tuple([f.encode() for f in part] for part in feats)  # type: ignore[assignment]
        self.words[w] = feats
        return feats


_ALL_FEATURES = TokenFeatures()


def labels_for(toks: Sequence[tuple[int, int]], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """BIO labels of ``toks`` for the character spans ``(start, end, type)`` (each a whole name)."""
    labels = ["O"] * len(toks)
    for start, end, etype in spans:
        inside = [i for i, (s, e) in enumerate(toks) if s < end and e > start]
        for k, i in enumerate(inside):
            labels[i] = ("B-" if k == 0 else "I-") + etype
    return labels


def decode(labels: Sequence[str], toks: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Character spans ``(start, end, type)`` of a BIO label sequence."""
    out: list[tuple[int, int, str]] = []
    cur: list[Any] | None = None
    if len(labels) != len(toks):
        raise ValueError("one label per token")
    last = -2
    for k in [k for k, lab in enumerate(labels) if lab != "O"]:  # (most tokens are O)
        if k != last + 1:
            cur = None  # an O between
        last = k
        s, e = toks[k]
        bio, etype = labels[k].split("-", 1)
        if bio == "I" and cur is not None and cur[2] == etype:
            cur[1] = e
            out[-1] = (cur[0], e, etype)
            continue
        cur = [s, e, etype]
        out.append((s, e, etype))
    return out


def gold_spans(text: str, names: Iterable[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Every occurrence in ``text`` of the gold ``(name, type)`` pairs, longest first, not overlapping.

    >>> gold_spans("市科委与上海市科委", [("上海市科委", "Agency"), ("市科委", "Agency")])
    [(0, 3, 'Agency'), (4, 9, 'Agency')]
    """
    found = []
    for name, etype in {(n.strip(), t) for n, t in names if n.strip()}:
        for m in re.finditer(re.escape(name), text):
            found.append((m.start(), m.end(), etype))
    taken = bytearray(len(text) + 1)
    out = []
    for s, e, t in sorted(found, key=lambda x: (x[0] - x[1], x[0], x[2])):
        if any(taken[s:e]):
            continue
        taken[s:e] = b"\x01" * (e - s)
        out.append((s, e, t))
    return sorted(out)


class EntityTagger:
    """spaCy component: tagged names join (or vote on) ``doc._.name_candidates``."""

    def __init__(self, model_dir: str | Path | None, *, policy: str = "fill", threshold: float = 0.9) -> None:
        if policy not in POLICIES:
            from kg.errors import ConfigError

            raise ConfigError(f"entity tagger policy {policy!r} is not one of {', '.join(POLICIES)}")
        self.policy = policy
        self.threshold = threshold
        self.tagger = None
        path = Path(model_dir) / MODEL_FILE if model_dir else None
        if path is not None and path.is_file():
            import pycrfsuite

            self.tagger = pycrfsuite.Tagger()
            self.tagger.open(str(path))
            self.features = TokenFeatures(_attributes(self.tagger), encode=True)

    def __call__(self, doc: Any) -> Any:
        if self.tagger is None:
            return doc
        from kg.nlp import doc_text, token_spans

        text = doc_text(doc)
        toks = token_spans(doc)
        cands = list(doc._.name_candidates or [])
        if not toks:
            return doc
        labels = self.tagger.tag(self.features(text, toks, cands))
        spans = decode(labels, toks)
        if self.policy == "fill":
            spans = _outside(cands, spans)  # fill keeps no other: their marginals are not needed
        starts = toks.starts
        sure = []
        for s, e, t in spans:  # a span is as sure as its least sure token
            i = bisect_left(starts, s)
            j = bisect_left(starts, e)
            if min(self.tagger.marginal(labels[k], k) for k in range(i, j)) >= self.threshold:
                sure.append((s, e, t))
        doc._.name_candidates = combine(cands, sure, labels, toks, self.policy)
        return doc


def combine(cands: list[Cand], tagged: list[tuple[int, int, str]], labels: Sequence[str],
            toks: Sequence[tuple[int, int]], policy: str) -> list[Cand]:
    """The candidates after the tagger's spans join them under ``policy`` (see the module docstring)."""
    if policy == "fill":
        return cands + [Cand(s, e, t, MODEL_RULE, priority=-1) for s, e, t in _outside(cands, tagged)]
    extra = [Cand(s, e, t, MODEL_RULE, priority=-1) for s, e, t in tagged]
    if policy == "vote":
        inside = bytearray(max([c.end for c in cands] + [0]) + 1)
        for (s, e), lab in zip(toks, labels, strict=True):
            if lab != "O":
                inside[s:e] = b"\x01" * (e - s)
        cands = [c for c in cands if not c.type or c.rule in _KEEP_RULES or c.rule.startswith("nested")
                 or any(inside[c.start : c.end])]
    return cands + extra


def _attributes(tagger: Any) -> frozenset[str]:
    """The attributes a crfsuite model has weights for, read from its dump (``Tagger.info()``
    parses the whole dump: ten times slower, 0.06 s of every start-up)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="stikg-crf-") as tmp:
        path = Path(tmp) / "dump.txt"
        tagger.dump(str(path))
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    start = lines.index("ATTRIBUTES = {") + 1
    return frozenset(line.split(": ", 1)[1] for line in lines[start : lines.index("}", start)])


def _outside(cands: list[Cand], tagged: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The tagged spans that no typed rule candidate overlaps."""
    if not tagged:
        return []
    covered = bytearray(max([c.end for c in cands if c.type] + [e for _, e, _ in tagged] + [0]) + 1)
    for c in cands:
        if c.type:
            covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    return [(s, e, t) for s, e, t in tagged if not any(covered[s:e])]


def train_tagger(examples: Iterable[tuple[list[list[str]], list[str]]], path: str | Path, *,
                 c1: float = 0.05, c2: float = 0.01, max_iterations: int = 150) -> None:
    """Train the CRF on ``(features, labels)`` sequences and write it to ``path``.

    L-BFGS on a fixed order of examples: the same data give the same model.
    """
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, labels in examples:
        trainer.append(feats, labels)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations,
                        "feature.possible_transitions": True})
    trainer.train(str(path))
