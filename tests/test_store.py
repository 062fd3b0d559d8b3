"""kg.store: SPARQL over the built graph with pyoxigraph."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from kg.errors import GraphNotBuiltError, QueryError
from kg.store import PREFIXES, load_store, query, shorten_iri

TARGETS = """
SELECT DISTINCT ?label WHERE {
  ?p stikg:targets ?t ; skos:prefLabel ?label .
  ?t skos:prefLabel "高新技术企业"@zh .
} ORDER BY ?label
"""


def test_select_rows_as_plain_values(minigraph):
    result = query(minigraph, TARGETS)
    assert result.kind == "select"
    assert result.column("label") == ["高企贷"]


def test_union_of_named_graphs_is_the_default_graph(minigraph):
    result = query(minigraph, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    graphs = result.values()[0]["n"]
    union = query(minigraph, "ASK { res:Program\\/高企贷 stikg:targets res:TargetGroup\\/高新技术企业 }")
    assert graphs == 4
    assert union.boolean is True


def test_numbers_come_back_as_numbers(minigraph):
    result = query(minigraph, """SELECT ?v ?y WHERE { ?o stikg:subject <https://w3id.org/stikg/resource/Program/高企贷> ;
        stikg:measure "提供各类信贷支持"@zh ; stikg:value ?v ; stikg:year ?y } ORDER BY ?y""")
    assert result.values() == [{"v": 1521.63, "y": 2021}, {"v": 3534.78, "y": 2023}]


def test_json_is_the_w3c_results_format(minigraph):
    data = query(minigraph, TARGETS).to_json()
    assert data["head"] == {"vars": ["label"]}
    assert data["results"]["bindings"] == [
        {"label": {"type": "literal", "value": "高企贷", "xml:lang": "zh"}}
    ]


def test_json_leaves_unbound_variables_out(minigraph):
    data = query(minigraph, "SELECT ?x ?unbound WHERE { BIND(1 AS ?x) }").to_json()
    assert data["results"]["bindings"] == [
        {"x": {"type": "literal", "value": "1", "datatype": PREFIXES["xsd"] + "integer"}}
    ]


def test_csv_has_header_and_values(minigraph):
    text = query(minigraph, "SELECT ?p ?label WHERE { ?p skos:altLabel ?label } ORDER BY ?label LIMIT 2").to_csv()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["p", "label"]
    assert len(rows) == 3
    assert rows[1][0].startswith("https://w3id.org/stikg/resource/")


def test_ask_result(minigraph):
    result = query(minigraph, "ASK { ?x a stikg:Person }")
    assert result.kind == "ask"
    assert result.boolean is False
    assert result.to_json() == {"head": {}, "boolean": False}


def test_construct_gives_sorted_triples(minigraph):
    result = query(minigraph, "CONSTRUCT { ?x a stikg:Event } WHERE { ?x a stikg:Event }")
    assert result.kind == "graph"
    assert result.variables == ["subject", "predicate", "object"]
    assert [r[0] for r in result.display_rows()] == ["res:Event/全球技术转移大会", "res:Event/长三角国际创新挑战赛"]


def test_a_query_may_redeclare_a_predeclared_prefix(minigraph):
    result = query(minigraph, "PREFIX stikg: <http://example.org/other#>\nASK { ?x a stikg:Program }")
    assert result.boolean is False


@pytest.mark.parametrize(
    ("sparql", "where"),
    [
        ("SELECT ?x WHERE {\n  ?x ?p ?o }}", "line 2, column"),
        ("SELECT ?x WHERE {\n  ?x a stikg:Program .\n  FILTER( }", "line 3, column"),
        ("SELEKT ?x WHERE { ?x ?p ?o }", "line 1, column 1"),
    ],
    ids=["extra-brace", "broken-filter", "misspelt-keyword"],
)
def test_malformed_query_names_line_and_column(minigraph, sparql, where):
    with pytest.raises(QueryError, match="malformed SPARQL query") as info:
        query(minigraph, sparql)
    assert where in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_prefix_is_named(minigraph):
    with pytest.raises(QueryError, match=r"unknown prefix foaf:"):
        query(minigraph, "SELECT ?x WHERE { ?x foaf:name ?n }")


def test_missing_graph_says_to_build(tmp_path):
    with pytest.raises(GraphNotBuiltError, match="kg build"):
        query(tmp_path, "ASK {}")


def test_a_loaded_store_can_be_reused(minigraph, tmp_path):
    shutil.copy(minigraph / "stikg.nq", tmp_path / "stikg.nq")
    store = load_store(tmp_path)
    (tmp_path / "stikg.nq").unlink()
    assert query(tmp_path, TARGETS, store=store).column("label") == ["高企贷"]


@pytest.mark.parametrize(
    ("iri", "short"),
    [
        ("https://w3id.org/stikg/resource/Program/高企贷", "res:Program/高企贷"),
        ("https://w3id.org/stikg/ontology#targets", "stikg:targets"),
        ("http://example.org/x", "<http://example.org/x>"),
    ],
    ids=["resource", "ontology", "foreign"],
)
def test_shorten_iri(iri, short):
    assert shorten_iri(iri) == short


@pytest.mark.parametrize(
    ("sparql", "declared"),
    [("SELECT * WHERE { ?s ?p ?o }", set()),
     ("PREFIX skos: <urn:mine#>\nSELECT * WHERE { ?s skos:x ?o }", {"skos"}),
     ("# prefix stikg: is a comment here\nprefix  rdfs:<urn:r#> ASK {}", {"rdfs"})],
    ids=["none", "one-declared", "lower-case-and-comment"],
)
def test_with_prefixes_adds_the_missing_declarations_on_the_first_line(sparql, declared):
    from kg.store import with_prefixes

    full = with_prefixes(sparql)
    assert full.endswith(sparql)
    assert full.count("\n") == sparql.count("\n")  # the query's line numbers stay
    for prefix, ns in PREFIXES.items():
        assert (f"PREFIX {prefix}: <{ns}>" in full) == (prefix not in declared)


@pytest.mark.parametrize("endpoint", ["ftp://127.0.0.1/query", "127.0.0.1:7878/query", "http://"],
                         ids=["ftp", "no-scheme", "no-host"])
def test_query_endpoint_refuses_a_url_that_is_not_http(endpoint):
    from kg.errors import ServerError
    from kg.store import query_endpoint

    with pytest.raises(ServerError, match="not an http"):
        query_endpoint(endpoint, "ASK {}")


def test_query_endpoint_says_when_nothing_listens():
    import socket

    from kg.errors import ServerError
    from kg.store import query_endpoint

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ServerError, match="cannot reach .* is the server running"):
        query_endpoint(f"http://127.0.0.1:{port}/query", "ASK {}", timeout=5)
