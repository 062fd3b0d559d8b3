"""Shared fixtures: the spaCy pipeline, the hand-made mini graph, the graph built once from seeds/
and the extractions of the evaluation sets (eval/)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MINIGRAPH = Path(__file__).parent / "data" / "minigraph"
EVAL = ROOT / "eval"
DEV_DOCS = EVAL / "dev" / "docs"


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The stikg spaCy pipeline (jieba + lexicon + mention finder), built once."""
    from kg.nlp import get_nlp

    return get_nlp()


@pytest.fixture(scope="session")
def rules_nlp(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The pipeline without a trained model: the rules alone."""
    from kg.nlp import build_nlp, load_config

    empty = tmp_path_factory.mktemp("no-model")
    return build_nlp(load_config(overrides={"paths.model": str(empty)}))


def _quotes(doc: Any, start: int, end: int, text: str) -> bool:
    """``text`` is what a reader sees of ``doc.text[start:end]``: the clean characters drawn from it."""
    i, j = bisect_left(doc.offsets, start), bisect_left(doc.offsets, end)
    return (
        0 <= start < end <= len(doc.text)
        and i < j
        and (doc.offsets[i], doc.offsets[j - 1] + 1) == (start, end)
        and doc.clean[i:j] == text
    )


@pytest.fixture(scope="session")
def quotes() -> Callable[[Any, int, int, str], bool]:
    """``quotes(doc, start, end, text)``: evidence ``text`` is the readable text at its offsets.

    Offsets point into the original ``doc.text``; the text is the part of ``doc.clean``
    (markup removed, page breaks joined) whose characters come from that span.
    """
    return _quotes


@pytest.fixture(scope="session")
def minigraph() -> Path:
    """Directory of the hand-made mini graph (graph.json, stikg.nq, stikg.ttl)."""
    return MINIGRAPH


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The result of `kg build seeds/` (with SHACL validation), built once per test session."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("g")
    return build([SEEDS], out)


@pytest.fixture(scope="session")
def seeds_graph(seeds_build: Any) -> Path:
    """The directory `kg build` wrote from seeds/."""
    return seeds_build.out_dir


def _predictions(extractions: Any) -> dict[str, dict[str, Any]]:
    from kg.evaluate import document_key

    records = [x.to_json() for x in extractions]
    return {document_key(record["doc"]): record for record in records}


@pytest.fixture(scope="session")
def seeds_predictions(seeds_build: Any) -> dict[str, dict[str, Any]]:
    """The SPEC extraction JSON of each seed document, by file name (as the scorer pairs them)."""
    return _predictions(seeds_build.extractions)


@pytest.fixture(scope="session")
def dev_predictions() -> dict[str, dict[str, Any]]:
    """The SPEC extraction JSON of each dev document (eval/dev/docs), extracted once per session."""
    from kg.pipeline import extract_file

    return _predictions(extract_file(path) for path in sorted(DEV_DOCS.glob("*.txt")))
