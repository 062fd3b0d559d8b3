"""The explorer in a real headless Chromium: drawn, searchable, clickable, path mode, offline.

Needs Debian's /usr/bin/chromium (``make browser`` installs it). Without it the tests skip,
except in CI (env ``CI`` set), where they fail. The first view is the connected core of the
typed graph; the documents toggle shows everything; path mode is the search of ``kg connect``.
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


DRAWN = ("(() => { const n = kgExplorer.network; const pos = n.getPositions();"
         " return n.body.nodeIndices.filter(id => !n.body.nodes[id].options.hidden"
         " && Number.isFinite(pos[id].x) && Number.isFinite(pos[id].y)).sort((a, b) => a - b); })()")


def test_the_first_view_draws_the_connected_core(loaded):
    assert loaded.js(DRAWN) == loaded.js("kgExplorer.data.core")


def test_the_documents_toggle_draws_every_node_and_document(loaded, index):
    loaded.page.click("#docs-toggle")
    loaded.page.wait_for_function("kgExplorer.state.stable && kgExplorer.state.documents")
    assert len(loaded.js(DRAWN)) == len(index["nodes"]) + len(index["documents"])
    loaded.page.click("#docs-toggle")
    assert loaded.js(DRAWN) == loaded.js("kgExplorer.data.core")


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


def test_the_evidence_panel_links_to_the_documents_url(browser, index, tmp_path):
    url = "https://stcsm.sh.gov.cn/zwgk/jyta/20231209/0345.html"
    data = json.loads(json.dumps(index))
    for doc in data["documents"].values():
        doc["url"] = url
    view = _open(browser, explorer.write_explorer(data, tmp_path / "explorer.html"))
    try:
        view.click_node(COMMISSION)
        link = view.page.locator("#panel blockquote.evidence a.url").first
        assert (link.get_attribute("href"), link.inner_text(), link.get_attribute("target")) == (url, url, "_blank")
        assert not view.errors
    finally:
        view.page.close()


def test_clicking_a_node_shows_observations_by_year(loaded):
    loaded.click_node("高企贷")
    rows = loaded.page.locator("#panel table.obs tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows[1:]] == ["2021", "2023", "2023"]


def test_type_filter_hides_that_type(loaded):
    core = loaded.js("kgExplorer.data.core.map(i => kgExplorer.data.nodes[i].type)")
    loaded.page.locator('input[data-group="type"][data-key="Agency"]').uncheck()
    shown = loaded.js("kgExplorer.nodes.get({filter: n => !n.hidden}).length")
    assert shown == len(core) - core.count("Agency")


def test_relation_filter_hides_those_edges(loaded, index):
    loaded.page.click("#docs-toggle")
    typed = "kgExplorer.edges.get({filter: e => !e.hidden && e.id < kgExplorer.data.edges.length}).length"
    assert loaded.js(typed) == len(index["edges"])
    targets = sum(e["relation"] == "targets" for e in index["edges"])
    loaded.page.locator('input[data-group="relation"][data-key="targets"]').uncheck()
    assert loaded.js(typed) == len(index["edges"]) - targets


def test_path_mode_highlights_and_lists_a_path(loaded):
    page = loaded.page
    page.click("#path-toggle")
    page.fill("#path-from", "上海交大")
    page.keyboard.press("Enter")
    page.fill("#path-to", "高企贷")
    page.keyboard.press("Enter")
    paths = loaded.js("kgExplorer.state.paths.map(p => p.nodes.map(i => kgExplorer.data.nodes[i] ? kgExplorer.data.nodes[i].label : kgExplorer.data.doc_nodes[i - kgExplorer.data.nodes.length].label))")
    assert paths[0] == ["上海交通大学", "InnoMatch全球技术供需对接平台", COMMISSION, "高企贷"]
    highlighted = loaded.js("kgExplorer.edges.get({filter: e => e.width === 4}).length")
    assert highlighted == 3
    assert page.locator("#panel .paths li").count() == len(paths)


def test_paths_are_at_most_four_hops_and_cheapest_first(loaded):
    paths = loaded.js(
        "(() => { const d = kgExplorer.data; const ix = l => d.nodes.findIndex(n => n.label === l);"
        " const y = kgExplorer.findPaths(ix('长三角'), ix('上海交通大学'));"
        " return {costs: y.map(p => p.cost), hops: y.map(p => kgExplorer.hops(p.nodes).length)}; })()")
    assert paths["costs"] == sorted(paths["costs"])
    assert paths["hops"] and max(paths["hops"]) <= 4


def test_a_path_through_a_node_outside_the_view_shows_it_and_draws_the_document_hop(loaded):
    page = loaded.page
    page.click("#path-toggle")
    page.fill("#path-from", "赵蓓文")
    page.keyboard.press("Enter")
    page.fill("#path-to", "上海交大")
    page.keyboard.press("Enter")
    first = loaded.js("kgExplorer.hops(kgExplorer.state.paths[0].nodes).map(h => h.kind)")
    assert first == ["document"]
    assert loaded.node_index("赵蓓文") in loaded.js(DRAWN)
    assert loaded.js("kgExplorer.edges.get({filter: e => typeof e.id === 'string'}).map(e => e.label)") == ["同文"]
    assert "沪科提复〔2022〕99号" in page.locator("#panel .paths li").first.inner_text()


def test_the_seeds_explorer_works_and_is_what_the_readme_shows(browser, seeds_graph, tmp_path):
    """The page `make run` writes from seeds/: every node drawn, search, evidence on click.

    KG_SCREENSHOT=1 refreshes docs/explorer.png with it.
    """
    index = json.loads((seeds_graph / "graph.json").read_text(encoding="utf-8"))
    view = _open(browser, explorer.write_explorer(index, tmp_path / "explorer.html"))
    try:
        view.page.fill("#search", "市科委")
        view.page.keyboard.press("Enter")
        assert view.page.locator("#panel .panel-title").inner_text() == COMMISSION
        evidence = view.page.locator("#panel blockquote.evidence").first.inner_text()
        sentences = {ev["text"] for e in index["edges"] for ev in e["evidence"]}
        assert any(sentence[:40] in evidence for sentence in sentences)
        assert "沪科" in evidence  # the source document's 文号
        view.page.wait_for_timeout(700)  # let the focus animation finish, then show the whole first view
        view.page.click("#fit")
        view.page.wait_for_timeout(700)
        target = SCREENSHOT if os.environ.get("KG_SCREENSHOT") else tmp_path / "explorer.png"
        view.page.screenshot(path=str(target))
        assert target.stat().st_size > 20_000
        assert view.errors == []
    finally:
        view.page.close()


@pytest.fixture(scope="module")
def seeds_page(browser, seeds_graph, tmp_path_factory):
    index = json.loads((seeds_graph / "graph.json").read_text(encoding="utf-8"))
    view = _open(browser, explorer.write_explorer(index, tmp_path_factory.mktemp("seeds") / "explorer.html"))
    yield view, index
    view.page.close()


def test_the_seeds_first_view_shows_the_labelled_connected_core(seeds_page):
    """The largest part joined by typed relations, every node of it labelled at the first zoom."""
    import networkx as nx

    view, index = seeds_page
    typed = nx.Graph()
    typed.add_nodes_from(n["id"] for n in index["nodes"])
    typed.add_edges_from((e["source"], e["target"]) for e in index["edges"])
    largest = max(nx.connected_components(typed), key=len)
    drawn = view.js(DRAWN)
    assert {view.js(f"kgExplorer.nodeId({i})") for i in drawn} == largest
    assert len(largest) >= 10
    labelled = view.js("kgExplorer.labelled()")
    assert set(view.js("kgExplorer.data.hubs")) <= set(labelled)
    assert len(labelled) == len(drawn)
    assert view.errors == []


def test_the_seeds_legend_shows_relation_colours(seeds_page):
    view, _ = seeds_page
    swatches = view.page.locator("#relation-filters .swatch.line")
    colours = {swatches.nth(i).evaluate("e => getComputedStyle(e).borderTopColor") for i in range(swatches.count())}
    assert swatches.count() >= 5 and len(colours) == swatches.count()


TRICKY = ["ＩｎｎｏＭａｔｃｈ全球技术供需对接平台", "《上海市科技创新券管理办法（试行）》", "“高企贷”",
          "「科创助力贷」『扬帆专项』〈规范〉", "InnoMatch 平台", "上海\u3000技术\u00a0交易所\t", "ＡＢＣ科委",
          "Straße ΣΑΣ", "技术转移，技术评价规范、服务·规范：", "'单引号' \"双引号\" ‘弯引号’", "科技部 火炬中心"]


def test_the_page_normalises_names_as_python_does(seeds_page):
    from kg.names import name_key

    view, _ = seeds_page
    assert view.js(f"{json.dumps(TRICKY, ensure_ascii=False)}.map(kgExplorer.normalize)") == [
        name_key(t) for t in TRICKY]


SEED_PAIRS = [("高企贷", "InnoMatch全球技术供需对接平台"), ("科创助力贷", "上海技术交易所"),
              ("科技创新券", "国家技术转移东部中心"), ("上海市科学技术委员会", "国家技术转移东部中心"),
              ("上海交通大学", "上海技术交易所"), ("宁德时代", "上海市科学技术委员会")]


@pytest.mark.parametrize(("a", "b"), SEED_PAIRS, ids=[f"{a}-{b}" for a, b in SEED_PAIRS])
def test_seeds_path_mode_finds_the_same_paths_as_kg_connect(seeds_page, a, b):
    view, index = seeds_page
    js = _js_paths(view, a, b)
    assert js == _py_paths(index, a, b)
    assert len(js) >= 2


def test_five_thousand_nodes_are_drawn_and_settle(browser, tmp_path):
    graph = tmp_path / "graph.json"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_synthetic_graph.py"), "--nodes", "5000",
         "--out", str(graph)], check=True)
    page_file = explorer.write_explorer(explorer.read_index(graph), tmp_path / "explorer.html")
    view = _open(browser, page_file, timeout_ms=120_000)
    try:
        assert view.js("kgExplorer.network.body.nodeIndices.length") == len(view.js("kgExplorer.data.core"))
        assert view.js("kgExplorer.network.physics.physicsEnabled") is False
        assert view.errors == []
    finally:
        view.page.close()


def _js_paths(view: Loaded, a: str, b: str) -> list[list[str]]:
    return view.js(
        f"(() => {{ const d = kgExplorer.data; const ix = l => d.nodes.findIndex("
        f"n => n.label === l || (n.aliases || []).includes(l));"
        f" return kgExplorer.findPaths(ix({json.dumps(a)}), ix({json.dumps(b)}))"
        ".map(p => p.nodes.map(kgExplorer.nodeId)); })()")


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
    ids=["sjtu-loan", "region-sme", "bank-innomatch", "district-finance", "via-document"],
)
def test_path_mode_finds_the_same_paths_as_kg_connect(loaded, index, a, b):
    assert _js_paths(loaded, a, b) == _py_paths(index, a, b)
