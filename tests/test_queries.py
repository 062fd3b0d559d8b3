"""The 12 competency queries of SPEC.md (queries/*.rq): on the mini graph, then on the seeds graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store import load_store, query

QUERIES = Path(__file__).parent.parent / "queries"
FILES = sorted(QUERIES.glob("*.rq"))


def answer(graph, number: int, store=None) -> list[dict]:
    (path,) = [f for f in FILES if f.name.startswith(f"{number:02d}_")]
    return query(graph, path.read_text(encoding="utf-8"), store=store).values()


def test_one_query_per_competency_question():
    assert [f.name[:3] for f in FILES] == [f"{i:02d}_" for i in range(1, 13)]


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_query_says_what_it_answers_and_declares_its_prefixes(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# Q{int(path.name[:2])}. ")
    used = {p for p in ("stikg", "skos", "rdfs", "prov", "dcterms", "rdf") if f"{p}:" in text.split("SELECT")[1]}
    declared = {line.split()[1][:-1] for line in text.splitlines() if line.startswith("PREFIX")}
    assert used <= declared


# --- on the hand-made mini graph: each query returns exactly what the fixture says ---


@pytest.fixture(scope="module")
def mini(minigraph):
    return load_store(minigraph)


def test_q01_programs_of_the_commission(minigraph, mini):
    rows = {(r["label"], r["route"]) for r in answer(minigraph, 1, mini) if r["kind"] == "Program"}
    assert rows == {("高企贷", "direct"), ("科创助力贷", "direct"), ("科技创新券", "direct"),
                    ("技术经理人协作奖励", "InnoMatch全球技术供需对接平台")}


def test_q02_financing_for_high_tech(minigraph, mini):
    rows = {(r["label"], r["year"], r["value"], r["unit"]) for r in answer(minigraph, 2, mini)
            if r["measure"] == "提供各类信贷支持"}
    assert rows == {("高企贷", 2021, 1521.63, "亿元"), ("高企贷", 2023, 3534.78, "亿元")}


def test_q03_issuer_and_date_of_action_plan(minigraph, mini):
    (row,) = answer(minigraph, 3, mini)
    assert row["issuerLabel"] == "上海市人民政府办公厅"
    assert "6月" in row["evidence"]


def test_q04_innomatch_network(minigraph, mini):
    members = {r["label"] for r in answer(minigraph, 4, mini)}
    assert members == {"全球技术转移大会", "长三角国际创新挑战赛", "全球技术供需对接网络"}


def test_q05_aliases_of_eastern_centre(minigraph, mini):
    assert [r["alias"] for r in answer(minigraph, 5, mini)] == ["东部中心"]


def test_q06_participants_of_innomatch(minigraph, mini):
    assert [r["label"] for r in answer(minigraph, 6, mini)] == ["宁德时代", "阿斯利康"]


def test_q07_agency_portfolio(minigraph, mini):
    rows = [(r["label"], r["programs"], r["platforms"], r["events"]) for r in answer(minigraph, 7, mini)]
    assert rows == [("上海市科学技术委员会", 3, 2, 2)]


def test_q08_documents_on_vouchers(minigraph, mini):
    rows = answer(minigraph, 8, mini)
    assert [(r["doc"].rsplit("/", 1)[1], r["number"], r["date"]) for r in rows] == [
        ("003_ad9b0b437a45fd86", None, None)]


def test_q09_located_in_minhang_or_lingang(minigraph, mini):
    assert [(r["label"], r["placeLabel"]) for r in answer(minigraph, 9, mini)] == [("上海交通大学", "闵行")]


def test_q10_observations_of_exchange_by_year(minigraph, mini):
    assert [(r["year"], r["measure"]) for r in answer(minigraph, 10, mini)] == [
        (2020, "服务机构"), (2021, "交易额"), (None, "挂牌项目")]


def test_q11_events_with_yangtze_delta_partners(minigraph, mini):
    assert {r["label"] for r in answer(minigraph, 11, mini)} == {"长三角国际创新挑战赛"}


def test_q12_evidence_of_high_tech_loan_edge(minigraph, mini):
    rows = answer(minigraph, 12, mini)
    assert [r["number"] for r in rows] == ["沪科建复〔2024〕43号", None]
    assert any("1521.63亿元" in r["evidence"] for r in rows)


# --- on the graph built from seeds/: what a careful reader of the five documents expects ---


@pytest.fixture(scope="module")
def seeds(seeds_graph):
    return load_store(seeds_graph)


def test_seeds_q01_commission_runs_innomatch_and_the_challenge(seeds_graph, seeds):
    labels = {r["label"] for r in answer(seeds_graph, 1, seeds)}
    assert {"InnoMatch全球技术供需对接平台", "长三角国际创新挑战赛", "全球技术转移大会"} <= labels


def test_seeds_q02_high_tech_loan_figures(seeds_graph, seeds):
    rows = {(r["label"], r["year"], r["value"], r["unit"]) for r in answer(seeds_graph, 2, seeds)}
    assert ("高企贷", 2021, 1521.63, "亿元") in rows
    assert ("高企贷", 2023, 3534.78, "亿元") in rows


def test_seeds_q03_action_plan_of_2021(seeds_graph, seeds):
    rows = answer(seeds_graph, 3, seeds)
    assert rows, "《上海市促进科技成果转化行动方案（2021—2023）》 is missing"
    assert any(r["doc"] and r["doc"].endswith("003_ad9b0b437a45fd86") for r in rows)


def test_seeds_q04_innomatch_network(seeds_graph, seeds):
    members = {r["label"] for r in answer(seeds_graph, 4, seeds)}
    assert {"全球技术转移大会", "长三角国际创新挑战赛"} <= members


def test_seeds_q05_eastern_centre_aliases(seeds_graph, seeds):
    assert "东部中心" in {r["alias"] for r in answer(seeds_graph, 5, seeds)}


def test_seeds_q06_companies_on_innomatch(seeds_graph, seeds):
    assert {"宁德时代", "阿斯利康"} <= {r["label"] for r in answer(seeds_graph, 6, seeds)}


def test_seeds_q07_commission_administers_most(seeds_graph, seeds):
    rows = answer(seeds_graph, 7, seeds)
    assert rows and rows[0]["label"] == "上海市科学技术委员会"


def test_seeds_q08_documents_on_vouchers(seeds_graph, seeds):
    rows = {(r["number"], r["date"]) for r in answer(seeds_graph, 8, seeds)}
    assert ("沪科提复〔2022〕8号", "2022-06-06") in rows


def test_seeds_q09_something_in_minhang_or_lingang(seeds_graph, seeds):
    assert answer(seeds_graph, 9, seeds)


def test_seeds_q10_exchange_figures_of_2022(seeds_graph, seeds):
    rows = {(r["year"], r["value"], r["unit"]) for r in answer(seeds_graph, 10, seeds)}
    assert (2022, 39.31, "亿元") in rows


def test_seeds_q11_yangtze_delta_challenge(seeds_graph, seeds):
    assert "长三角国际创新挑战赛" in {r["label"] for r in answer(seeds_graph, 11, seeds)}


def test_seeds_q12_evidence_names_the_figures(seeds_graph, seeds):
    texts = [r["evidence"] for r in answer(seeds_graph, 12, seeds)]
    assert any("高新技术企业" in t or "高企" in t for t in texts)
