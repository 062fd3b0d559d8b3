"""Shared fixtures: the hand-made mini graph and the graph built once from seeds/."""

from __future__ import annotations

from pathlib import Path

import pytest

MINIGRAPH = Path(__file__).parent / "data" / "minigraph"


@pytest.fixture(scope="session")
def minigraph() -> Path:
    """Directory of the hand-made mini graph (graph.json, stikg.nq, stikg.ttl)."""
    return MINIGRAPH


@pytest.fixture(scope="session")
def seeds_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The graph `kg build` makes from seeds/, built once per test session."""
    pipeline = pytest.importorskip("kg.pipeline", reason="the extraction pipeline has not landed")
    out = tmp_path_factory.mktemp("g")
    pipeline.build(["seeds"], out)
    return out
