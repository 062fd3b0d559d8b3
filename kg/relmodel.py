"""The trained relation component: every candidate pair of a sentence, classified.

``stikg_relation_model_v1`` runs the relation rules (:class:`kg.relations.RelationRules`)
and then, when the model directory holds a classifier, scores every ordered pair of
entities of each sentence — the mentions and the resolved anaphors — whose types fit a
relation's domain and range. (Pairs with the paragraph's topic or agency, which the sentence
does not name, were tried: +0.006 relation F1 on the folds for three times the pairs; the
rules alone handle those.) The classifier (:class:`kg._linear.LinearModel`) labels a pair with one
of the nine relations or ``none`` from features of the pair: the entity types and their
order, the words between and around them, the distance, the punctuation between, and the
rules that fired on the pair.

How rules and the classifier combine: a pair the classifier labels with a relation at
probability ``threshold`` or more is added; a rule's relation is kept unless the classifier
gives the pair ``none`` with probability ``veto`` or more (``veto = 1`` keeps every rule
relation). The classifier predicts only labels whose domain and range (``ontology/stikg.ttl``,
copied into the model when it is trained) admit the pair's types. The evidence of a relation
is its sentence in either case.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kg._linear import LinearModel
from kg._names import tokens_of
from kg.model import RELATIONS, SYMMETRIC_RELATIONS, Ref, Sentence
from kg.relations import RelationRules, rule
from kg.vocab import Vocabulary

__all__ = ["MODEL_FILE", "NONE", "Candidate", "PairContext", "RelationModel", "TriggerIndex", "pair_features", "candidates"]

#: The classifier's file inside a model directory.
MODEL_FILE = "relations.json"

#: The class of a pair with no relation.
NONE = "none"

#: The rule name of a relation the classifier found (``administeredBy:model`` …).
MODEL_RULE = "model"
for _relation in RELATIONS:
    rule(f"{_relation}:{MODEL_RULE}", _relation, 0.7)

Candidate = tuple[Ref, Ref, Sentence, list[str]]


def _bucket(n: int, edges: Sequence[int] = (0, 2, 5, 10, 20, 40)) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return "more"


#: ``dist=`` of each gap length up to 40 and ``nb=`` of each number of names between up to 8 (beyond: ``more``)
_DIST = [f"dist={_bucket(n)}" for n in range(41)]
_BETWEEN = [f"nb={_bucket(n, (0, 1, 2, 4, 8))}" for n in range(9)]
#: the punctuation that ``p=`` features tell
_PUNCTUATION = [(p, f"p={p}") for p in "，；：（"]

_LIST_SEP = re.compile(r"[、和与及，,\s“”\"]*|以及")


class TriggerIndex:
    """The trigger words of ``ontology/relations.toml``, each with the classes it stands for.

    One regex finds them all; a word also stands for the classes of the trigger words inside
    it (主要支持 is a ``targets`` word and, through 支持, a ``support`` one).
    """

    def __init__(self, vocab: Vocabulary) -> None:
        from kg.vocab import alternation

        words: dict[str, set[str]] = {}
        for name in sorted(vocab.triggers):
            for w in alternation(vocab.triggers[name]).split("|"):
                words.setdefault(re.sub(r"\\(.)", r"\1", w), set()).add(name)
        self.classes = {w: sorted({c for v, cs in words.items() if v in w for c in cs}) for w in words}
        self.pattern = re.compile(alternation(list(words)))

    def find(self, piece: str) -> list[str]:
        """The trigger classes with a word in ``piece``."""
        words = self.pattern.findall(piece)
        return sorted({c for w in words for c in self.classes[w]}) if words else []


class PairContext:
    """What the features of every pair of one document read: the text, its tokens, the trigger words."""

    def __init__(self, text: str, toks: Sequence[tuple[int, int]], triggers: TriggerIndex) -> None:
        self.text = text
        toks = tokens_of(toks)
        self.starts, self.ends = toks.starts, toks.ends
        self.tokens = [text[s:e].strip() for s, e in zip(self.starts, self.ends, strict=True)]
        self.triggers = triggers

    def words(self, a: int, b: int, *, first: int = 0, last: int = 0) -> list[str]:
        """The tokens wholly inside ``[a, b)`` (only the ``first`` few, or the ``last`` few)."""
        i, j = bisect_left(self.starts, a), bisect_right(self.ends, b)
        if first:
            j = min(j, i + first + 3)  # a few more: some tokens are blank
        elif last:
            i = max(i, j - last - 3)
        words = [*filter(None, self.tokens[i:j])]
        return words[:first] if first else words[-last:] if last else words

    def edge_words(self, a: int, b: int, n: int) -> tuple[list[str], list[str]]:
        """``words(a, b, first=n)`` and ``words(a, b, last=n)`` (one search for both)."""
        i, j = bisect_left(self.starts, a), bisect_right(self.ends, b)
        tokens = self.tokens
        return [*filter(None, tokens[i : min(j, i + n + 3)])][:n], [*filter(None, tokens[max(i, j - n - 3) : j])][-n:]

    def classes(self, a: int, b: int) -> list[str]:
        """The trigger classes (``ontology/relations.toml``) with a word in ``[a, b)``."""
        return self.triggers.find(self.text[a:b]) if b > a else []


def _list_starts(ctx: PairContext, ms: Sequence[Ref]) -> list[int]:
    """Where the enumeration holding each of ``ms`` starts (A、B和C: the start of A), else where it starts."""
    starts: list[int] = []
    for k, m in enumerate(ms):
        listed = k > 0 and _LIST_SEP.fullmatch(ctx.text[ms[k - 1].end : m.start]) and ms[k - 1].end <= m.start
        starts.append(starts[-1] if listed else m.start)
    return starts


class _SentencePairs:
    """The features of the pairs of one sentence, from what each mention and each stretch between
    two mentions contribute (computed once, not once per pair).

    Features are templates: ``{o}`` stands for the order of the pair (``ht`` when the head comes
    first, ``th`` otherwise). A pair's templates are its :meth:`core` (what lies between the two),
    the :meth:`opening` parts of the first mention (the words and trigger classes before it, whether it
    opens the sentence) and the :meth:`closing` parts of the second (the words and classes after it).
    """

    def __init__(self, ctx: PairContext, sent: Sentence, ms: Sequence[Ref]) -> None:
        self.ctx, self.sent, self.ms = ctx, sent, ms
        self.runs = _list_starts(ctx, ms)
        self.run_index = {m.start: k for k, m in enumerate(ms)}
        self._opening: dict[int, tuple[list[str], list[str], list[str]]] = {}
        self._closing: dict[int, tuple[list[str], list[str]]] = {}
        self.stretch = [set(ctx.classes(ms[k].end, ms[k + 1].start)) for k in range(len(ms) - 1)]
        self.text = ctx.text

    def opening(self, k: int) -> tuple[list[str], list[str], list[str]]:
        """``ms[k]`` as the first of a pair: ``bf=`` words, ``tb=`` classes, ``first_opens``
        (computed when first asked: about half the mentions are never the first of a scored pair)."""
        hit = self._opening.get(k)
        if hit is None:
            ctx, sent, m = self.ctx, self.sent, self.ms[k]
            lo = max(sent.start, m.start - 12)
            opens = ["first_opens"] if not ctx.words(sent.start, m.start, last=1) else []
            hit = self._opening[k] = (_unique([f"bf={w}|{{o}}" for w in ctx.words(lo, m.start, last=2)]),
                                      [f"tb={c}|{{o}}" for c in ctx.classes(lo, m.start)], opens)
        return hit

    def closing(self, k: int) -> tuple[list[str], list[str]]:
        """``ms[k]`` as the second of a pair: ``af=`` words, ``ta=`` classes (computed when first asked)."""
        hit = self._closing.get(k)
        if hit is None:
            ctx, m = self.ctx, self.ms[k]
            hi = min(self.sent.end, m.end + 12)
            hit = self._closing[k] = (_unique([f"af={w}|{{o}}" for w in ctx.words(m.end, hi, first=2)]),
                                      [f"ta={c}|{{o}}" for c in ctx.classes(m.end, hi)])
        return hit

    def core(self, lo: int, hi: int) -> list[str]:
        """The templates of what lies between ``ms[lo]`` and ``ms[hi]`` (in text order)."""
        ctx, ms, text = self.ctx, self.ms, self.text
        first, second = ms[lo], ms[hi]
        feats = []
        gap_end, last = second.start, hi
        run = self.runs[hi]
        if first.end <= run < second.start:
            gap_end, last = run, self.run_index.get(run, hi)
            feats.append("in_list")
        gap = text[first.end : gap_end]
        feats.append(_DIST[len(gap)] if len(gap) < len(_DIST) else "dist=more")
        feats.append(_BETWEEN[hi - lo - 1] if hi - lo - 1 < len(_BETWEEN) else "nb=more")
        if _LIST_SEP.fullmatch(text[first.end : second.start]):
            feats.append("adjacent_list")
        if len(gap) <= 6:
            feats.append(f"gap={gap}|{{o}}")
        leading, trailing = ctx.edge_words(first.end, gap_end, 3)
        feats += [f"bw={w}|{{o}}" for w in sorted({*leading, *trailing})]  # sorted: the rows sum in one order
        if last > lo:
            feats += [f"tg={c}|{{o}}" for c in sorted(set().union(*self.stretch[lo:last]))]
        if gap:
            feats += [f for p, f in _PUNCTUATION if p in gap]
        return feats

    def body(self, lo: int, hi: int) -> list[str]:
        """The templates of the pair ``ms[lo]``, ``ms[hi]`` (in text order) that do not depend on which is the head."""
        before_words, before_classes, opens = self.opening(lo)
        after_words, after_classes = self.closing(hi)
        return [*self.core(lo, hi), *before_words, *after_words, *before_classes, *after_classes, *opens]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def pair_features(head: Ref, tail: Ref, body: Sequence[str], fired: Iterable[str] = ()) -> list[str]:
    """The classifier's features of the ordered pair ``head → tail``: its types, the rules that
    fired on it, and the ``body`` of the pair (see :class:`_SentencePairs`) for its order."""
    order = "ht" if head.start <= tail.start else "th"
    feats = [f"types={head.type}>{tail.type}", f"order={order}", f"tt={head.type}>{tail.type}|{order}",
             *(f"rule={r}" for r in fired), *(f.replace("{o}", order) for f in body)]
    return list(dict.fromkeys(feats))


def candidates(doc: Any, found: Sequence[tuple[str, str, str, Sentence]], allowed: set[str] | None,
               triggers: TriggerIndex) -> list[Candidate]:
    """Every ordered pair of each sentence the classifier scores, with its features.

    ``allowed``: the ``Head>Tail`` type pairs some relation admits (``None``: all).
    """
    out: list[Candidate] = []
    fired = _fired(found)
    for pairs, lo, hi, ordered in _pairs(doc, allowed, triggers):
        body, sent = pairs.body(lo, hi), pairs.sent
        out.extend((head, tail, sent, pair_features(head, tail, body, fired.get((head.key, tail.key, sent.start), ())))
                   for head, tail in ordered)
    return out


def _fired(found: Sequence[tuple[str, str, str, Sentence]]) -> dict[tuple[str, str, int], list[str]]:
    """The rules that fired on each ordered pair of a sentence (``rev:`` when the pair is the other way round)."""
    fired: dict[tuple[str, str, int], list[str]] = {}
    for head, name, tail, sent in found:
        fired.setdefault((head, tail, sent.start), []).append(name)
        fired.setdefault((tail, head, sent.start), []).append("rev:" + name)
    return fired


def _pairs(doc: Any, allowed: set[str] | None,
           triggers: TriggerIndex) -> Iterator[tuple[_SentencePairs, int, int, list[tuple[Ref, Ref]]]]:
    """``(pairs, lo, hi, ordered)`` for every two mentions ``pairs.ms[lo]``, ``pairs.ms[hi]`` of a
    sentence with an ordered pair the classifier scores: ``ordered``, the ``(head, tail)`` of either
    order whose types some relation admits."""
    from kg.nlp import doc_text, token_spans

    ctx = PairContext(doc_text(doc), token_spans(doc), triggers)
    for state in doc._.discourse or []:
        if len(state.mentions) + len(state.anaphors) < 2:
            continue  # no pair
        ms = sorted({(m.start, m.end): m for m in [*state.mentions, *state.anaphors]}.values(),
                    key=lambda m: (m.start, m.end))
        if len(ms) < 2:
            continue  # no pair
        pairs = _SentencePairs(ctx, state.sent, ms)
        for lo in range(len(ms)):
            for hi in range(lo + 1, len(ms)):
                a, b = ms[lo], ms[hi]
                if a.key == b.key:
                    continue
                ordered = [(head, tail) for head, tail in ((a, b), (b, a))
                           if allowed is None or f"{head.type}>{tail.type}" in allowed]
                if ordered:
                    yield pairs, lo, hi, ordered


class _Rows:
    """The rows of a :class:`~kg._linear.LinearModel` for feature templates, in either order: what
    :func:`pair_features` gives the model, without building each pair's strings (bounded cache)."""

    def __init__(self, model: LinearModel, *, max_size: int = 200_000) -> None:
        self.model = model
        self.max_size = max_size
        self.templates: dict[str, tuple[int | None, int | None]] = {}

    def of(self, templates: Iterable[str]) -> tuple[list[int], list[int]]:
        """The known rows of ``templates`` for either order: ``(ht rows, th rows)``."""
        cache = self.templates
        ht: list[int] = []
        th: list[int] = []
        for t in templates:
            hit = cache.get(t)
            if hit is None:
                if len(cache) > self.max_size:
                    cache.clear()
                row = self.model.row
                hit = cache[t] = (row(t.replace("{o}", "ht")), row(t.replace("{o}", "th")))
            if hit[0] is not None:
                ht.append(hit[0])
            if hit[1] is not None:
                th.append(hit[1])
        return ht, th


