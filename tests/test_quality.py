"""Quality floor on the seeds, measured by the shared scorer against the hand-made gold.

The gold is only read here, by the test, never by product code. The same scorer
runs on unseen documents of this genre, so these floors guard against
regressions; they are not a target to fit.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold" / "seeds.jsonl"
SCORER = SHARED / "eval" / "score.py"

FLOORS = {"entities": 0.90, "entities_typed": 0.85, "relations": 0.60, "observations": 0.75}


@pytest.fixture(scope="module")
def scores(seeds_build, tmp_path_factory) -> dict:
    if not (GOLD.exists() and SCORER.exists()):
        pytest.fail(f"the shared gold and scorer are expected at {SHARED} (beside the repository)")
    spec = importlib.util.spec_from_file_location("stikg_score", SCORER)
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    pred = tmp_path_factory.mktemp("pred") / "pred.jsonl"
    pred.write_text(
        "".join(json.dumps(x.to_json(), ensure_ascii=False) + "\n" for x in seeds_build.extractions),
        encoding="utf-8",
    )
    up = score.superclass_map(str(ROOT / "ontology" / "stikg.ttl"))
    return score.score(score.load(str(GOLD)), score.load(str(pred)), up)


@pytest.mark.parametrize("measure", sorted(FLOORS), ids=str)
def test_seed_extraction_meets_its_floor(scores: dict, measure: str) -> None:
    p, r, f = scores[measure]
    assert f >= FLOORS[measure], f"{measure}: P={p:.3f} R={r:.3f} F1={f:.3f} < {FLOORS[measure]}"


def test_no_seed_document_is_missing(scores: dict) -> None:
    assert scores["documents_missing"] == []
