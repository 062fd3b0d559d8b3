"""The trained relation component: every candidate pair of a sentence, classified.

``stikg_relation_model_v1`` runs the relation rules (:class:`kg.relations.RelationRules`)
and then, when the model directory holds a classifier, scores every ordered pair of
entities of each sentence — the mentions, the resolved anaphors, and the paragraph's
topic and agency when the sentence does not name them — whose types fit a relation's
domain and range. The classifier (:class:`kg._linear.LinearModel`) labels a pair with one
of the nine relations or ``none`` from features of the pair: the entity types and their
order, the words between and around them, the distance, the punctuation between, and the
rules that fired on the pair.

How rules and the classifier combine: a pair the classifier labels with a relation at
probability ``threshold`` or more is added; a rule's relation is kept unless the classifier
gives the pair ``none`` with probability ``veto`` or more (``veto = 1`` keeps every rule
relation). The classifier predicts only labels whose domain and range (``ontology/stikg.ttl``,
copied into the model when it is trained) admit the pair's types. The evidence of a relation is its sentence in either case.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kg._linear import LinearModel
from kg.model import RELATIONS, SYMMETRIC_RELATIONS, Ref, Sentence, SentenceState
from kg.relations import RelationRules, rule
from kg.vocab import Vocabulary

__all__ = ["MODEL_FILE", "NONE", "Candidate", "PairContext", "RelationModel", "pair_features", "candidates"]

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


_LIST_SEP = re.compile(r"[、和与及，,\s“”\"]*|以及")


class PairContext:
    """What the features of every pair of one document read: the text, its tokens, the trigger classes."""

    def __init__(self, text: str, toks: Sequence[tuple[int, int]], triggers: dict[str, re.Pattern[str]]) -> None:
        self.text = text
        self.toks = toks
        self.starts = [s for s, _ in toks]
        self.triggers = triggers

    def words(self, a: int, b: int) -> list[str]:
        """The tokens wholly inside ``[a, b)``."""
        out = []
        i = bisect_left(self.starts, a)
        while i < len(self.toks) and self.toks[i][1] <= b:
            w = self.text[self.toks[i][0] : self.toks[i][1]].strip()
            if w:
                out.append(w)
            i += 1
        return out

    def classes(self, a: int, b: int) -> list[str]:
        """The trigger classes (``ontology/relations.toml``) with a word in ``[a, b)``."""
        piece = self.text[a:b]
        return [name for name, rx in self.triggers.items() if rx.search(piece)]


def _list_start(ctx: PairContext, ms: Sequence[Ref], j: int) -> int:
    """Where the enumeration holding ``ms[j]`` starts (A、B和C: the start of A), else ``ms[j].start``."""
    k = j
    while k > 0 and _LIST_SEP.fullmatch(ctx.text[ms[k - 1].end : ms[k].start]) and ms[k - 1].end <= ms[k].start:
        k -= 1
    return ms[k].start


def pair_features(ctx: PairContext, sent: Sentence, head: Ref, tail: Ref, *, between: int = 0,
                  run_start: int | None = None, fired: Iterable[str] = ()) -> list[str]:
    """The classifier's features of the ordered pair ``head → tail`` in ``sent``.

    ``between``: how many mentions lie between the two; ``run_start``: where the enumeration
    holding the second one starts (the words before it speak for all its members); a
    ``Ref`` with ``start < 0`` is the paragraph's topic or agency, not named in the sentence.
    """
    text = ctx.text
    inside = head.start >= 0 and tail.start >= 0
    first, second = (head, tail) if head.start <= tail.start else (tail, head)
    order = "ht" if first is head else "th"
    feats = [f"types={head.type}>{tail.type}", f"order={order}", f"tt={head.type}>{tail.type}|{order}"]
    feats.extend(f"rule={r}" for r in fired)
    if not inside:
        named = tail if head.start < 0 else head
        feats.append(f"ctx={'head' if named is tail else 'tail'}|{named.type}")
        feats.extend(f"cbw={w}" for w in ctx.words(max(sent.start, named.start - 12), named.start)[-3:])
        feats.extend(f"caf={w}" for w in ctx.words(named.end, min(sent.end, named.end + 12))[:3])
        feats.extend(f"ctg={c}" for c in ctx.classes(sent.start, named.start))
        feats.extend(f"cta={c}" for c in ctx.classes(named.end, sent.end))
        return sorted(set(feats))
    gap_end = second.start
    if run_start is not None and first.end <= run_start < second.start:
        gap_end = run_start
        feats.append("in_list")
    gap = text[first.end : gap_end]
    feats.append(f"dist={_bucket(len(gap))}")
    feats.append(f"nb={_bucket(between, (0, 1, 2, 4, 8))}")
    if _LIST_SEP.fullmatch(text[first.end : second.start]):
        feats.append("adjacent_list")
    if len(gap) <= 6:
        feats.append(f"gap={gap}|{order}")
    words = ctx.words(first.end, gap_end)
    feats.extend(f"bw={w}|{order}" for w in {*words[:3], *words[-3:]})
    feats.extend(f"tg={c}|{order}" for c in ctx.classes(first.end, gap_end))
    for p in "，；：（":
        if p in gap:
            feats.append(f"p={p}")
    before = ctx.words(max(sent.start, first.start - 12), first.start)[-2:]
    after = ctx.words(second.end, min(sent.end, second.end + 12))[:2]
    feats.extend(f"bf={w}|{order}" for w in before)
    feats.extend(f"af={w}|{order}" for w in after)
    feats.extend(f"tb={c}|{order}" for c in ctx.classes(max(sent.start, first.start - 12), first.start))
    feats.extend(f"ta={c}|{order}" for c in ctx.classes(second.end, min(sent.end, second.end + 12)))
    if not ctx.words(sent.start, first.start):
        feats.append("first_opens")
    return sorted(set(feats))


def candidates(doc: Any, found: Sequence[tuple[str, str, str, Sentence]], allowed: set[str] | None,
               triggers: dict[str, re.Pattern[str]]) -> list[Candidate]:
    """Every ordered pair of each sentence the classifier scores, with its features.

    ``allowed``: the ``Head>Tail`` type pairs some relation admits (``None``: all).
    """
    from kg.nlp import doc_text, token_spans

    ctx = PairContext(doc_text(doc), token_spans(doc), triggers)
    fired: dict[tuple[str, str, int], list[str]] = {}
    for head, name, tail, sent in found:
        fired.setdefault((head, tail, sent.start), []).append(name)
        fired.setdefault((tail, head, sent.start), []).append("rev:" + name)
    out: list[Candidate] = []
    for state in doc._.discourse or []:
        out.extend(_sentence_pairs(ctx, state, fired, allowed))
    return out


def _sentence_pairs(ctx: PairContext, state: SentenceState, fired: dict[tuple[str, str, int], list[str]],
                    allowed: set[str] | None) -> Iterable[Candidate]:
    sent = state.sent
    ms = sorted({(m.start, m.end): m for m in [*state.mentions, *state.anaphors]}.values(),
                key=lambda m: (m.start, m.end))
    if not ms:
        return
    keys = {m.key for m in ms}
    runs = [_list_start(ctx, ms, j) for j in range(len(ms))]
    for i, a in enumerate(ms):
        for j, b in enumerate(ms):
            if i == j or a.key == b.key:
                continue
            if allowed is not None and f"{a.type}>{b.type}" not in allowed:
                continue
            lo, hi = min(i, j), max(i, j)
            feats = pair_features(ctx, sent, a, b, between=hi - lo - 1, run_start=runs[hi],
                                  fired=fired.get((a.key, b.key, sent.start), ()))
            yield a, b, sent, feats
    for far_ref in (state.topic, state.agency):
        if far_ref is None or far_ref.key in keys:
            continue
        far = Ref(far_ref.key, far_ref.type, -1, -1, far_ref.text)
        for m in ms:
            for head, tail in ((far, m), (m, far)):
                if allowed is not None and f"{head.type}>{tail.type}" not in allowed:
                    continue
                yield head, tail, sent, pair_features(ctx, sent, head, tail,
                                                      fired=fired.get((head.key, tail.key, sent.start), ()))


class RelationModel:
    """spaCy component: the relation rules, then the trained classifier over candidate pairs."""

    def __init__(self, vocab: Vocabulary, model_dir: str | Path | None, *, threshold: float = 0.5,
                 veto: float = 1.0) -> None:
        import json

        self.rules = RelationRules(vocab)
        self.triggers = {name: re.compile(vocab.trigger(name)) for name in sorted(vocab.triggers)}
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

    def __call__(self, doc: Any) -> Any:
        doc = self.rules(doc)
        if self.model is None:
            return doc
        found = list(doc._.relations or [])
        doc._.relations = self.combine(found, self.predict(doc, found))
        return doc

    def predict(self, doc: Any, found: Sequence[tuple[str, str, str, Sentence]]) -> list[tuple[Ref, Ref, Sentence, str, float]]:
        """``(head, tail, sentence, label, probability)`` for every candidate pair."""
        assert self.model is not None
        out = []
        classes = self.model.classes
        for head, tail, sent, feats in candidates(doc, found, self.allowed, self.triggers):
            pair = f"{head.type}>{tail.type}"
            probs = self.model.probabilities(feats)
            # the most probable label the ontology admits for these types (``none`` always is)
            best = max((i for i, c in enumerate(classes) if c == NONE or pair in self.allowed_by.get(c, ())),
                       key=lambda i: (probs[i], -i))
            out.append((head, tail, sent, classes[best], probs[best]))
        return out

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
