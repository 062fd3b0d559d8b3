"""Cross-validated extraction quality → docs/QUALITY.md (``make quality``).

The dev set (eval/dev, 30 documents) is split into 5 folds by document, dealt round-robin in
file-name order. For each fold the learned components are trained on the seeds plus the
other four folds and the held-out fold is scored with the shared scorer's rules
(kg.evaluate), beside the rules alone on the same documents and with each trained component
added in turn. Nothing here is tuned on the held-out fold.

Usage: python scripts/quality.py [--out docs/QUALITY.md] [--folds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MEASURES = ("entities", "entities_typed", "relations", "observations")
TITLES = {"entities": "entities", "entities_typed": "entities, typed", "relations": "relations",
          "observations": "observations"}
TARGETS = {"entities": 0.85, "entities_typed": 0.80, "relations": 0.60, "observations": 0.70}
KINDS = {"rules": "rules alone", "+entities": "+ entity tagger", "+relations": "+ relation classifier"}


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "QUALITY.md"))
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from kg.evaluate import score
    from kg.nlp import get_nlp, load_config
    from kg.pipeline import extract_document
    from kg.train import cross_validate, read_annotated, trained_on

    started = time.time()
    base = read_annotated([ROOT / "eval/seeds/gold.jsonl"], [ROOT / "seeds"])
    held = read_annotated([ROOT / "eval/dev/gold.jsonl"], [ROOT / "eval/dev/docs"])
    results = cross_validate(base, held, k=args.folds,
                             progress=lambda what, done, total: print(f"fold {done}/{total} done", file=sys.stderr))
    kinds = [k for k in KINDS if k in results[0]["scores"]]

    def f1(kind: str, measure: str) -> list[float]:
        return [r["scores"][kind].counts(measure).f1 for r in results]

    lines = [
        "# Extraction quality, cross-validated",
        "",
        f"Written by `make quality` (`scripts/quality.py`) on {dt.datetime.now():%Y-%m-%d %H:%M} "
        f"in {time.time() - started:.0f} s.",
        "",
        f"The dev set (`eval/dev`, {len(held)} documents of genres the seeds never showed) is split into "
        f"{args.folds} folds by document, dealt round-robin in file-name order. For each fold the learned "
        f"components are trained on the {len(base)} seeds plus the other folds, and the held-out fold is "
        "extracted and scored with the shared scorer's rules (`kg.evaluate`, the same figures as "
        "`eval/score.py`). Each row adds one trained component to the ones above it; the rules alone are "
        "scored on the same documents. F1 is the mean over the folds.",
        "",
        "| | " + " | ".join(TITLES[m] for m in MEASURES) + " |",
        "|---|" + "---:|" * len(MEASURES),
    ]
    for kind in kinds:
        lines.append(f"| {KINDS[kind]} | " + " | ".join(f"{mean(f1(kind, m)):.3f}" for m in MEASURES) + " |")
    lines.append("| target (issue 9) | " + " | ".join(f"{TARGETS[m]:.2f}" for m in MEASURES) + " |")
    last = kinds[-1]
    lines += [
        "",
        "Per fold (F1, rules alone → the whole trained pipeline):",
        "",
        "| fold | documents | " + " | ".join(TITLES[m] for m in MEASURES) + " |",
        "|---|---|" + "---:|" * len(MEASURES),
    ]
    for r in results:
        cells = [f"{r['scores']['rules'].counts(m).f1:.3f} → {r['scores'][last].counts(m).f1:.3f}" for m in MEASURES]
        lines.append(f"| {r['fold'] + 1} | {', '.join(d.removesuffix('.txt') for d in r['documents'])} | "
                     + " | ".join(cells) + " |")
    lines += ["", "Precision and recall, summed over the folds:", "",
              "| | " + " | ".join(f"{TITLES[m]} P / R" for m in MEASURES) + " |",
              "|---|" + "---:|" * len(MEASURES)]
    for kind in kinds:
        cells = []
        for m in MEASURES:
            total = None
            for r in results:
                c = r["scores"][kind].counts(m)
                total = c if total is None else total + c
            cells.append(f"{total.precision:.3f} / {total.recall:.3f}")
        lines.append(f"| {KINDS[kind]} | " + " | ".join(cells) + " |")

    # the shipped model on the data it was trained on: shown, and said to be no quality figure
    nlp = get_nlp(load_config())
    seen = trained_on(load_config())
    if seen:
        dev = score({a.name: a.gold for a in held}, {a.name: extract_document(a.document, nlp=nlp).to_json()
                                                      for a in held})
        lines += [
            "",
            f"The shipped model (`kg/models/default`, `make train`) is trained on all {len(seen)} annotated "
            "documents, the dev set included. Its dev-set F1 — "
            + ", ".join(f"{TITLES[m]} {dev.counts(m).f1:.3f}" for m in MEASURES)
            + " — is **not a quality figure**: it has seen those documents. The cross-validated "
            "figures above are the ones to quote; expect documents of a new genre to score somewhat below them.",
        ]
    lines += ["", Path(ROOT / "docs" / "QUALITY-notes.md").read_text(encoding="utf-8").rstrip()]
    out = Path(args.out)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".quality.", suffix=".md")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, out)
    print(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
