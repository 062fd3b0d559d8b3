"""Extraction quality against hand-made gold: precision, recall and F1, overall and per document.

The gold has the extraction JSON shape of SPEC.md with names instead of ids (see
``eval/GUIDELINES.md``). The matching rules are those of the shared reference scorer
(``eval/score.py``), and ``tests/test_eval.py`` checks that every figure is the same:

- Documents are paired by the file name of ``doc.path`` (or ``doc.id`` when there is no
  path). A gold document without a prediction counts every gold item as missed.
- A name is compared after NFKC, removal of whitespace and of the quote marks
  ``《》〈〉“”"'‘’「」『』``, and lower-casing. Entities match when their name sets (label +
  aliases) intersect, greedily in file order, each gold and each predicted entity used once;
  typed matching also requires the predicted type, mapped up to its SPEC type through the
  ontology's subclasses (``LoanProduct`` → ``Program``), to equal the gold type.
- Relations match on the relation name and on head and tail names (either order for the
  symmetric ``partnerOf``). Observations match on subject, value (relative tolerance 1e-6)
  and unit. Year accuracy is the share of matched observations with a gold year whose
  predicted year is the same.
- Gold items marked ``"optional": true`` are neither missed when absent nor counted against
  precision when predicted.

The library never prints; :class:`Evaluation` holds the figures and the differences
(every miss and extra) and :meth:`Evaluation.to_json` gives them to scripts.

Example
-------
>>> gold = {"a.txt": {"doc": {"path": "a.txt"},
...         "entities": [{"label": "上海市科学技术委员会", "aliases": ["市科委"], "type": "Agency"},
...                      {"label": "高企贷", "type": "Program"}]}}
>>> pred = {"a.txt": {"doc": {"path": "docs/a.txt"},
...         "entities": [{"id": "e1", "label": "市科委", "type": "Agency"},
...                      {"id": "e2", "label": "InnoMatch", "type": "Platform"}]}}
>>> result = score(gold, pred)
>>> result.entities
Counts(tp=1, fp=1, fn=1)
>>> [str(d) for d in result.documents[0].differences]
['missed entity 高企贷 (Program)', 'extra entity InnoMatch (Platform)']
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg._gold import document_key, read_gold, read_predictions
from kg.errors import InputError
from kg.model import SYMMETRIC_RELATIONS, base_type

__all__ = [
    "MEASURES",
    "Counts",
    "Difference",
    "DocumentScore",
    "Evaluation",
    "document_key",
    "read_gold",
    "read_predictions",
    "score",
    "evaluate",
]

#: The matched-item measures, in display order.
MEASURES: tuple[str, ...] = ("entities", "entities_typed", "relations", "observations")

#: What the scorer ignores in a name. This is the scorer's own rule, kept apart from the
#: product's name normalisation on purpose: the yardstick must not move when extraction does.
_STRIP = re.compile(r"[\s《》〈〉“”\"'‘’「」『』]")


def _norm(name: str) -> str:
    return _STRIP.sub("", unicodedata.normalize("NFKC", name)).lower()


def _names(entity: Mapping[str, Any]) -> set[str]:
    out = {_norm(entity.get("label", ""))}
    out.update(_norm(a) for a in entity.get("aliases", []) or [])
    out.discard("")
    return out


@dataclass(frozen=True)
class Counts:
    """Correct (``tp``), extra (``fp``) and missed (``fn``) items of one measure.

    >>> c = Counts(tp=3, fp=1, fn=2)
    >>> c.precision, c.recall, round(c.f1, 3)
    (0.75, 0.6, 0.667)
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of predicted items that are correct (0.0 when nothing was predicted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Share of gold items that were predicted (0.0 when the gold has none)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0.0 when both are 0)."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def empty(self) -> bool:
        """True when neither the gold nor the prediction has an item that counts."""
        return not (self.tp or self.fp or self.fn)

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def to_json(self) -> dict[str, Any]:
        """Counts and precision / recall / F1."""
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class Difference:
    """One disagreement with the gold.

    ``kind`` is ``entity``, ``relation`` or ``observation``; ``change`` is ``missed`` (in
    the gold, not predicted), ``extra`` (predicted, not in the gold), ``type`` (entity found
    with another type) or ``year`` (observation found with another year); ``text`` names it.
    """

    kind: str
    change: str
    text: str

    def __str__(self) -> str:
        if self.change in ("missed", "extra"):
            return f"{self.change} {self.kind} {self.text}"
        return f"{self.kind} {self.change} {self.text}"


