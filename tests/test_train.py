"""Learning from annotations: ``kg train`` end to end on a tiny gold set, the model directory, --model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.documents import read_document
from kg.nlp import DEFAULT_MODEL, MODEL_FILES, build_nlp, load_config
from kg.pipeline import extract_document, read_config

#: Training documents: a product name no rule knows (青禾通), and a wording of administeredBy
#: no rule knows (X 挂靠 Y), annotated in the gold format of eval/GUIDELINES.md.
DOCS = {
    "a.txt": "青禾通是一款面向初创团队的信贷产品。青禾通挂靠市科委。截至2023年末，青禾通累计服务企业120家。",
    "b.txt": "今年，青禾通继续扩大覆盖面。科技创新券挂靠市科委。青禾通将重点支持科技型中小企业。",
    "c.txt": "据介绍，青禾通已与多家银行合作。高企贷挂靠市科委。青禾通的申请流程简便。",
    "d.txt": "青禾通受到企业欢迎。青禾通挂靠市科委，服务科技型中小企业。",
}
GOLD = {
    "a.txt": {"entities": [("青禾通", "Program"), ("初创团队", "TargetGroup"), ("市科委", "Agency")],
              "relations": [("青禾通", "targets", "初创团队"), ("青禾通", "administeredBy", "市科委")]},
    "b.txt": {"entities": [("青禾通", "Program"), ("科技创新券", "Program"), ("市科委", "Agency"),
                           ("科技型中小企业", "TargetGroup")],
              "relations": [("科技创新券", "administeredBy", "市科委"), ("青禾通", "targets", "科技型中小企业")]},
    "c.txt": {"entities": [("青禾通", "Program"), ("高企贷", "Program"), ("市科委", "Agency")],
              "relations": [("高企贷", "administeredBy", "市科委")]},
    "d.txt": {"entities": [("青禾通", "Program"), ("市科委", "Agency"), ("科技型中小企业", "TargetGroup")],
              "relations": [("青禾通", "administeredBy", "市科委"), ("青禾通", "targets", "科技型中小企业")]},
}
#: A document the model has not seen.
NEW = "青禾通今年继续扩大覆盖面。科创助力贷挂靠市科委。"


def _write_gold(root: Path) -> Path:
    (root / "docs").mkdir()
    for name, text in DOCS.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    gold = root / "gold.jsonl"
    with gold.open("w", encoding="utf-8") as fh:
        for name, g in GOLD.items():
            record = {"doc": {"path": name},
                      "entities": [{"label": n, "aliases": [], "type": t} for n, t in g["entities"]],
                      "relations": [{"head": h, "relation": r, "tail": t} for h, r, t in g["relations"]],
                      "observations": []}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return gold


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny")
    gold = _write_gold(root)
    result = CliRunner().invoke(cli, ["train", str(gold), "--docs", str(root / "docs"), "--out",
                                      str(root / "model"), "--format", "json"])
    assert result.exit_code == 0, result.output
    new = root / "new.txt"
    new.write_text(NEW, encoding="utf-8")
    empty = root / "no-model"
    empty.mkdir()
    return {"root": root, "gold": gold, "model": root / "model", "new": new, "empty": empty}


def _extract(path: Path, model: Path) -> dict[str, Any]:
    cfg = load_config(overrides={"paths.model": str(model)})
    return extract_document(read_document(path), nlp=build_nlp(cfg)).to_json()


def _edges(x: dict[str, Any]) -> set[tuple[str, str, str]]:
    label = {e["id"]: e["label"] for e in x["entities"]}
    return {(label[r["head"]], r["relation"], label[r["tail"]]) for r in x["relations"]}


def test_train_writes_every_trained_component_and_what_it_learnt_from(tiny: dict[str, Path]) -> None:
    files = {p.name for p in tiny["model"].iterdir()}
    assert set(MODEL_FILES) <= files and "meta.json" in files
    meta = json.loads((tiny["model"] / "meta.json").read_text(encoding="utf-8"))
    assert meta["trained_on"] == sorted(DOCS)


def test_the_trained_tagger_finds_a_name_no_rule_knows(tiny: dict[str, Path]) -> None:
    rules = {e["label"] for e in _extract(tiny["new"], tiny["empty"])["entities"]}
    trained = {(e["label"], e["type"]) for e in _extract(tiny["new"], tiny["model"])["entities"]}
    assert "青禾通" not in rules
    assert ("青禾通", "Program") in trained


def test_the_trained_classifier_finds_a_wording_no_rule_knows(tiny: dict[str, Path]) -> None:
    edge = ("科创助力贷", "administeredBy", "市科委")
    assert edge not in _edges(_extract(tiny["new"], tiny["empty"]))
    assert edge in _edges(_extract(tiny["new"], tiny["model"]))


def test_training_is_deterministic(tiny: dict[str, Path], tmp_path: Path) -> None:
    again = CliRunner().invoke(cli, ["train", str(tiny["gold"]), "--docs", str(tiny["root"] / "docs"),
                                     "--out", str(tmp_path / "again")])
    assert again.exit_code == 0, again.output
    for name in sorted(p.name for p in tiny["model"].iterdir()):
        assert (tmp_path / "again" / name).read_bytes() == (tiny["model"] / name).read_bytes(), name


def test_model_option_uses_another_model_and_eval_scores_with_it(tiny: dict[str, Path]) -> None:
    result = CliRunner().invoke(cli, ["eval", str(tiny["gold"]), str(tiny["root"] / "docs"), "--model",
                                      str(tiny["model"]), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["trained_on_scored_documents"] == sorted(DOCS)
    extracted = CliRunner().invoke(cli, ["extract", str(tiny["new"]), "--model", str(tiny["model"])])
    assert extracted.exit_code == 0 and "青禾通" in extracted.stdout


@pytest.mark.parametrize("command", ["build", "extract", "eval"], ids=str)
def test_a_missing_model_directory_is_one_clear_line(tiny: dict[str, Path], command: str) -> None:
    args = {"build": ["build", str(tiny["new"]), "--out", str(tiny["root"] / "never")],
            "extract": ["extract", str(tiny["new"])],
            "eval": ["eval", str(tiny["gold"]), str(tiny["root"] / "docs")]}[command]
    result = CliRunner().invoke(cli, [*args, "--model", str(tiny["root"] / "nope")])
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and "--model" in result.stderr and "kg train" in result.stderr
    assert not (tiny["root"] / "never").exists()


def test_model_none_is_the_rules_alone(tiny: dict[str, Path]) -> None:
    result = CliRunner().invoke(cli, ["extract", str(tiny["new"]), "--model", "none"])
    assert result.exit_code == 0, result.output
    assert "青禾通" not in result.stdout  # the name only the trained tagger knows
    nlp = build_nlp(read_config(None, "none"))
    assert nlp.get_pipe("entity_tagger").tagger is None and nlp.get_pipe("relations").model is None


def test_a_directory_without_a_trained_component_is_refused(tiny: dict[str, Path]) -> None:
    result = CliRunner().invoke(cli, ["extract", str(tiny["new"]), "--model", str(tiny["empty"])])
    assert result.exit_code != 0 and "holds no trained component" in result.stderr


def test_train_refuses_gold_whose_documents_are_missing(tiny: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("市科委。", encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", str(tiny["gold"]), "--docs", str(tmp_path / "other"), "--out",
                                      str(tmp_path / "model")])
    assert result.exit_code != 0 and "a.txt" in result.stderr and "--docs" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "model").exists() and not list(tmp_path.glob(".model.*"))


def test_the_shipped_model_is_used_by_default_and_small() -> None:
    cfg = read_config(None)
    assert cfg["paths"]["model"] is None and DEFAULT_MODEL.is_dir()
    assert all((DEFAULT_MODEL / name).is_file() for name in MODEL_FILES)
    assert sum(p.stat().st_size for p in DEFAULT_MODEL.iterdir()) < 30 * 1024 * 1024
    nlp = build_nlp(cfg)
    assert nlp.get_pipe("entity_tagger").tagger is not None
    assert nlp.get_pipe("relations").model is not None


@pytest.mark.slow
def test_make_train_reproduces_the_shipped_model(tmp_path: Path) -> None:
    """`make train` (the same command) rebuilds kg/models/default byte for byte from eval/."""
    root = Path(__file__).resolve().parent.parent
    # its own process: jieba's dictionary is global, and other tests teach it their own words
    result = subprocess.run([sys.executable, "-m", "kg", "train", "eval/seeds/gold.jsonl", "eval/dev/gold.jsonl",
                             "--docs", "seeds", "--docs", "eval/dev/docs", "--out", str(tmp_path / "model")],
                            cwd=root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    for path in sorted(DEFAULT_MODEL.iterdir()):
        assert (tmp_path / "model" / path.name).read_bytes() == path.read_bytes(), path.name


def test_scoring_many_examples_at_once_equals_one_at_a_time() -> None:
    """The relation component scores all pairs of a document in one product; each row is the
    example's own probabilities, an example with no known feature included."""
    from kg._linear import LinearModel

    model = LinearModel(["administeredBy", "none"], [0.1, 0.3], {"x": [1.0, 0.0], "y": [0.0, 2.0]})
    examples = [["x"], [], ["unknown"], ["x", "y"], ["y"], []]
    together = model.probabilities_many(examples).tolist()
    for row, example in zip(together, examples, strict=True):
        assert row == pytest.approx(model.probabilities(example))
    assert model.predict(["x"])[0] == "administeredBy" and model.predict(["y"])[0] == "none"


