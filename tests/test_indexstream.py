"""kg._indexstream: the index a build streams out is the one the in-memory writers give."""

from __future__ import annotations

import json

from kg._indexdb import DB_NAME, write_db


def test_graph_json_is_the_bytes_json_dump_gives(seeds_graph):
    written = (seeds_graph / "graph.json").read_text(encoding="utf-8")
    index = json.loads(written)
    assert written == json.dumps(index, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def test_graph_sqlite_is_the_file_write_db_gives_for_graph_json(seeds_graph, tmp_path):
    index = json.loads((seeds_graph / "graph.json").read_text(encoding="utf-8"))
    write_db(index, tmp_path / DB_NAME)
    assert (tmp_path / DB_NAME).read_bytes() == (seeds_graph / DB_NAME).read_bytes()
