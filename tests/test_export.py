"""kg.export: RDF formats round-trip, network formats keep nodes and edges, CSV tables."""

from __future__ import annotations

import csv

import networkx as nx
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.errors import OutputError
from kg.export import csv_targets, export, render
from kg.paths import load_index


@pytest.fixture(scope="module")
def dataset(minigraph):
    ds = Dataset()
    ds.parse(minigraph / "stikg.nq", format="nquads")
    return ds


def union(ds: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.mark.parametrize(("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt")], ids=["ttl", "nt"])
def test_graph_formats_round_trip(minigraph, dataset, tmp_path, fmt, parser):
    (path,) = export(minigraph, fmt, tmp_path / f"out.{fmt}")
    assert isomorphic(Graph().parse(path, format=parser), union(dataset))


@pytest.mark.parametrize(
    ("fmt", "parser"), [("trig", "trig"), ("nq", "nquads"), ("jsonld", "json-ld")],
    ids=["trig", "nq", "jsonld"],
)
def test_dataset_formats_round_trip_graph_by_graph(minigraph, dataset, tmp_path, fmt, parser):
    (path,) = export(minigraph, fmt, tmp_path / f"out.{fmt}")
    back = Dataset()
    back.parse(path, format=parser)
    names = {g.identifier for g in dataset.graphs() if len(g)}
    assert {g.identifier for g in back.graphs() if len(g)} == names
    for name in names:
        assert isomorphic(back.graph(name), dataset.graph(name)), name


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nt", "nq", "jsonld", "graphml", "gexf"])
def test_output_is_deterministic(minigraph, fmt):
    assert render(minigraph, fmt) == render(minigraph, fmt)


@pytest.mark.parametrize(
    ("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)], ids=["graphml", "gexf"]
)
def test_network_formats_keep_counts_and_attributes(minigraph, tmp_path, fmt, reader):
    index = load_index(minigraph)
    (path,) = export(minigraph, fmt, tmp_path / f"out.{fmt}")
    graph = reader(path)
    assert graph.number_of_nodes() == len(index.nodes)
    assert graph.number_of_edges() == len(index.edges)
    node = graph.nodes["https://w3id.org/stikg/resource/Program/高企贷"]
    assert (node["label"], node["type"]) == ("高企贷", "Program")
    relations = {d["relation"] for _, _, d in graph.edges(data=True)}
    assert "targets" in relations
    assert any(d.get("label") == "面向" for _, _, d in graph.edges(data=True))


def test_csv_writes_node_and_edge_tables(minigraph, tmp_path):
    nodes, edges = export(minigraph, "csv", tmp_path / "stikg.csv")
    assert (nodes.name, edges.name) == ("stikg.nodes.csv", "stikg.edges.csv")
    node_rows = list(csv.DictReader(nodes.open(encoding="utf-8")))
    edge_rows = list(csv.DictReader(edges.open(encoding="utf-8")))
    index = load_index(minigraph)
    assert len(node_rows) == len(index.nodes)
    assert len(edge_rows) == len(index.edges)
    row = [r for r in edge_rows if r["source_label"] == "高企贷" and r["target_label"] == "高新技术企业"][0]
    assert (row["relation"], row["relation_zh"], row["support"]) == ("targets", "面向", "2")


@pytest.mark.parametrize(
    ("out", "names"),
    [("x.csv", ("x.nodes.csv", "x.edges.csv")), ("x", ("x.nodes.csv", "x.edges.csv")),
     ("dir/", ("nodes.csv", "edges.csv"))],
    ids=["csv-suffix", "no-suffix", "directory"],
)
def test_csv_targets(tmp_path, out, names):
    nodes, edges = csv_targets(str(tmp_path) + "/" + out)
    assert (nodes.name, edges.name) == names


def test_csv_cannot_go_to_a_single_stream(minigraph):
    with pytest.raises(OutputError, match="--out"):
        render(minigraph, "csv")


def test_unwritable_output_leaves_nothing(minigraph, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        export(minigraph, "csv", blocker / "sub" / "x.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.fixture
def umask():
    """Set the process umask for one test: ``umask(0o027)``; the old one comes back afterwards."""
    import os

    old = os.umask(0o022)
    os.umask(old)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)],
                         ids=["022", "027", "077"])
@pytest.mark.parametrize("fmt", ["ttl", "csv"])
def test_exported_files_honour_the_umask(minigraph, tmp_path, umask, fmt, mask, mode):
    umask(mask)
    paths = export(minigraph, fmt, tmp_path / f"out.{fmt}")
    assert [p.stat().st_mode & 0o777 for p in paths] == [mode] * len(paths)


def test_an_existing_file_keeps_its_mode(minigraph, tmp_path, umask):
    umask(0o022)
    target = tmp_path / "out.ttl"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o664)
    export(minigraph, "ttl", target)
    assert target.stat().st_mode & 0o777 == 0o664
    assert target.read_text(encoding="utf-8") != "old"


def _keys(data) -> set[str]:
    """Every key of every object in a JSON document (the @context's own keys left out)."""
    if isinstance(data, list):
        return set().union(*(_keys(x) for x in data)) if data else set()
    if isinstance(data, dict):
        return set(data) | _keys([v for k, v in data.items() if k != "@context"])
    return set()


def test_jsonld_has_a_context_of_the_project_prefixes_and_short_keys(minigraph):
    import json

    from kg.graph import PREFIXES

    data = json.loads(render(minigraph, "jsonld"))
    context = data["@context"]
    assert {k: context[k] for k in PREFIXES} == PREFIXES
    assert context["prefLabel"] == {"@id": "skos:prefLabel", "@language": "zh"}
    assert context["targets"] == {"@id": "stikg:targets", "@type": "@id"}
    assert context["startOffset"] == {"@id": "stikg:startOffset", "@type": "xsd:integer"}
    # two vocabularies name a property `subject`: neither gets the short key
    assert {"rdf:subject", "stikg:subject"} <= set(context) and "subject" not in context
    keys = _keys(data["@graph"])
    assert {"prefLabel", "targets", "evidenceText", "@type"} <= keys
    assert not [k for k in keys if k.startswith("http")]
    (entities,) = [g["@graph"] for g in data["@graph"] if g["@id"] == "res:graph/entities"]
    program = next(n for n in entities if n["@id"] == "res:Program/高企贷")
    assert (program["prefLabel"], program["@type"]) == ("高企贷", "stikg:Program")
    assert "type" not in context  # rdf:type is written as @type


def test_jsonld_of_the_seeds_round_trips_graph_by_graph(seeds_graph, tmp_path):
    """The seeds graph carries the ontology too (lists, blank nodes, labels in two languages)."""
    ds = Dataset()
    ds.parse(seeds_graph / "stikg.nq", format="nquads")
    (path,) = export(seeds_graph, "jsonld", tmp_path / "stikg.jsonld")
    back = Dataset()
    back.parse(path, format="json-ld")
    names = {g.identifier for g in ds.graphs() if len(g)}
    assert {g.identifier for g in back.graphs() if len(g)} == names
    for name in names:
        assert isomorphic(back.graph(name), ds.graph(name)), name