@dataclass(frozen=True)
class DocumentScore:
    """The figures of one gold document; ``predicted`` is False when it had no prediction."""

    name: str
    entities: Counts
    entities_typed: Counts
    relations: Counts
    observations: Counts
    years_correct: int = 0
    years_total: int = 0
    differences: list[Difference] = field(default_factory=list)
    predicted: bool = True

    @property
    def year_accuracy(self) -> float | None:
        """Share of matched observations with a gold year whose year is right (None if none)."""
        return self.years_correct / self.years_total if self.years_total else None

    def counts(self, measure: str) -> Counts:
        """The counts of one of :data:`MEASURES`."""
        if measure not in MEASURES:
            raise KeyError(measure)
        value: Counts = getattr(self, measure)
        return value

    def to_json(self, *, differences: bool = False) -> dict[str, Any]:
        """Figures of this document; with ``differences`` also every miss and extra."""
        out: dict[str, Any] = {"document": self.name, "predicted": self.predicted}
        out.update({m: self.counts(m).to_json() for m in MEASURES})
        out["year_accuracy"] = self.year_accuracy
        out["years"] = {"correct": self.years_correct, "total": self.years_total}
        if differences:
            out["differences"] = [vars(d) for d in self.differences]
        return out


@dataclass(frozen=True)
class Evaluation:
    """Scores of a set of documents; the overall figures are sums over :attr:`documents`.

    ``unscored`` names the predicted (or given) documents that the gold does not annotate.
    """

    documents: list[DocumentScore]
    unscored: list[str] = field(default_factory=list)

    def counts(self, measure: str) -> Counts:
        """Overall counts of one of :data:`MEASURES`."""
        total = Counts()
        for doc in self.documents:
            total = total + doc.counts(measure)
        return total

    @property
    def entities(self) -> Counts:
        return self.counts("entities")

    @property
    def entities_typed(self) -> Counts:
        return self.counts("entities_typed")

    @property
    def relations(self) -> Counts:
        return self.counts("relations")

    @property
    def observations(self) -> Counts:
        return self.counts("observations")

    @property
    def years_correct(self) -> int:
        return sum(d.years_correct for d in self.documents)

    @property
    def years_total(self) -> int:
        return sum(d.years_total for d in self.documents)

    @property
    def year_accuracy(self) -> float | None:
        """Overall observation year accuracy (None when no matched observation has a gold year)."""
        return self.years_correct / self.years_total if self.years_total else None

    @property
    def missing(self) -> list[str]:
        """Gold documents that had no prediction (scored as all missed)."""
        return [d.name for d in self.documents if not d.predicted]

    def to_json(self, *, differences: bool = False) -> dict[str, Any]:
        """Overall and per-document figures; with ``differences`` every miss and extra too."""
        return {
            "overall": {
                **{m: self.counts(m).to_json() for m in MEASURES},
                "year_accuracy": self.year_accuracy,
                "years": {"correct": self.years_correct, "total": self.years_total},
            },
            "documents": [d.to_json(differences=differences) for d in self.documents],
            "documents_missing": self.missing,
            "documents_unscored": list(self.unscored),
        }


# --------------------------------------------------------------------------- matching


