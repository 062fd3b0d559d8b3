"""The extraction cache: unchanged documents are reused, changed or new ones extracted, corrupt entries ignored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cache import ExtractionCache
from kg.cli import cli
from kg.pipeline import OUTPUT_FILES, build

SEEDS = sorted(Path("seeds").glob("*.txt"))


@pytest.fixture()
def corpus(tmp_path) -> Path:
    """A folder holding the two shortest seeds."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for seed in SEEDS[:2]:
        shutil.copy(seed, folder / seed.name)
    return folder


def run(corpus: Path, out: Path, cache: Path | None):
    return build([corpus], out, validate=False, cache=cache)


def counts(result) -> tuple[int, int]:
    return result.cache_hits, result.cache_misses


def test_first_build_extracts_everything(corpus, tmp_path):
    assert counts(run(corpus, tmp_path / "o", tmp_path / "c")) == (0, 2)


def test_adding_a_document_extracts_only_it(corpus, tmp_path):
    run(corpus, tmp_path / "o", tmp_path / "c")
    shutil.copy(SEEDS[2], corpus / SEEDS[2].name)
    assert counts(run(corpus, tmp_path / "o", tmp_path / "c")) == (2, 1)


def test_changed_document_is_extracted_again(corpus, tmp_path):
    run(corpus, tmp_path / "o", tmp_path / "c")
    doc = corpus / SEEDS[0].name
    doc.write_text(doc.read_text(encoding="utf-8") + "\n市科委打造InnoMatch全球技术供需对接平台。\n", encoding="utf-8")
    assert counts(run(corpus, tmp_path / "o", tmp_path / "c")) == (1, 1)


def test_cached_build_is_byte_identical_to_a_fresh_one(corpus, tmp_path):
    run(corpus, tmp_path / "warm", tmp_path / "c")
    assert counts(run(corpus, tmp_path / "cached", tmp_path / "c")) == (2, 0)
    run(corpus, tmp_path / "fresh", None)
    for name in OUTPUT_FILES:
        assert (tmp_path / "cached" / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\x80\x05\x95"], ids=["empty", "garbage", "truncated-pickle"])
def test_corrupt_entry_is_ignored_and_rewritten(corpus, tmp_path, damage):
    run(corpus, tmp_path / "o", tmp_path / "c")
    entries = sorted((tmp_path / "c").rglob("*.pickle"))
    assert len(entries) == 2
    entries[0].write_bytes(damage)
    assert counts(run(corpus, tmp_path / "o", tmp_path / "c")) == (1, 1)
    assert counts(run(corpus, tmp_path / "o", tmp_path / "c")) == (2, 0)


def test_new_code_version_invalidates_entries(corpus, tmp_path, monkeypatch):
    run(corpus, tmp_path / "o", tmp_path / "c")
    monkeypatch.setattr("kg.cache.code_version", lambda: "another version of the rules")
    assert counts(run(corpus, tmp_path / "o", tmp_path / "c")) == (0, 2)


def test_no_temporary_files_are_left_in_the_cache(corpus, tmp_path):
    run(corpus, tmp_path / "o", tmp_path / "c")
    assert [p.name for p in (tmp_path / "c").rglob("*") if p.is_file() and not p.name.endswith(".pickle")] == []


def test_unwritable_cache_does_not_fail_the_build(corpus, tmp_path):
    blocker = tmp_path / "c"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    result = run(corpus, tmp_path / "o", blocker)
    assert counts(result) == (0, 2)
    assert (tmp_path / "o" / "graph.json").exists()


def test_key_depends_on_bytes_and_path():
    cache = ExtractionCache("unused")
    keys = {cache.key("a.txt", b"x"), cache.key("a.txt", b"y"), cache.key("b.txt", b"x")}
    assert len(keys) == 3
    assert cache.key("a.txt", b"x") == cache.key("a.txt", b"x")


@pytest.mark.parametrize("flag", [["--no-cache"], []], ids=["no-cache", "default"])
def test_cli_cache_flags(corpus, tmp_path, flag):
    runner = CliRunner()
    cache = tmp_path / "kgcache"
    args = ["build", str(corpus), "--out", str(tmp_path / "o"), "--cache", str(cache), "--no-validate", *flag]
    first = runner.invoke(cli, args)
    second = runner.invoke(cli, args)
    assert first.exit_code == second.exit_code == 0, first.output
    if flag:
        assert not cache.exists()
        assert "reused" not in second.stderr
    else:
        assert "2 document(s) reused, 0 extracted" in second.stderr


def test_cache_line_counts_what_the_build_did(tmp_path):
    """A folder with one document and two files that are not documents: one extracted, two failed."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(SEEDS[0], folder / SEEDS[0].name)
    (folder / "scan.txt").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n\x00\x01\x02x\x9c\xff\n")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    args = ["build", str(folder), "--out", str(tmp_path / "o"), "--cache", str(tmp_path / "c"), "--no-validate"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "cache " in result.stderr
    assert "0 document(s) reused, 1 extracted, 2 failed" in result.stderr