def test_the_classifier_scores_the_features_it_was_trained_on(nlp) -> None:
    """Extraction scores pairs from feature rows looked up per mention (``RelationModel.predict``),
    training builds each pair's feature strings (``candidates``): on the seeds, the two give every
    pair the same label and probability, so the model is applied to what it learnt from."""
    import numpy as np

    from kg.relmodel import NONE, candidates
    from kg.train import analyse

    component = nlp.get_pipe("relations")
    model = component.model
    assert model is not None
    pairs = 0
    for path in sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt")):
        sdoc = component.rules(analyse(read_document(path), nlp, before="relations"))
        found = list(sdoc._.relations or [])
        fast = component.predict(sdoc, found)
        slow = candidates(sdoc, found, component.allowed, component.triggers)
        assert [(h.key, t.key, s.start) for h, t, s, *_ in fast] == [(h.key, t.key, s.start) for h, t, s, _ in slow]
        probs = model.probabilities_many([f for *_, f in slow])
        for (head, tail, _, label, p), row in zip(fast, probs, strict=True):
            pair = f"{head.type}>{tail.type}"
            admitted = [q if c == NONE or pair in component.allowed_by.get(c, ()) else -1.0
                        for c, q in zip(model.classes, row.tolist(), strict=True)]
            best = int(np.argmax(admitted))
            assert (label, p) == pytest.approx((model.classes[best], admitted[best]))
        pairs += len(fast)
    assert pairs > 100
