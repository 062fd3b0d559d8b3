"""The real Oxigraph server: `kg serve` over the graph, `kg push` into a writable store."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.errors import QueryError, ServerError
from kg.store import find_oxigraph, push, query, query_endpoint, serve, start_server

pytestmark = pytest.mark.slow  # starts the real server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module", autouse=True)
def oxigraph_binary():
    try:
        return find_oxigraph()
    except ServerError:
        if os.environ.get("CI"):
            raise
        pytest.skip("the oxigraph server binary is not installed")


def sparql(url: str, query: str) -> dict:
    request = urllib.request.Request(
        f"{url}/query?query={urllib.parse.quote(query)}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.load(resp)


def test_serve_answers_sparql_over_http(minigraph):
    with serve(minigraph, free_port()) as server:
        data = sparql(server.url, """
            PREFIX stikg: <https://w3id.org/stikg/ontology#>
            PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            SELECT DISTINCT ?label WHERE { ?p stikg:targets ?t ; skos:prefLabel ?label .
                                           ?t skos:prefLabel "高新技术企业"@zh }""")
        location = server.location
    assert [b["label"]["value"] for b in data["results"]["bindings"]] == ["高企贷"]
    assert server.process.poll() is not None
    assert not os.path.exists(location)


def test_served_graph_is_read_only(minigraph):
    with serve(minigraph, free_port()) as server:
        request = urllib.request.Request(
            f"{server.url}/update", data=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", method="POST",
            headers={"Content-Type": "application/sparql-update"},
        )
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=10)


def test_push_sends_one_named_graph_per_document(minigraph, tmp_path):
    with start_server(str(tmp_path), free_port(), read_only=False) as store:
        sent = push(minigraph, store.store_url)
        data = sparql(store.url, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    arrived = {b["g"]["value"]: int(b["n"]["value"]) for b in data["results"]["bindings"]}
    res = "https://w3id.org/stikg/resource/graph/"
    assert arrived == dict(sent)
    assert set(arrived) == {res + "entities", res + "001_b114b532624690f8",
                            res + "003_ad9b0b437a45fd86", res + "004_1856f325c288e0b0"}


def test_push_to_a_closed_port_says_so(minigraph):
    with pytest.raises(ServerError, match="cannot reach"):
        push(minigraph, f"http://127.0.0.1:{free_port()}/store")


def test_serve_on_a_busy_port_fails_clearly(minigraph):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(ServerError, match="choose another --port"):
            serve(minigraph, busy.getsockname()[1])


def test_serve_cli_stops_the_server_on_sigterm(minigraph):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--port", str(port),
                             "--graph", str(minigraph)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == f"SPARQL endpoint: http://127.0.0.1:{port}/query"
        assert sparql(f"http://127.0.0.1:{port}", "ASK { ?s ?p ?o }")["boolean"] is True
        proc.stdout.readline()  # Web UI
        assert "kg query --endpoint" in proc.stdout.readline()  # the server cannot predeclare prefixes
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)


# --- kg query --endpoint: the prefixes kg query predeclares, sent to the real server ---

QUERIES = sorted((Path(__file__).resolve().parent.parent / "queries").glob("*.rq"))
BARE = 'SELECT DISTINCT ?label WHERE { ?p stikg:targets ?t ; skos:prefLabel ?label . ?t skos:prefLabel "高新技术企业"@zh }'


@pytest.fixture(scope="module")
def server(minigraph):
    with serve(minigraph, free_port()) as running:
        yield running


def test_the_server_itself_predeclares_no_prefix(server):
    with pytest.raises(urllib.error.HTTPError) as caught:
        sparql(server.url, BARE)
    assert caught.value.code == 400


def test_query_endpoint_adds_the_prefixes_that_kg_query_predeclares(server, minigraph):
    remote = query_endpoint(server.query_url, BARE)
    assert remote.values() == query(minigraph, BARE).values() == [{"label": "高企贷"}]


@pytest.mark.parametrize(
    "sparql",
    ["ASK { res:Program\\/高企贷 stikg:targets ?t }",
     "CONSTRUCT { ?p stikg:targets ?t } WHERE { ?p stikg:targets ?t }",
     "SELECT ?v ?u ?m ?y WHERE { ?o stikg:value ?v ; stikg:unit ?u ; stikg:measure ?m . "
     "OPTIONAL { ?o stikg:year ?y } } ORDER BY ?v"],
    ids=["ask", "construct", "typed-literals-and-unbound"],
)
def test_an_endpoint_answer_is_the_local_answer(server, minigraph, sparql):
    remote, local = query_endpoint(server.query_url, sparql), query(minigraph, sparql)
    assert (remote.kind, remote.variables, remote.rows, remote.boolean) == (
        local.kind, local.variables, local.rows, local.boolean)


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_competency_queries_give_the_same_rows_at_the_endpoint(server, minigraph, path):
    text = path.read_text(encoding="utf-8")
    assert query_endpoint(server.query_url, text).to_json() == query(minigraph, text).to_json()


@pytest.mark.parametrize("sparql", ["SELECT ?s WHERE {\n  ?s ?p \n", "ASK { ?s nope:x ?o }"],
                         ids=["unbalanced", "unknown-prefix"])
def test_a_malformed_query_at_the_endpoint_fails_as_it_does_locally(server, minigraph, sparql):
    """Same one-line message, with the line and column of the query as written (not as sent)."""
    with pytest.raises(QueryError) as remote:
        query_endpoint(server.query_url, sparql)
    with pytest.raises(QueryError) as local:
        query(minigraph, sparql)
    assert "\n" not in str(remote.value)
    assert str(remote.value) == str(local.value)


def test_kg_query_endpoint_prints_what_kg_query_prints(server, minigraph):
    from click.testing import CliRunner

    from kg.cli import cli

    remote = CliRunner().invoke(cli, ["query", BARE, "--endpoint", server.query_url, "--format", "csv"])
    local = CliRunner().invoke(cli, ["query", BARE, "--graph", str(minigraph), "--format", "csv"])
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output
    assert remote.output.split() == ["label", "高企贷"]