def _match_entities(gold: list[dict[str, Any]], pred: list[dict[str, Any]],
                    typed: bool) -> tuple[dict[int, int], Counts]:
    """Greedy one-to-one matching: ``(gold index → predicted index, counts)``."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    pred_names = [_names(p) for p in pred]
    for gi, g in enumerate(gold):
        gold_names = _names(g)
        for pi, p in enumerate(pred):
            if pi in used or not (gold_names & pred_names[pi]):
                continue
            if typed and base_type(str(p.get("type", ""))) != base_type(str(g.get("type"))):
                continue
            pairs[gi] = pi
            used.add(pi)
            break
    optional = {i for i, g in enumerate(gold) if g.get("optional")}
    tp = sum(1 for gi in pairs if gi not in optional)
    fp = len(pred) - len(used)
    fn = sum(1 for gi in range(len(gold)) if gi not in pairs and gi not in optional)
    return pairs, Counts(tp, fp, fn)


def _ref(index: Mapping[Any, set[str]], key: Any) -> set[str]:
    """Names of the predicted entity an id (or a label) refers to."""
    if key is None:
        return set()
    try:
        found = index.get(key)
    except TypeError:  # an unhashable id refers to nothing
        found = None
    return found or index.get(_norm(str(key)), set())


def _value(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _show(value: Any) -> str:
    number = _value(value)
    if number is None:
        return str(value)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def _year(year: Any) -> str:
    return f" ({year})" if year is not None else ""


def _score_document(name: str, gold: Mapping[str, Any], pred: Mapping[str, Any] | None) -> DocumentScore:
    """Scores and differences of one document (``pred`` None: not predicted)."""
    p = pred or {}
    ge: list[dict[str, Any]] = gold.get("entities", []) or []
    pe: list[dict[str, Any]] = p.get("entities", []) or []
    diffs: list[Difference] = []

    pairs, entities = _match_entities(ge, pe, typed=False)
    typed_pairs, entities_typed = _match_entities(ge, pe, typed=True)
    for gi, g in enumerate(ge):
        if gi not in pairs and not g.get("optional"):
            diffs.append(Difference("entity", "missed", f"{g['label']} ({g['type']})"))
    matched = set(pairs.values())
    for pi, e in enumerate(pe):
        if pi not in matched:
            diffs.append(Difference("entity", "extra", f"{e.get('label')} ({e.get('type')})"))
    for gi, g in enumerate(ge):
        if gi in pairs and gi not in typed_pairs and not g.get("optional"):
            got = str(pe[pairs[gi]].get("type"))
            if base_type(got) != base_type(g["type"]):
                diffs.append(Difference("entity", "type", f"{g['label']}: {g['type']} expected, {got} predicted"))

    gold_by_label = {_norm(e["label"]): _names(e) for e in ge}
    pred_index: dict[Any, set[str]] = {_norm(str(e.get("label", ""))): _names(e) for e in pe}
    pred_index.update({e["id"]: _names(e) for e in pe if e.get("id") is not None})
    pred_label = {e["id"]: e.get("label") for e in pe if e.get("id") is not None}

    def gold_names(label: str) -> set[str]:
        return gold_by_label.get(_norm(label), {_norm(label)})

    def label_of(key: Any) -> str:
        try:
            return str(pred_label.get(key, key))
        except TypeError:
            return str(key)

    # Relations
    prel: list[dict[str, Any]] = p.get("relations", []) or []
    used: set[int] = set()
    tp = fn = 0
    for gr in gold.get("relations", []) or []:
        gh, gt = gold_names(gr["head"]), gold_names(gr["tail"])
        hit = None
        for i, pr in enumerate(prel):
            if i in used or pr.get("relation") != gr["relation"]:
                continue
            ph, pt = _ref(pred_index, pr.get("head")), _ref(pred_index, pr.get("tail"))
            if (gh & ph and gt & pt) or (gr["relation"] in SYMMETRIC_RELATIONS and gh & pt and gt & ph):
                hit = i
                break
        if hit is not None:
            used.add(hit)
            tp += 0 if gr.get("optional") else 1
        elif not gr.get("optional"):
            fn += 1
            diffs.append(Difference("relation", "missed", f"{gr['head']} —{gr['relation']}→ {gr['tail']}"))
    for i, pr in enumerate(prel):
        if i not in used:
            diffs.append(Difference("relation", "extra", f"{label_of(pr.get('head'))} "
                                    f"—{pr.get('relation')}→ {label_of(pr.get('tail'))}"))
    relations = Counts(tp, len(prel) - len(used), fn)

    # Observations
    pobs: list[dict[str, Any]] = p.get("observations", []) or []
    used = set()
    tp = fn = years_correct = years_total = 0
    for go in gold.get("observations", []) or []:
        subject = gold_names(go["subject"])
        gv = float(go["value"])
        hit = None
        for i, po in enumerate(pobs):
            pv = _value(po.get("value"))
            if i in used or pv is None:
                continue
            if (abs(pv - gv) <= 1e-6 * max(1.0, abs(gv))
                    and _norm(str(po.get("unit", ""))) == _norm(go["unit"])
                    and subject & _ref(pred_index, po.get("subject"))):
                hit = i
                break
        what = f"{go['subject']} {go.get('measure', '')} {_show(go['value'])}{go['unit']}"
        if hit is not None:
            used.add(hit)
            tp += 0 if go.get("optional") else 1
            if go.get("year") is not None:
                years_total += 1
                if pobs[hit].get("year") == go["year"]:
                    years_correct += 1
                else:
                    diffs.append(Difference("observation", "year", f"{what}: {go['year']} expected, "
                                            f"{pobs[hit].get('year') or 'none'} predicted"))
        elif not go.get("optional"):
            fn += 1
            diffs.append(Difference("observation", "missed", what + _year(go.get("year"))))
    for i, po in enumerate(pobs):
        if i not in used:
            diffs.append(Difference("observation", "extra", f"{label_of(po.get('subject'))} {po.get('measure', '')} "
                                    f"{_show(po.get('value'))}{po.get('unit', '')}{_year(po.get('year'))}"))
    observations = Counts(tp, len(pobs) - len(used), fn)

    order = {("entity", "missed"): 0, ("entity", "extra"): 1, ("entity", "type"): 2,
             ("relation", "missed"): 3, ("relation", "extra"): 4,
             ("observation", "missed"): 5, ("observation", "extra"): 6, ("observation", "year"): 7}
    diffs.sort(key=lambda d: order[d.kind, d.change])
    return DocumentScore(name, entities, entities_typed, relations, observations,
                         years_correct, years_total, diffs, predicted=pred is not None)


def score(gold: Mapping[str, Mapping[str, Any]], predictions: Mapping[str, Mapping[str, Any]]) -> Evaluation:
    """Score ``predictions`` against ``gold``, both mappings of :func:`document_key` → record.

    Every gold document is scored, in the gold's order; one without a prediction counts
    every gold item as missed. Predicted documents the gold does not annotate are listed
    in :attr:`Evaluation.unscored`. A gold type may also be a subclass; both sides are
    mapped up to the SPEC types before typed matching.

    >>> gold = {"a.txt": {"doc": {"path": "a.txt"}, "entities": [{"label": "高企贷", "type": "Program"}],
    ...                   "relations": [], "observations": []}}
    >>> pred = {"a.txt": {"entities": [{"id": "e1", "label": "“高企贷”", "type": "LoanProduct"}]}}
    >>> score(gold, pred).entities_typed
    Counts(tp=1, fp=0, fn=0)
    """
    documents = [_score_document(name, record, predictions.get(name)) for name, record in gold.items()]
    unscored = sorted(name for name in predictions if name not in gold)
    return Evaluation(documents, unscored)


def evaluate(
    gold: str | os.PathLike[str],
    documents: Sequence[str | os.PathLike[str]],
    *,
    nlp: Any = None,
    progress: Callable[[str], None] | None = None,
) -> Evaluation:
    """Extract ``documents`` (files or folders) and score them against the ``gold`` JSONL file.

    Documents are paired with the gold by file name; only those the gold annotates are
    extracted (one document at a time, no resolution across documents), the others are
    listed in :attr:`Evaluation.unscored`. ``progress`` is called with each path extracted.

    Raises :class:`kg.errors.InputError` for an unreadable gold file, documents that cannot
    be found or read, two documents with the same file name, or documents none of which the
    gold annotates.

    Example
    -------
    >>> result = evaluate("eval/dev/gold.jsonl", ["eval/dev/docs"])  # doctest: +SKIP
    >>> round(result.entities.f1, 3), result.year_accuracy            # doctest: +SKIP
    """
    from kg.documents import iter_paths
    from kg.pipeline import extract_file

    gold_docs = read_gold(gold)
    if not documents:
        raise InputError(f"no documents given to score against {gold}; pass the files (or folder) "
                         f"the gold annotates after it, e.g. kg eval {gold} docs/*.txt")
    by_name: dict[str, Path] = {}
    for path in iter_paths([Path(d) for d in documents]):
        if path.name in by_name:
            raise InputError(f"{by_name[path.name]} and {path} have the same file name; documents are "
                             f"paired with the gold by file name, so give only one of them")
        by_name[path.name] = path
    wanted = [name for name in gold_docs if name in by_name]
    if not wanted:
        listed = ", ".join(list(gold_docs)[:3]) + (", …" if len(gold_docs) > 3 else "")
        raise InputError(f"{gold}: none of its {len(gold_docs)} documents ({listed}) is among the "
                         f"documents given; pass the files the gold annotates")
    predictions: dict[str, dict[str, Any]] = {}
    for name in wanted:
        predictions[name] = extract_file(by_name[name], nlp=nlp).to_json()
        if progress:
            progress(str(by_name[name]))
    result = score(gold_docs, predictions)
    unscored = sorted(name for name in by_name if name not in gold_docs)
    return Evaluation(result.documents, unscored)
