"""kg.stream: the spool gives back what went in, the quad sorter sorts and de-duplicates on disk,
and the RDF written from the stream is the graph of the quads."""

from __future__ import annotations

import random

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.graph import PREFIXES, to_quads, write_nquads
from kg.stream import QuadSorter, Spool, write_rdf

ONTOLOGY = "<https://w3id.org/stikg/resource/graph/ontology>"


def line(s: str, p: str, o: str, g: str) -> str:
    return f"{s} {p} {o} {g} .\n"


@pytest.fixture(scope="module")
def quads(seeds_build):
    return to_quads(seeds_build.corpus)


def test_the_spool_gives_back_every_extraction_in_order_and_again(seeds_build, tmp_path):
    spool = Spool(tmp_path)
    for x in seeds_build.extractions:
        spool.append(x)
    assert len(spool) == len(seeds_build.extractions)
    assert [x.doc.id for x in spool] == [x.doc.id for x in seeds_build.extractions]
    assert [x.to_json() for x in spool] == [x.to_json() for x in seeds_build.extractions]


@pytest.mark.parametrize("run_lines", [1, 7, 1000, 10**9], ids=["one-line-runs", "small-runs", "some-runs", "one-run"])
def test_sorted_runs_merge_into_the_sorted_distinct_lines(quads, tmp_path, run_lines):
    lines = [line(*q) for q in quads]
    shuffled = lines + lines[: len(lines) // 3]  # duplicates across runs
    random.Random(1).shuffle(shuffled)
    sorter = QuadSorter(tmp_path, run_lines=run_lines)
    for i in range(0, len(shuffled), 50):
        sorter.add(shuffled[i : i + 50])
    assert list(sorter.merged()) == sorted(set(lines))


def test_the_sorter_holds_at_most_a_run_of_lines_however_many_come_at_once(tmp_path):
    """One long document's quads arrive as one stream: runs are written while it is read."""
    lines = [line(f"<s{i % 37}>", "<p>", f'"{i}"', "<g>") for i in range(1000)]
    held = []
    sorter = QuadSorter(tmp_path, run_lines=64)
    real_flush = sorter.flush

    def flush():
        held.append(len(sorter._buffer))
        real_flush()

    sorter.flush = flush
    sorter.add(iter(lines + lines[:10]))
    assert max(held) <= 64 and len(held) >= 1000 // 64
    assert list(sorter.merged()) == sorted(set(lines))


def test_sorting_lines_sorts_the_quads(quads):
    lines = [line(*q) for q in quads]
    assert sorted(lines) == [line(*q) for q in sorted(quads)]


def test_nquads_are_the_sorted_lines_and_turtle_their_union_graph(quads, tmp_path):
    ontology = [("<https://example.org/C>", "<http://www.w3.org/2000/01/rdf-schema#label>", '"C"', ONTOLOGY)]
    lines = sorted({line(*q) for q in quads + ontology})
    n = write_rdf(lines, tmp_path / "g.nq", tmp_path / "g.ttl", skip_graph=ONTOLOGY, prefixes=PREFIXES,
                  scratch=tmp_path)
    assert n == len(lines)
    assert (tmp_path / "g.nq").read_text(encoding="utf-8") == "".join(lines)
    with open(tmp_path / "expected.nq", "w", encoding="utf-8") as fh:
        write_nquads(quads, fh)
    expected = Graph()
    for s, p, o, _ in Dataset().parse(tmp_path / "expected.nq", format="nquads").quads((None, None, None, None)):
        expected.add((s, p, o))
    turtle = Graph().parse(tmp_path / "g.ttl", format="turtle")
    assert isomorphic(turtle, expected)
    assert "example.org" not in (tmp_path / "g.ttl").read_text(encoding="utf-8")  # the ontology graph is left out


def test_turtle_is_the_same_bytes_every_time(quads, tmp_path):
    lines = sorted({line(*q) for q in quads})
    out = []
    for name in ("a", "b"):
        write_rdf(lines, tmp_path / f"{name}.nq", tmp_path / f"{name}.ttl", skip_graph=ONTOLOGY, prefixes=PREFIXES,
                  scratch=tmp_path)
        out.append((tmp_path / f"{name}.ttl").read_bytes())
    assert out[0] == out[1]
