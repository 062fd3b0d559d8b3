"""Quality floors on the seeds and on the dev set, scored by ``kg.evaluate`` against the gold in eval/.

The gold is only read here, by the tests, and by ``kg train`` when ``make train`` builds the
shipped model from it — never by extraction. The shipped model has seen every annotated
document, so on the dev set two figures are held:

* the rules alone (no model): no dev name is in the lexicon, but some general constructions
  were added after reading where the rules missed on the dev set (each tested on invented
  sentences in test_entities / test_relations / test_observations), so the dev figures are
  somewhat optimistic for unseen documents; these floors guard the rules against regressions,
  they are not a target to fit;
* the shipped model: a floor on what it learnt from its own training data (it must not
  fall, but it is no quality figure — docs/QUALITY.md has the cross-validated ones).

Raise the floors as extraction improves (about 0.02 below the measured figure).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.evaluate import Evaluation, read_gold, score

EVAL = Path(__file__).resolve().parent.parent / "eval"

#: F1 floors on the seeds: the issue's minimum (measured 0.970 / 0.962 / 0.939 / 0.963 with the rules
#: alone, year accuracy 1.000, when last looked at).
SEEDS_FLOORS = {"entities": 0.90, "entities_typed": 0.85, "relations": 0.60, "observations": 0.75}

#: F1 floors (and year accuracy) of the rules alone on the 30 dev documents, a little below what was
#: measured when they were last raised: 0.859 / 0.840 / 0.631 / 0.713, year accuracy 0.923 (72 of 78
#: matched figures; the six wrong are a forum report's figures whose year, 2019, only the event's
#: name gives — they were not matched at all before the subjects carried across sentences).
DEV_FLOORS = {"entities": 0.84, "entities_typed": 0.82, "relations": 0.61, "observations": 0.69,
              "year_accuracy": 0.90}

#: Floors of the shipped model on the dev documents it was trained on (measured 0.868 / 0.851 /
#: 0.726 / 0.739, year accuracy 0.927 — the same six figures as above): it must have learnt them,
#: beyond the rules.
DEV_TRAINED_FLOORS = {"entities": 0.85, "entities_typed": 0.83, "relations": 0.69, "observations": 0.73,
                      "year_accuracy": 0.87}


@pytest.fixture(scope="module")
def seeds_scores(seeds_predictions: dict[str, Any]) -> Evaluation:
    return score(read_gold(EVAL / "seeds" / "gold.jsonl"), seeds_predictions)


@pytest.fixture(scope="module")
def dev_scores(rules_nlp: Any) -> Evaluation:
    from kg.pipeline import extract_file

    predictions = {p.name: extract_file(p, nlp=rules_nlp).to_json() for p in sorted((EVAL / "dev" / "docs").glob("*.txt"))}
    return score(read_gold(EVAL / "dev" / "gold.jsonl"), predictions)


@pytest.fixture(scope="module")
def dev_trained_scores(dev_predictions: dict[str, Any]) -> Evaluation:
    return score(read_gold(EVAL / "dev" / "gold.jsonl"), dev_predictions)


def _figure(scores: Evaluation, measure: str) -> tuple[float, str]:
    """(the figure held by a floor, how it was reached) for a message."""
    if measure == "year_accuracy":
        return scores.year_accuracy or 0.0, f"{scores.years_correct}/{scores.years_total}"
    c = scores.counts(measure)
    return c.f1, f"P={c.precision:.3f} R={c.recall:.3f} tp={c.tp} fp={c.fp} fn={c.fn}"


@pytest.mark.parametrize("measure", sorted(SEEDS_FLOORS), ids=str)
def test_seed_extraction_meets_its_floor(seeds_scores: Evaluation, measure: str) -> None:
    figure, how = _figure(seeds_scores, measure)
    assert figure >= SEEDS_FLOORS[measure], f"seeds {measure}: {figure:.3f} ({how}) < {SEEDS_FLOORS[measure]}"


@pytest.mark.parametrize("measure", sorted(DEV_FLOORS), ids=str)
def test_dev_extraction_meets_its_floor(dev_scores: Evaluation, measure: str) -> None:
    figure, how = _figure(dev_scores, measure)
    assert figure >= DEV_FLOORS[measure], f"dev {measure}: {figure:.3f} ({how}) < {DEV_FLOORS[measure]}"


@pytest.mark.parametrize("measure", sorted(DEV_TRAINED_FLOORS), ids=str)
def test_the_shipped_model_has_learnt_its_training_documents(dev_trained_scores: Evaluation, measure: str) -> None:
    figure, how = _figure(dev_trained_scores, measure)
    floor = DEV_TRAINED_FLOORS[measure]
    assert figure >= floor, f"dev (trained on) {measure}: {figure:.3f} ({how}) < {floor}"


@pytest.mark.parametrize("measure", ["entities", "relations"], ids=str)
def test_the_model_adds_to_the_rules_on_what_it_learnt(dev_scores: Evaluation, dev_trained_scores: Evaluation,
                                                       measure: str) -> None:
    assert dev_trained_scores.counts(measure).f1 > dev_scores.counts(measure).f1


@pytest.mark.parametrize("which", ["seeds", "dev", "dev_trained"], ids=str)
def test_every_gold_document_was_extracted(which: str, request: pytest.FixtureRequest) -> None:
    scores: Evaluation = request.getfixturevalue(f"{which}_scores")
    assert scores.missing == [] and scores.unscored == []