class RelationModel:
    """spaCy component: the relation rules, then the trained classifier over candidate pairs."""

    def __init__(self, vocab: Vocabulary, model_dir: str | Path | None, *, threshold: float = 0.5,
                 veto: float = 1.0) -> None:
        import json

        self.rules = RelationRules(vocab)
        self.triggers = TriggerIndex(vocab)
        self.threshold = threshold
        self.veto = veto
        self.model: LinearModel | None = None
        self.allowed: set[str] | None = None
        self.allowed_by: dict[str, set[str]] = {}
        path = Path(model_dir) / MODEL_FILE if model_dir else None
        if path is not None and path.is_file():
            self.model = LinearModel.load(path)
            meta = json.loads(path.with_suffix(".types.json").read_text(encoding="utf-8"))
            self.allowed_by = {rel: set(pairs) for rel, pairs in meta["allowed"].items()}
            self.allowed = set().union(*self.allowed_by.values())
        self.rows = _Rows(self.model) if self.model is not None else None
        self._kinds: dict[tuple[str, str, int], tuple[list[int], int]] = {}  # see :meth:`_kind`
        self._masks: dict[tuple[str, str], int] = {}  # per type pair, its row of ``_admits``
        self._admits: Any = None  # per type pair, the labels the ontology admits (``none`` always)

    def __call__(self, doc: Any) -> Any:
        doc = self.rules(doc)
        if self.model is None:
            return doc
        found = list(doc._.relations or [])
        doc._.relations = self.combine(found, self.predict(doc, found))
        return doc

    def predict(self, doc: Any, found: Sequence[tuple[str, str, str, Sentence]]) -> list[tuple[Ref, Ref, Sentence, str, float]]:
        """``(head, tail, sentence, label, probability)`` for every candidate pair.

        The same as scoring the :func:`candidates` features with the model; each mention's and
        each stretch's part is looked up once, not once per pair.
        """
        assert self.model is not None and self.rows is not None
        import numpy as np

        classes = self.model.classes
        rows_of, row = self.rows.of, self.model.row
        fired = {k: [i for r in dict.fromkeys(names) if (i := row(f"rule={r}")) is not None]
                 for k, names in _fired(found).items()}
        kinds = self._kinds
        admits: list[int] = []
        cands: list[tuple[Ref, Ref, Sentence]] = []
        examples: list[list[int]] = []
        sent_pairs = None
        # the rows of a sentence's mentions as the first or the second of a pair, for either order
        opening: dict[int, list[tuple[list[int], ...]]] = {}
        closing: dict[int, list[tuple[list[int], ...]]] = {}
        for pairs, lo, hi, ordered in _pairs(doc, self.allowed, self.triggers):
            if pairs is not sent_pairs:
                sent_pairs = pairs
                opening.clear()
                closing.clear()
            cores = rows_of(pairs.core(lo, hi))
            if lo not in opening:
                opening[lo] = list(zip(*[rows_of(part) for part in pairs.opening(lo)], strict=True))
            if hi not in closing:
                closing[hi] = list(zip(*[rows_of(part) for part in pairs.closing(hi)], strict=True))
            first, second, sent = opening[lo], closing[hi], pairs.sent
            for head, tail in ordered:
                o = 0 if head.start <= tail.start else 1
                heads, mask = kinds.get((head.type, tail.type, o)) or self._kind(head.type, tail.type, o)
                (before_words, before_classes, opens), (after_words, after_classes) = first[o], second[o]
                cands.append((head, tail, sent))
                examples.append([*heads, *fired.get((head.key, tail.key, sent.start), ()), *cores[o],
                                 *before_words, *after_words, *before_classes, *after_classes, *opens])
                admits.append(mask)
        if not cands:
            return []
        probs = self.model.probabilities_rows(examples)
        if self._admits is None or len(self._admits) < len(self._masks):
            self._admits = np.array([[c == NONE or f"{h}>{t}" in self.allowed_by.get(c, ()) for c in classes]
                                     for h, t in self._masks])
        admitted = np.where(self._admits[np.fromiter(admits, np.intp, len(admits))], probs, -1.0)
        best = admitted.argmax(axis=1)  # the first of equals, as the class order is fixed
        return [(head, tail, sent, classes[i], p)
                for (head, tail, sent), i, p in zip(cands, best.tolist(), admitted.max(axis=1).tolist(), strict=True)]

    def _kind(self, head: str, tail: str, o: int) -> tuple[list[int], int]:
        """For a pair of types ``head>tail`` in order ``o`` (0: the head first): the rows of its ``types=``,
        ``order=`` and ``tt=`` features, and the row of ``_admits`` of its type pair (kept across documents)."""
        assert self.model is not None
        order, pair, row = ("ht", "th")[o], f"{head}>{tail}", self.model.row
        rows = [i for f in (f"types={pair}", f"order={order}", f"tt={pair}|{order}") if (i := row(f)) is not None]
        mask = self._masks.setdefault((head, tail), len(self._masks))
        hit = self._kinds[(head, tail, o)] = (rows, mask)
        return hit

    def combine(self, found: list[tuple[str, str, str, Sentence]],
                scored: list[tuple[Ref, Ref, Sentence, str, float]]) -> list[tuple[str, str, str, Sentence]]:
        vetoed = {(h.key, t.key, s.start) for h, t, s, label, p in scored
                  if label == NONE and p >= self.veto and self.veto < 1}
        kept = [(h, name, t, s) for h, name, t, s in found if (h, t, s.start) not in vetoed]
        have = {(h, name.split(":", 1)[0], t) for h, name, t, _ in kept}
        have |= {(t, r, h) for h, r, t in have if r in SYMMETRIC_RELATIONS}
        for head, tail, sent, label, p in scored:
            if label != NONE and p >= self.threshold and (head.key, label, tail.key) not in have:
                have.add((head.key, label, tail.key))
                if label in SYMMETRIC_RELATIONS:
                    have.add((tail.key, label, head.key))
                kept.append((head.key, f"{label}:{MODEL_RULE}", tail.key, sent))
        return kept
