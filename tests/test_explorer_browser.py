"""The explorer in a real headless Chromium: drawn, searchable, clickable, path mode, offline.

Needs Debian's /usr/bin/chromium (``make browser`` installs it). Without it the tests skip,
except in CI (env ``CI`` set), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg import explorer

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]
ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "explorer_graph.json"
SCREENSHOT = ROOT / "docs" / "explorer.png"
COMMISSION = "上海市科学技术委员会"


def _missing_browser() -> str | None:
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} not found (run `make browser`)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing_browser()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def index() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def page_file(index, tmp_path_factory) -> Path:
    return explorer.write_explorer(index, tmp_path_factory.mktemp("browser") / "explorer.html")


class Loaded:
    """An opened explorer page and what it logged."""

    def __init__(self, page, errors: list[str], requests: list[str]) -> None:
        self.page, self.errors, self.requests = page, errors, requests

    def js(self, expression: str):
        return self.page.evaluate(expression)

    def node_index(self, label: str) -> int:
        return self.js(f"kgExplorer.data.nodes.findIndex(n => n.label === {json.dumps(label)})")

    def click_node(self, label: str) -> None:
        i = self.node_index(label)
        point = self.js(
            f"(() => {{ const p = kgExplorer.network.getPositions([{i}])[{i}];"
            " return kgExplorer.network.canvasToDOM(p); })()")
        box = self.page.locator("#graph canvas").bounding_box()
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def _open(browser, path: Path, timeout_ms: int = 60_000) -> Loaded:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_function("window.kgExplorer && kgExplorer.state.stable", timeout=timeout_ms)
    return Loaded(page, errors, requests)


@pytest.fixture
def loaded(browser, page_file):
    view = _open(browser, page_file)
    yield view
    view.page.close()


def test_page_opens_without_console_errors(loaded):
    loaded.page.wait_for_timeout(300)
    assert loaded.errors == []


def test_page_fetches_nothing_but_itself(loaded, page_file):
    assert loaded.requests == [page_file.as_uri()]


def test_every_node_is_drawn(loaded, index):
    drawn = loaded.js(
        "(() => { const n = kgExplorer.network; const pos = n.getPositions();"
        " return n.body.nodeIndices.filter(id => !n.body.nodes[id].options.hidden"
        " && Number.isFinite(pos[id].x) && Number.isFinite(pos[id].y)).length; })()")
    assert drawn == len(index["nodes"])


def test_physics_stops_once_settled(loaded):
    assert loaded.js("kgExplorer.network.physics.physicsEnabled") is False


def test_search_by_alias_suggests_and_focuses_full_name(loaded):
    loaded.page.fill("#search", "市科委")
    first = loaded.page.locator("#search-suggestions li").first
    assert COMMISSION in first.inner_text()
    loaded.page.keyboard.press("Enter")
    assert loaded.js("kgExplorer.network.getSelectedNodes()") == [loaded.node_index(COMMISSION)]
    assert loaded.page.locator("#panel .panel-title").inner_text() == COMMISSION


def test_clicking_a_node_shows_evidence_with_document_number(loaded, index):
    loaded.click_node(COMMISSION)
    panel = loaded.page.locator("#panel")
    assert panel.locator(".panel-title").inner_text() == COMMISSION
    evidence = panel.locator("blockquote.evidence").first.inner_text()
    sentences = {ev["text"] for e in index["edges"] for ev in e["evidence"]}
    assert any(s in evidence for s in sentences)
    assert "沪科提复〔20" in evidence


def test_clicking_a_node_shows_observations_by_year(loaded):
    loaded.click_node("高企贷")
    rows = loaded.page.locator("#panel table.obs tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows[1:]] == ["2021", "2023", "2023"]


def test_type_filter_hides_that_type(loaded, index):
    agencies = sum(n["type"] == "Agency" for n in index["nodes"])
    loaded.page.locator('input[data-group="type"][data-key="Agency"]').uncheck()
    shown = loaded.js("kgExplorer.nodes.get({filter: n => !n.hidden}).length")
    assert shown == len(index["nodes"]) - agencies


def test_relation_filter_hides_those_edges(loaded, index):
    targets = sum(e["relation"] == "targets" for e in index["edges"])
    loaded.page.locator('input[data-group="relation"][data-key="targets"]').uncheck()
    shown = loaded.js("kgExplorer.edges.get({filter: e => !e.hidden}).length")
    assert shown == len(index["edges"]) - targets


def test_path_mode_highlights_and_lists_a_path(loaded):
    page = loaded.page
    page.click("#path-toggle")
    page.fill("#path-from", "上海交大")
    page.keyboard.press("Enter")
    page.fill("#path-to", "高企贷")
    page.keyboard.press("Enter")
    paths = loaded.js("kgExplorer.state.paths.map(p => p.nodes.map(i => kgExplorer.data.nodes[i].label))")
    assert paths[0] == ["上海交通大学", "InnoMatch全球技术供需对接平台", COMMISSION, "高企贷"]
    highlighted = loaded.js("kgExplorer.edges.get({filter: e => e.width === 4}).length")
    assert highlighted == 3
    assert page.locator("#panel .paths li").count() == len(paths)


def test_paths_are_at_most_four_hops_and_cheapest_first(loaded):
    paths = loaded.js(
        "(() => { const d = kgExplorer.data; const a = d.nodes.findIndex(n => n.label === '赵蓓文');"
        " const b = d.nodes.findIndex(n => n.label === '上海交通大学');"
        " const c = d.nodes.findIndex(n => n.label === '长三角');"
        " const x = kgExplorer.findPaths(a, b); const y = kgExplorer.findPaths(c, b);"
        " return {isolated: x.length, costs: y.map(p => p.cost), hops: y.map(p => p.nodes.length - 1)}; })()")
    assert paths["isolated"] == 0
    assert paths["costs"] == sorted(paths["costs"])
    assert paths["hops"] and max(paths["hops"]) <= 4


def test_the_seeds_explorer_works_and_is_what_the_readme_shows(browser, seeds_graph, tmp_path):
    """The page `make run` writes from seeds/: every node drawn, search, evidence on click.

    KG_SCREENSHOT=1 refreshes docs/explorer.png with it.
    """
    index = json.loads((seeds_graph / "graph.json").read_text(encoding="utf-8"))
    view = _open(browser, explorer.write_explorer(index, tmp_path / "explorer.html"))
    try:
        drawn = view.js("kgExplorer.network.body.nodeIndices.length")
        assert drawn == len(index["nodes"])
        view.page.fill("#search", "市科委")
        view.page.keyboard.press("Enter")
        assert view.page.locator("#panel .panel-title").inner_text() == COMMISSION
        evidence = view.page.locator("#panel blockquote.evidence").first.inner_text()
        sentences = {ev["text"] for e in index["edges"] for ev in e["evidence"]}
        assert any(sentence[:40] in evidence for sentence in sentences)
        assert "沪科" in evidence  # the source document's 文号
        view.page.wait_for_timeout(700)  # let the focus animation finish
        target = SCREENSHOT if os.environ.get("KG_SCREENSHOT") else tmp_path / "explorer.png"
        view.page.screenshot(path=str(target))
        assert target.stat().st_size > 20_000
        assert view.errors == []
    finally:
        view.page.close()


def test_five_thousand_nodes_are_drawn_and_settle(browser, tmp_path):
    graph = tmp_path / "graph.json"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_synthetic_graph.py"), "--nodes", "5000",
         "--out", str(graph)], check=True)
    page_file = explorer.write_explorer(explorer.read_index(graph), tmp_path / "explorer.html")
    view = _open(browser, page_file, timeout_ms=120_000)
    try:
        assert view.js("kgExplorer.network.body.nodeIndices.length") == 5000
        assert view.js("kgExplorer.network.physics.physicsEnabled") is False
        assert view.errors == []
    finally:
        view.page.close()


def _js_paths(view: Loaded, a: str, b: str) -> list[list[str]]:
    return view.js(
        f"(() => {{ const d = kgExplorer.data; const ix = l => d.nodes.findIndex(n => n.label === l);"
        f" return kgExplorer.findPaths(ix({json.dumps(a)}), ix({json.dumps(b)}))"
        ".map(p => p.nodes.map(i => d.nodes[i].id)); })()")


def _py_paths(index: dict, a: str, b: str) -> list[list[str]]:
    from kg.errors import NoPath
    from kg.paths import Index, connect

    try:
        return [list(p.nodes) for p in connect(Index.from_dict(index), a, b)]
    except NoPath:
        return []


@pytest.mark.parametrize(
    ("a", "b"),
    [("上海交通大学", "高企贷"), ("长三角", "科技型中小企业"), ("上海银行", "InnoMatch全球技术供需对接平台"),
     ("闵行区", "上海市财政局"), ("赵蓓文", "高企贷")],
    ids=["sjtu-loan", "region-sme", "bank-innomatch", "district-finance", "isolated"],
)
def test_path_mode_finds_the_same_paths_as_kg_connect(loaded, index, a, b):
    assert _js_paths(loaded, a, b) == _py_paths(index, a, b)
