"""A multinomial logistic regression over string features: fitted by scikit-learn, applied with numpy.

The learned relation component stores its weights as sorted, rounded JSON (small, diffable,
the same bytes for the same data) and scores a handful of features per example by summing
the rows of the features it knows, so extraction does not need scikit-learn.

>>> model = LinearModel.fit([["a"], ["b"], ["a", "c"]], ["x", "y", "x"])
>>> model.predict(["a"])[0]
'x'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["LinearModel"]


class LinearModel:
    """Class weights per feature; :meth:`probabilities` is the softmax of the summed weights."""

    def __init__(self, classes: list[str], bias: list[float], weights: dict[str, list[float]]) -> None:
        import numpy as np

        self.classes = classes
        self.bias = bias
        self.weights = weights
        self._index = {f: i for i, f in enumerate(weights)}
        self._matrix = np.array(list(weights.values()) or np.zeros((0, len(classes))), dtype=np.float64)
        self._bias = np.array(bias, dtype=np.float64)

    @classmethod
    def fit(cls, features: Sequence[Sequence[str]], labels: Sequence[str], *, c: float = 1.0,
            min_count: int = 1, weight: dict[str, float] | None = None) -> LinearModel:
        """Fit on binary features (each example a list of feature names) with L2 penalty ``1/c``.

        Features seen in fewer than ``min_count`` examples are dropped; ``weight`` gives a
        class's examples more (or less) weight than 1. lbfgs from zero
        weights on a fixed feature order: the same data give the same weights.
        """
        from collections import Counter

        import numpy as np
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression

        counts = Counter(f for feats in features for f in set(feats))
        vocab = sorted(f for f, n in counts.items() if n >= min_count)
        index = {f: i for i, f in enumerate(vocab)}
        rows, cols = [], []
        for r, feats in enumerate(features):
            for col in sorted({index[f] for f in feats if f in index}):
                rows.append(r)
                cols.append(col)
        x = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(features), len(vocab)))
        classes = sorted(set(labels))
        if len(classes) == 1:
            return cls(classes, [0.0], {})
        clf = LogisticRegression(C=c, max_iter=2000, solver="lbfgs",
                                 class_weight={k: (weight or {}).get(k, 1.0) for k in classes})
        clf.fit(x, list(labels))
        coef = clf.coef_
        bias = [float(b) for b in clf.intercept_]
        if len(clf.classes_) == 2:  # sklearn keeps one row for two classes: weights of the second
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            bias = [-bias[0] / 2, bias[0] / 2]
        weights = {}
        for j, f in enumerate(vocab):
            w = [round(float(v), 4) for v in coef[:, j]]
            if any(abs(v) >= 1e-3 for v in w):
                weights[f] = w
        return cls([str(k) for k in clf.classes_], [round(b, 4) for b in bias], weights)

    def probabilities(self, features: Sequence[str]) -> list[float]:
        """The probability of each of :attr:`classes` for one example."""
        import numpy as np

        rows = [i for f in features if (i := self._index.get(f)) is not None]
        scores = self._bias + self._matrix[rows].sum(axis=0) if rows else self._bias
        exps = np.exp(scores - scores.max())
        return [float(e) for e in exps / exps.sum()]

    def row(self, feature: str) -> int | None:
        """The row of ``feature`` in the weights (``None``: a feature the model does not know)."""
        return self._index.get(feature)

    def probabilities_many(self, examples: Sequence[Sequence[str]]) -> Any:
        """The class probabilities of many examples at once: an array of ``len(examples)`` rows."""
        index = self._index
        return self.probabilities_rows([[i for f in features if (i := index.get(f)) is not None] for features in examples])

    def probabilities_rows(self, examples: Sequence[Sequence[int]]) -> Any:
        """:meth:`probabilities_many` of examples given as the rows (:meth:`row`) of their known features,
        each row once."""
        import numpy as np

        rows: list[int] = []
        starts: list[int] = []
        for example in examples:
            starts.append(len(rows))
            rows.extend(example)
        if not rows:
            scores = np.tile(self._bias, (len(examples), 1))
        else:  # the rows of each example's features, summed per example (examples are contiguous)
            at = np.fromiter(starts, np.intp, len(starts))
            sums = np.add.reduceat(self._matrix[np.fromiter(rows, np.intp, len(rows))], at.clip(max=len(rows) - 1))
            sums[np.diff(at, append=len(rows)) == 0] = 0.0  # (reduceat gives an empty example the next row)
            scores = self._bias + sums
        scores -= scores.max(axis=1, keepdims=True)
        exps = np.exp(scores)
        return exps / exps.sum(axis=1, keepdims=True)

    def predict(self, features: Sequence[str]) -> tuple[str, float]:
        """The most probable class and its probability."""
        probs = self.probabilities(features)
        best = max(range(len(probs)), key=lambda i: (probs[i], -i))
        return self.classes[best], probs[best]

    def to_json(self) -> dict[str, Any]:
        return {"classes": self.classes, "bias": self.bias, "weights": self.weights}

    def save(self, path: str | Path) -> None:
        """Write the weights as JSON with sorted keys (deterministic bytes)."""
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                              encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(list(data["classes"]), list(data["bias"]), dict(data["weights"]))
