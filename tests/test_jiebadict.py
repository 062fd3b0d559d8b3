"""The cached jieba tables are the ones jieba and ``dict.txt`` give (on a small dictionary)."""

from __future__ import annotations

from pathlib import Path

import jieba
import pytest

from kg import _jiebadict

DICT = "科技 500 n\n科技创新 200 nz\n创新券 30 nz\n推出 100 v\n了 9000\n"


@pytest.fixture()
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small dictionary in jieba's format, and a cache directory of its own."""
    path = tmp_path / "dict.txt"
    path.write_text(DICT, encoding="utf-8")
    monkeypatch.setattr(jieba.dt, "dictionary", str(path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return path


def test_tables_are_jiebas_and_written_once(small: Path, tmp_path: Path) -> None:
    freq, total, tags = _jiebadict._load()
    assert (freq, total) == jieba.Tokenizer.gen_pfdict(small.open("rb"))
    assert tags == {"科技": "n", "科技创新": "nz", "创新券": "nz", "推出": "v"}
    assert len(list((tmp_path / "cache" / "stikg").glob("jieba-*.pickle"))) == 1
    assert _jiebadict._load() == (freq, total, tags)  # read back from the cache


def test_another_dictionary_is_another_cache_file(small: Path, tmp_path: Path) -> None:
    _jiebadict._load()
    small.write_text(DICT + "上海 800 ns\n", encoding="utf-8")
    assert _jiebadict._load()[2]["上海"] == "ns"
    assert len(list((tmp_path / "cache" / "stikg").glob("jieba-*.pickle"))) == 2


def test_a_broken_cache_file_is_rebuilt(small: Path, tmp_path: Path) -> None:
    expected = _jiebadict._load()
    (path,) = (tmp_path / "cache" / "stikg").glob("jieba-*.pickle")
    path.write_bytes(b"not a pickle")
    assert _jiebadict._load() == expected
    assert _jiebadict._load() == expected  # and written again


def test_an_unwritable_cache_directory_still_loads(small: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where the directory would be
    assert _jiebadict._load()[2]["推出"] == "v"
