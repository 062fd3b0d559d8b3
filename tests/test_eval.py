"""`kg.evaluate` and `kg eval`: the same figures as the reference scorer, the gold format's rules, bad input."""

from __future__ import annotations

import copy
import doctest
import importlib.util
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

import kg._gold
import kg.evaluate
from kg.cli import cli
from kg.errors import InputError
from kg.evaluate import Counts, Evaluation, document_key, read_gold, read_predictions, score
from kg.model import SUBCLASS_OF, base_type

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"
ONTOLOGY = ROOT / "ontology" / "stikg.ttl"
GOLD = {"seeds": EVAL / "seeds" / "gold.jsonl", "dev": EVAL / "dev" / "gold.jsonl"}
SEED = ROOT / "seeds" / "000_fa9796796592fc92.txt"


@pytest.fixture(scope="module")
def reference() -> ModuleType:
    """``eval/score.py``, the reference scorer copied from ../shared, loaded as a module."""
    spec = importlib.util.spec_from_file_location("stikg_reference_score", EVAL / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_jsonl(path: Path, records: Any) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def perturbed(predictions: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Dev predictions bent to reach the scorer's corners: a document dropped, subclass and
    unknown types, references by label instead of id, partnerOf reversed, a unit respelled,
    a value as a string and one that is not a number."""
    out = []
    for n, (_, record) in enumerate(sorted(predictions.items())):
        if n % 7 == 3:
            continue  # a gold document without a prediction
        rec = copy.deepcopy(record)
        labels = {e["id"]: e["label"] for e in rec["entities"]}
        for i, e in enumerate(rec["entities"]):
            if e["type"] == "Program" and i % 2:
                e["type"] = "LoanProduct"
            elif e["type"] == "Organization" and i % 3 == 0:
                e["type"] = "Bank"
            elif i % 11 == 5:
                e["type"] = "Thing"
        for i, r in enumerate(rec["relations"]):
            if r["relation"] == "partnerOf" or i % 4 == 1:
                r["head"], r["tail"] = r["tail"], r["head"]
            if i % 3 == 2:
                r["head"] = labels[r["head"]]
        for i, o in enumerate(rec["observations"]):
            if i % 5 == 1:
                o["subject"] = labels[o["subject"]]
            if i % 6 == 2:
                o["unit"] = f" {o['unit']} "
            if i % 9 == 4:
                o["value"] = str(o["value"])
            if i % 13 == 7:
                o["value"] = "n/a"
        out.append(rec)
    return out


@pytest.fixture(scope="module")
def predictions_files(seeds_predictions: dict[str, Any], dev_predictions: dict[str, Any],
                      tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """(gold, prediction file) per case, the predictions as `kg extract --format json` writes them."""
    tmp = tmp_path_factory.mktemp("pred")
    return {
        "seeds": (GOLD["seeds"], write_jsonl(tmp / "seeds.jsonl", seeds_predictions.values())),
        "dev": (GOLD["dev"], write_jsonl(tmp / "dev.jsonl", dev_predictions.values())),
        "dev-perturbed": (GOLD["dev"], write_jsonl(tmp / "perturbed.jsonl", perturbed(dev_predictions))),
    }


# --- the same figures as eval/score.py ---


@pytest.mark.parametrize("case", ["seeds", "dev", "dev-perturbed"], ids=str)
def test_every_figure_equals_the_reference_scorer(case: str, predictions_files: dict[str, Any],
                                                 reference: ModuleType) -> None:
    gold, pred = predictions_files[case]
    expected = reference.score(reference.load(str(gold)), reference.load(str(pred)),
                               reference.superclass_map(str(ONTOLOGY)))
    result = score(read_gold(gold), read_predictions(pred))
    got = {
        **{m: (c.precision, c.recall, c.f1) for m in kg.evaluate.MEASURES for c in [result.counts(m)]},
        "observation_year_accuracy": result.year_accuracy,
        "documents_missing": result.missing,
        "counts": {m: {"tp": c.tp, "fp": c.fp, "fn": c.fn}
                   for m in ("entities", "relations", "observations") for c in [result.counts(m)]},
    }
    assert got == expected
    if case == "dev-perturbed":
        assert result.missing, "the perturbed case must exercise documents without prediction"


def test_subclasses_map_up_as_the_reference_scorer_reads_the_ontology(reference: ModuleType) -> None:
    up = reference.superclass_map(str(ONTOLOGY))
    assert set(SUBCLASS_OF) <= set(up)
    assert {t: base_type(t) for t in up} == up


@pytest.mark.parametrize("case", ["seeds", "dev", "dev-perturbed"], ids=str)
def test_differences_list_every_miss_and_extra(case: str, predictions_files: dict[str, Any]) -> None:
    gold, pred = predictions_files[case]
    for doc in score(read_gold(gold), read_predictions(pred)).documents:
        listed = {(kind, change): 0 for kind in ("entity", "relation", "observation")
                  for change in ("missed", "extra", "type", "year")}
        for d in doc.differences:
            listed[d.kind, d.change] += 1
        assert (listed["entity", "missed"], listed["entity", "extra"]) == (doc.entities.fn, doc.entities.fp)
        assert (listed["relation", "missed"], listed["relation", "extra"]) == (doc.relations.fn, doc.relations.fp)
        assert (listed["observation", "missed"], listed["observation", "extra"]) == (
            doc.observations.fn, doc.observations.fp)
        assert listed["observation", "year"] == doc.years_total - doc.years_correct


@pytest.mark.parametrize("module", [kg.evaluate, kg._gold], ids=lambda m: m.__name__)
def test_the_module_examples_run(module: ModuleType) -> None:
    outcome = doctest.testmod(module)
    assert outcome.attempted > 0 and outcome.failed == 0


# --- the rules, on tiny hand-made gold/prediction pairs ---


def doc(entities: list[dict[str, Any]], relations: list[dict[str, Any]] | None = None,
        observations: list[dict[str, Any]] | None = None, path: str = "a.txt") -> dict[str, Any]:
    return {"doc": {"path": path}, "entities": entities, "relations": relations or [],
            "observations": observations or []}


def ent(label: str, type_: str = "Agency", *aliases: str, id_: str | None = None,
        optional: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"label": label, "type": type_, "aliases": list(aliases)}
    if id_:
        out["id"] = id_
    if optional:
        out["optional"] = True
    return out


SKW = ent("上海市科学技术委员会", "Agency", "市科委")
LOAN = ent("高企贷", "Program")
BANK = ent("上海银行", "Organization")
P_SKW, P_LOAN, P_BANK = (ent("上海市科学技术委员会", "Agency", "市科委", id_="e1"), ent("高企贷", "Program", id_="e2"),
                         ent("上海银行", "Organization", id_="e3"))

ENTITY_CASES = {
    # id: (gold entities, predicted entities, measure, expected counts)
    "optional gold predicted is not an extra": (
        [SKW, ent("区科委", optional=True)], [P_SKW, ent("区科委", id_="e9")], "entities", Counts(1, 0, 0)),
    "optional gold absent is not a miss": (
        [SKW, ent("区科委", optional=True)], [P_SKW], "entities", Counts(1, 0, 0)),
    "predicted short form matches a gold alias": (
        [SKW], [ent("市科委", id_="e1")], "entities", Counts(1, 0, 0)),
    "predicted alias matches the gold label": (
        [LOAN], [ent("高新技术企业贷款", "Program", "高企贷", id_="e1")], "entities", Counts(1, 0, 0)),
    "quote marks, spaces, width and case are ignored": (
        [ent("《InnoMatch 平台》", "Platform")], [ent("“ｉｎｎｏｍａｔｃｈ平台”", "Platform", id_="e1")],
        "entities", Counts(1, 0, 0)),
    "one gold entity matches one prediction": (
        [LOAN], [ent("高企贷", "Program", id_="e1"), ent("“高企贷”", "Program", id_="e2")],
        "entities", Counts(1, 1, 0)),
    "a subclass maps up to its SPEC type": (
        [LOAN, BANK], [ent("高企贷", "LoanProduct", id_="e1"), ent("上海银行", "Bank", id_="e2")],
        "entities_typed", Counts(2, 0, 0)),
    "a wrong type counts only when typed": (
        [LOAN], [ent("高企贷", "Platform", id_="e1")], "entities_typed", Counts(0, 1, 1)),
    "a wrong type still matches by name": (
        [LOAN], [ent("高企贷", "Platform", id_="e1")], "entities", Counts(1, 0, 0)),
}


@pytest.mark.parametrize("gold, pred, measure, expected", ENTITY_CASES.values(), ids=ENTITY_CASES.keys())
def test_entity_matching(gold: list[Any], pred: list[Any], measure: str, expected: Counts) -> None:
    assert score({"a.txt": doc(gold)}, {"a.txt": doc(pred)}).counts(measure) == expected


def rel(head: str, relation: str, tail: str, optional: bool = False) -> dict[str, Any]:
    return {"head": head, "relation": relation, "tail": tail, **({"optional": True} if optional else {})}


RELATION_CASES = {
    # id: (gold relations, predicted relations, expected counts)
    "partnerOf matches in either order": (
        [rel("上海银行", "partnerOf", "上海市科学技术委员会")], [rel("e1", "partnerOf", "e3")], Counts(1, 0, 0)),
    "other relations keep their direction": (
        [rel("高企贷", "administeredBy", "上海市科学技术委员会")], [rel("e1", "administeredBy", "e2")],
        Counts(0, 1, 1)),
    "a gold endpoint matches a predicted alias": (
        [rel("高企贷", "administeredBy", "市科委")], [rel("e2", "administeredBy", "e1")], Counts(1, 0, 0)),
    "a prediction may name an endpoint by its label": (
        [rel("高企贷", "administeredBy", "上海市科学技术委员会")],
        [rel("e2", "administeredBy", "《上海市科学技术委员会》")], Counts(1, 0, 0)),
    "the relation name must agree": (
        [rel("高企贷", "administeredBy", "上海市科学技术委员会")], [rel("e2", "supports", "e1")], Counts(0, 1, 1)),
    "optional gold predicted is not an extra": (
        [rel("高企贷", "targets", "上海银行", optional=True)], [rel("e2", "targets", "e3")], Counts(0, 0, 0)),
    "optional gold absent is not a miss": (
        [rel("高企贷", "targets", "上海银行", optional=True)], [], Counts(0, 0, 0)),
}


@pytest.mark.parametrize("gold, pred, expected", RELATION_CASES.values(), ids=RELATION_CASES.keys())
def test_relation_matching(gold: list[Any], pred: list[Any], expected: Counts) -> None:
    result = score({"a.txt": doc([SKW, LOAN, BANK], gold)}, {"a.txt": doc([P_SKW, P_LOAN, P_BANK], pred)})
    assert result.relations == expected


def obs(subject: str, value: Any, unit: str, year: int | None = None, optional: bool = False) -> dict[str, Any]:
    out = {"subject": subject, "measure": "授信额", "value": value, "unit": unit}
    if year is not None:
        out["year"] = year
    if optional:
        out["optional"] = True
    return out


OBSERVATION_CASES = {
    # id: (gold observations, predicted observations, expected counts)
    "subject, value and unit match": ([obs("高企贷", 3534.78, "亿元")], [obs("e2", 3534.78, "亿元")], Counts(1, 0, 0)),
    "values within a relative 1e-6 match": (
        [obs("高企贷", 3534.78, "亿元")], [obs("e2", 3534.780001, "亿元")], Counts(1, 0, 0)),
    "a different unit does not match": ([obs("高企贷", 1.6, "万家")], [obs("e2", 1.6, "家")], Counts(0, 1, 1)),
    "a different subject does not match": ([obs("高企贷", 10, "家")], [obs("e3", 10, "家")], Counts(0, 1, 1)),
    "the year does not decide a match": (
        [obs("高企贷", 10, "家", year=2023)], [obs("e2", 10, "家", year=2021)], Counts(1, 0, 0)),
    "optional gold predicted is not an extra": (
        [obs("高企贷", 10, "家", optional=True)], [obs("e2", 10, "家")], Counts(0, 0, 0)),
    "a value that is not a number matches nothing": (
        [obs("高企贷", 10, "家")], [obs("e2", "十", "家")], Counts(0, 1, 1)),
}


@pytest.mark.parametrize("gold, pred, expected", OBSERVATION_CASES.values(), ids=OBSERVATION_CASES.keys())
def test_observation_matching(gold: list[Any], pred: list[Any], expected: Counts) -> None:
    result = score({"a.txt": doc([SKW, LOAN, BANK], observations=gold)},
                   {"a.txt": doc([P_SKW, P_LOAN, P_BANK], observations=pred)})
    assert result.observations == expected


@pytest.mark.parametrize("pred_years, expected", [
    ([2023, 2021], (2, 2)),
    ([2023, 2020], (1, 2)),
    ([None, 2021], (1, 2)),
    ([2022, 2022], (0, 2)),
], ids=["both right", "one right", "a missing year is wrong", "none right"])
def test_year_accuracy_over_matched_observations_with_a_gold_year(
        pred_years: list[int | None], expected: tuple[int, int]) -> None:
    gold = [obs("高企贷", 1, "亿元", year=2023), obs("高企贷", 2, "亿元", year=2021),
            obs("高企贷", 3, "亿元"), obs("高企贷", 4, "亿元", year=2020)]  # no year; not predicted
    pred = [obs("e2", 1, "亿元", year=pred_years[0]), obs("e2", 2, "亿元", year=pred_years[1]),
            obs("e2", 3, "亿元", year=2019)]
    result = score({"a.txt": doc([LOAN], observations=gold)}, {"a.txt": doc([P_LOAN], observations=pred)})
    assert (result.years_correct, result.years_total) == expected


def two_documents() -> Evaluation:
    gold = {"a.txt": doc([SKW, LOAN]), "b.txt": doc([BANK], path="docs/b.txt")}
    pred = {"a.txt": doc([P_SKW]), "b.txt": doc([P_BANK, ent("银行", "Organization", id_="e4")])}
    return score(gold, pred)


def test_per_document_figures() -> None:
    result = two_documents()
    assert [(d.name, d.entities) for d in result.documents] == [
        ("a.txt", Counts(1, 0, 1)), ("b.txt", Counts(1, 1, 0))]


def test_overall_figures_are_sums_over_documents() -> None:
    assert two_documents().entities == Counts(2, 1, 1)


def test_a_gold_document_without_prediction_counts_all_its_items_missed() -> None:
    result = score({"a.txt": doc([SKW, LOAN], [rel("高企贷", "administeredBy", "市科委")])}, {})
    assert result.missing == ["a.txt"]
    assert (result.entities, result.relations) == (Counts(0, 0, 2), Counts(0, 0, 1))


def test_a_prediction_the_gold_does_not_annotate_is_listed_not_scored() -> None:
    result = score({"a.txt": doc([SKW])}, {"a.txt": doc([P_SKW]), "z.txt": doc([P_LOAN], path="z.txt")})
    assert result.unscored == ["z.txt"] and result.entities == Counts(1, 0, 0)


def test_documents_pair_by_file_name_of_the_path() -> None:
    assert document_key({"id": "d01", "path": "eval/dev/docs/d01.txt"}) == "d01.txt"


# --- reading the gold ---

BAD_GOLD = {
    # id: (file content, what the message must name)
    "not JSON": ('{"doc": {"path": "a.txt"}}\n{"doc": \n', ":2:"),
    "not an object": ('["a.txt"]\n', ":1:"),
    "no document path": ('{"doc": {}, "entities": []}\n', "doc.path"),
    "relation without a head": ('{"doc": {"path": "a.txt"}, "relations": [{"relation": "partOf", "tail": "X"}]}\n',
                                "'head'"),
    "value not a number": ('{"doc": {"path": "a.txt"}, "observations": '
                           '[{"subject": "X", "value": "many", "unit": "家"}]}\n', "'value'"),
    "entities not a list": ('{"doc": {"path": "a.txt"}, "entities": {"label": "X"}}\n', "entities"),
    "the same document twice": ('{"doc": {"path": "a.txt"}}\n{"doc": {"path": "x/a.txt"}}\n', "a.txt"),
    "no documents": ("\n\n", "no documents"),
}


@pytest.mark.parametrize("content, named", BAD_GOLD.values(), ids=BAD_GOLD.keys())
def test_bad_gold_is_an_input_error_naming_the_file(content: str, named: str, tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_gold(path)
    assert str(path) in str(info.value) and named in str(info.value)


def test_the_gold_files_in_the_repository_read() -> None:
    assert [len(read_gold(path)) for path in GOLD.values()] == [5, 30]


# --- the repository carries its evaluation data, outside the product ---


def test_the_seeds_gold_annotates_exactly_the_seed_documents() -> None:
    from kg.documents import iter_paths

    assert sorted(read_gold(GOLD["seeds"])) == [p.name for p in iter_paths([ROOT / "seeds"])]


def test_the_dev_gold_annotates_exactly_the_dev_documents() -> None:
    assert sorted(read_gold(GOLD["dev"])) == sorted(p.name for p in (EVAL / "dev" / "docs").glob("*.txt"))


def test_packaging_leaves_the_evaluation_data_out() -> None:
    from setuptools import find_packages

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found = find_packages(str(ROOT), **config["tool"]["setuptools"]["packages"]["find"])
    assert found and all(name == "kg" or name.startswith("kg.") for name in found)


def test_product_code_never_reads_the_evaluation_data() -> None:
    readers = {p.name for p in (ROOT / "kg").glob("*.py") if "eval/" in p.read_text(encoding="utf-8")}
    # evaluation and training name it in help and examples; they read only the files a user gives
    assert readers <= {"evaluate.py", "_gold.py", "cli.py", "_cli_quality.py", "train.py"}


# --- the command ---


def run_cli(how: str, args: list[str]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``kg ARGS``, through CliRunner or a real process."""
    if how == "runner":
        result = CliRunner().invoke(cli, args)
        return result.exit_code, result.stdout, result.stderr
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120, cwd=ROOT)
    return proc.returncode, proc.stdout, proc.stderr


def test_eval_json_gives_the_library_figures() -> None:
    result = CliRunner().invoke(cli, ["eval", str(GOLD["seeds"]), str(SEED), "--format", "json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    expected = kg.evaluate.evaluate(GOLD["seeds"], [SEED]).to_json()
    printed.pop("trained_on_scored_documents")
    assert printed == json.loads(json.dumps(expected))


def test_eval_says_when_the_model_has_seen_the_scored_documents() -> None:
    """The shipped model was trained on the seeds: their score is no quality figure, and eval says so."""
    result = CliRunner().invoke(cli, ["eval", str(GOLD["seeds"]), str(ROOT / "seeds"), "--format", "json"])
    assert json.loads(result.stdout)["trained_on_scored_documents"] == sorted(read_gold(GOLD["seeds"]))
    text = CliRunner().invoke(cli, ["eval", str(GOLD["seeds"]), str(ROOT / "seeds")])
    assert "not a quality figure" in text.stderr and "docs/QUALITY.md" in text.stderr


def test_eval_table_has_an_overall_block_and_a_row_per_document() -> None:
    result = CliRunner().invoke(cli, ["eval", str(GOLD["seeds"]), str(ROOT / "seeds")])
    assert result.exit_code == 0, result.output
    assert "Overall: 5 documents" in result.stdout and "entities, typed" in result.stdout
    assert all(name in result.stdout for name in read_gold(GOLD["seeds"]))
    assert "observation year accuracy" in result.stdout


def test_eval_verbose_lists_the_differences_per_document() -> None:
    result = CliRunner().invoke(cli, ["eval", str(GOLD["seeds"]), str(SEED), "--verbose", "--format", "json"])
    printed = json.loads(result.stdout)["documents"]
    first = next(d for d in printed if d["document"] == SEED.name)
    assert first["differences"] and {"kind", "change", "text"} == set(first["differences"][0])


def test_eval_reports_gold_documents_not_given_as_missing() -> None:
    result = CliRunner().invoke(cli, ["eval", str(GOLD["seeds"]), str(SEED)])
    assert result.exit_code == 0
    assert "4 gold document(s) not among the documents given" in result.stderr
    assert "not given" in result.stdout


BAD_INPUT = {
    # id: (arguments, what the one line must name)
    "missing gold file": (["eval", "no-such-gold.jsonl", str(SEED)], "no-such-gold.jsonl"),
    "malformed JSON line": (["eval", "{bad}", str(SEED)], ":2:"),
    "no documents": (["eval", str(GOLD["seeds"])], "no documents given"),
    "documents the gold does not annotate": (["eval", str(GOLD["seeds"]), str(EVAL / "dev" / "docs" / "d01.txt")],
                                             "none of its 5 documents"),
    "missing document": (["eval", str(GOLD["seeds"]), "no-such-doc.txt"], "no-such-doc.txt"),
}


@pytest.mark.parametrize("how", ["runner", "process"])
@pytest.mark.parametrize("args, named", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_eval_bad_input_is_one_line_and_a_non_zero_exit(how: str, args: list[str], named: str,
                                                       tmp_path: Path) -> None:
    if "{bad}" in args:
        bad = tmp_path / "bad.jsonl"
        bad.write_text('{"doc": {"path": "a.txt"}}\n{"doc": \n', encoding="utf-8")
        args = [str(bad) if a == "{bad}" else a for a in args]
    code, _, stderr = run_cli(how, args)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    assert named in lines[0]
