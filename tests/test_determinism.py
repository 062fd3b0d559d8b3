"""Same inputs, byte-identical outputs: across runs, worker counts and PYTHONHASHSEED values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.pipeline import OUTPUT_FILES, TEXTS_DIR, build

pytestmark = pytest.mark.slow  # whole builds of the seeds, one in a subprocess


def contents(out: Path) -> dict[str, bytes]:
    files = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    return files | {f"{TEXTS_DIR}/{p.name}": p.read_bytes() for p in sorted((out / TEXTS_DIR).iterdir())}


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("first")
    build(["seeds"], out, validate=False)
    return contents(out)


def test_outputs_are_not_empty(first):
    assert all(len(data) > 1000 for data in first.values())


def test_second_build_is_byte_identical(first, tmp_path):
    build(["seeds"], tmp_path, validate=False)
    assert contents(tmp_path) == first


def test_two_workers_match_one(first, tmp_path):
    build(["seeds"], tmp_path, validate=False, workers=2)
    assert contents(tmp_path) == first


def test_build_under_another_hash_seed_is_byte_identical(first, tmp_path):
    seed = "271828" if os.environ.get("PYTHONHASHSEED") != "271828" else "314159"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "build", "seeds", "--out", str(tmp_path), "--no-cache", "--no-validate",
         "--workers", "2", "--format", "json"],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert contents(tmp_path) == first
