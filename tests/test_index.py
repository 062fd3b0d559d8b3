"""kg._index: graph.sqlite holds the same index as graph.json and answers every look-up the same way."""

from __future__ import annotations

import itertools
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kg._index import Index, load_index, read_index
from kg._indexdb import DB_NAME, write_db
from kg.errors import EntityNotFound, InputError, NoPath
from kg.paths import card, connect, lookup


def both(graph_dir: Path, tmp: Path) -> tuple[Index, Index]:
    """The index of ``graph_dir`` from graph.json and from a graph.sqlite written from it."""
    data = read_index(graph_dir)
    write_db(data, tmp / DB_NAME)
    return Index.from_dict(data), Index.open(tmp / DB_NAME)


def outcome(fn, *args, **kwargs):
    """What a call gives: its JSON, or the error it raises (type and message)."""
    try:
        result = fn(*args, **kwargs)
    except (EntityNotFound, NoPath, InputError) as exc:
        return type(exc).__name__, str(exc)
    if isinstance(result, list):
        return [p.to_json(args[0]) for p in result]
    return result.to_json() if hasattr(result, "to_json") else result


@pytest.fixture(scope="module")
def mini(minigraph, tmp_path_factory):
    return both(minigraph, tmp_path_factory.mktemp("mini"))


@pytest.fixture(scope="module")
def seeds(seeds_graph, tmp_path_factory):
    return both(seeds_graph, tmp_path_factory.mktemp("seeds"))


def sample_labels(index: Index, n: int) -> list[str]:
    labels = sorted(index.nodes[i]["label"] for i in index.nodes)
    return labels[:: max(1, len(labels) // n)][:n]


def test_every_pair_of_the_mini_graph_connects_the_same_way(mini):
    js, db = mini
    for x, y in itertools.permutations(sample_labels(js, 12), 2):
        assert outcome(connect, db, x, y) == outcome(connect, js, x, y), (x, y)


@pytest.mark.parametrize("options", [{"max_hops": 2}, {"paths": 5}, {"only": ("sentence",)},
                                     {"exclude": ("document",)}, {"hub_penalty": False}],
                         ids=["max-hops", "paths", "only", "exclude", "no-hub-penalty"])
def test_seeds_pairs_connect_the_same_way_with_options(seeds, options):
    js, db = seeds
    for x, y in itertools.combinations(sample_labels(js, 7), 2):
        assert outcome(connect, db, x, y, **options) == outcome(connect, js, x, y, **options), (x, y)


def test_seeds_cards_and_lookups_are_the_same(seeds):
    js, db = seeds
    for label in sample_labels(js, 40):
        assert outcome(card, db, label) == outcome(card, js, label)
    for query in ("市科委", "技术交易所", "科技", "不存在的名字", "innomatch", "沪科提复〔2022〕8号"):
        assert outcome(lookup, db, query) == outcome(lookup, js, query), query


def test_the_file_is_the_same_for_the_same_index(seeds_graph, tmp_path):
    data = read_index(seeds_graph)
    write_db(data, tmp_path / "a.sqlite")
    write_db(data, tmp_path / "b.sqlite")
    assert (tmp_path / "a.sqlite").read_bytes() == (tmp_path / "b.sqlite").read_bytes()


def test_load_index_prefers_the_sqlite_file(seeds_graph, tmp_path):
    shutil.copy(seeds_graph / DB_NAME, tmp_path / DB_NAME)  # no graph.json beside it
    index = load_index(tmp_path)
    assert len(index.nodes) == len(read_index(seeds_graph)["nodes"])


def test_a_newer_index_file_is_refused(seeds_graph, tmp_path):
    shutil.copy(seeds_graph / DB_NAME, tmp_path / DB_NAME)
    con = sqlite3.connect(tmp_path / DB_NAME)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'version'")
    con.commit()
    con.close()
    with pytest.raises(InputError, match="version 99"):
        load_index(tmp_path)


def test_a_file_that_is_not_an_index_is_refused(tmp_path):
    (tmp_path / DB_NAME).write_bytes(b"not a database at all" * 100)
    with pytest.raises(InputError, match="rebuild it"):
        load_index(tmp_path)


def test_connect_and_show_do_not_read_graph_json(seeds_graph, tmp_path):
    shutil.copy(seeds_graph / DB_NAME, tmp_path / DB_NAME)
    (tmp_path / "graph.json").write_text("this file must not be read", encoding="utf-8")
    for args in (["connect", "宁德时代", "市科委"], ["show", "高企贷"]):
        proc = subprocess.run([sys.executable, "-m", "kg", *args, "--graph", str(tmp_path), "--format", "json"],
                              capture_output=True, text=True, encoding="utf-8", timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)
