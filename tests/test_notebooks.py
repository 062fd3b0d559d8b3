"""The notebooks run top to bottom against this checkout's library and show figures and tables.

Each notebook is executed with nbclient as Jupyter runs it (in ``notebooks/``), on the graph
built once for the test session (``KG_GRAPH``); one more run checks that a notebook builds
the seeds itself when there is no graph yet.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def execute(path: Path, graph: Path) -> Any:
    """``path`` executed in ``notebooks/`` with ``KG_GRAPH=graph`` and this checkout's ``kg``."""
    nb = nbformat.read(path, as_version=4)
    pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    with pytest.MonkeyPatch.context() as env:  # the kernel inherits this process's environment
        env.setenv("KG_GRAPH", str(graph))
        env.setenv("PYTHONPATH", pythonpath)
        client = NotebookClient(nb, timeout=180, kernel_name="python3",
                                resources={"metadata": {"path": str(ROOT / "notebooks")}})
        # run the kernel with this interpreter (the project's virtualenv), whatever kernel.json says
        client.km = client.create_kernel_manager()
        client.km.kernel_spec.argv[0] = sys.executable
        client.execute()
    return nb


def outputs(nb: Any) -> list[Any]:
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]


def stream(nb: Any, name: str) -> str:
    return "".join(o.text for o in outputs(nb) if o.output_type == "stream" and o.name == name)


def has_image(output: Any) -> bool:
    data = output.get("data", {})
    return "image/png" in data or "image/svg+xml" in data


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS] == [
        "01_financing_programs.ipynb", "02_innovation_network.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_outputs_are_stripped_in_git(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in nb.cells if c.cell_type == "code")


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def executed(request: pytest.FixtureRequest, seeds_graph: Path) -> Any:
    """Each notebook executed on the seeds graph of the session."""
    return execute(request.param, seeds_graph)


@pytest.mark.slow
def test_notebook_runs_without_errors(executed):
    assert [f"{o.ename}: {o.evalue}" for o in outputs(executed) if o.output_type == "error"] == []
    assert "No graph in" not in stream(executed, "stdout")  # it read the graph it was given


@pytest.mark.slow
def test_every_figure_is_shown_inline(executed):
    figure_cells = [c for c in executed.cells if c.cell_type == "code" and "plt.show()" in c.source]
    assert figure_cells
    assert [any(has_image(o) for o in c.outputs) for c in figure_cells] == [True] * len(figure_cells)


@pytest.mark.slow
def test_tables_are_dataframes(executed):
    tables = [o for o in outputs(executed) if 'class="dataframe"' in o.get("data", {}).get("text/html", "")]
    assert len(tables) >= 2


@pytest.mark.slow
def test_chinese_labels_render(executed):
    """With a CJK font the figures draw Chinese; without one the test fails in CI (`make test` installs it)."""
    said = stream(executed, "stdout")
    if "no CJK font" in said:
        if os.environ.get("CI"):
            pytest.fail("no CJK font in CI: `make browser` installs fonts-noto-cjk")
        pytest.skip("no CJK font on this machine (apt-get install fonts-noto-cjk)")
    assert "Chinese labels in " in said
    assert "missing from font" not in stream(executed, "stderr")


@pytest.mark.slow
def test_a_notebook_builds_the_seeds_when_there_is_no_graph(tmp_path):
    graph = tmp_path / "graph"
    nb = execute(ROOT / "notebooks" / "01_financing_programs.ipynb", graph)
    assert [o for o in outputs(nb) if o.output_type == "error"] == []
    assert f"No graph in {graph}" in stream(nb, "stdout")
    assert (graph / "stikg.nq").is_file() and (graph / "graph.json").is_file()
    assert any(has_image(o) for o in outputs(nb))


@pytest.fixture(scope="module")
def plotting() -> Any:
    """``notebooks/_plotting.py``, the helpers both notebooks import, loaded from its file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_plotting", ROOT / "notebooks" / "_plotting.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("n", [1, 9, 10, 13, 20, 21, 40])
def test_each_name_gets_its_own_colour(plotting, n):
    names = [f"program {i}" for i in range(n)]
    colours = plotting.distinct_colours(names)
    assert list(colours) == names
    assert len({tuple(round(x, 3) for x in c) for c in colours.values()}) == n


def test_components_are_laid_out_apart(plotting):
    import networkx as nx

    graph = nx.disjoint_union_all([nx.star_graph(12), nx.path_graph(4), nx.cycle_graph(5), nx.path_graph(3)])
    pos = plotting.component_layout(graph)
    assert set(pos) == set(graph)
    boxes = []
    for part in nx.connected_components(graph):
        xs, ys = [pos[n][0] for n in part], [pos[n][1] for n in part]
        boxes.append((min(xs), max(xs), min(ys), max(ys)))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[1] < b[0] or b[1] < a[0] or a[3] < b[2] or b[3] < a[2], (a, b)
    assert pos == plotting.component_layout(graph)  # the same picture every run
