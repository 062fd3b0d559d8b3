"""Shared fixtures: the spaCy pipeline, the hand-made mini graph and the graph built once from seeds/."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MINIGRAPH = Path(__file__).parent / "data" / "minigraph"


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The stikg spaCy pipeline (jieba + lexicon + mention finder), built once."""
    from kg.nlp import get_nlp

    return get_nlp()


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
