"""kg.executor: the map step on local processes or a Dask cluster gives the same build, byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.executor import extract_paths
from kg.pipeline import OUTPUT_FILES, build

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def contents(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


@pytest.mark.slow  # starts a scheduler and two worker processes, each loading the pipeline
def test_a_dask_cluster_builds_the_same_graph_as_one_process(tmp_path):
    distributed = pytest.importorskip("distributed")
    build([SEEDS], tmp_path / "serial", validate=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        result = build([SEEDS], tmp_path / "dask", validate=False, executor="dask",
                       scheduler=cluster.scheduler_address)
    assert contents(tmp_path / "dask") == contents(tmp_path / "serial")
    assert all(x.doc.path.startswith(str(SEEDS)) for x in result.extractions)  # the client's paths, not the workers'


@pytest.mark.slow  # waits for the connection to time out
def test_an_unreachable_scheduler_is_one_line_and_no_output(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "build", str(SEEDS), "--out", str(out), "--no-cache", "--no-validate",
         "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "--scheduler tcp://127.0.0.1:9" in lines[0] and "dask scheduler" in lines[0]
    assert not out.exists()
    assert not list(tmp_path.glob(".kg-build-*"))


def test_a_malformed_scheduler_address_is_refused(tmp_path):
    pytest.importorskip("distributed")
    with pytest.raises(InputError, match="--scheduler nowhere: cannot reach"):
        build([SEEDS], tmp_path / "out", validate=False, executor="dask", scheduler="nowhere")
    assert not (tmp_path / "out").exists()


def test_dask_without_a_scheduler_is_refused():
    with pytest.raises(InputError, match="--scheduler"):
        list(extract_paths([str(SEEDS / "x.txt")], executor="dask"))


def test_an_unknown_executor_is_refused():
    with pytest.raises(InputError, match="--executor threads"):
        list(extract_paths([str(SEEDS / "x.txt")], executor="threads"))
