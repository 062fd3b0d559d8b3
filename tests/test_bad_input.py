"""Bad input: one clear line naming the file or argument, a non-zero exit, nothing half-written.

Every case runs through ``CliRunner`` and as a real ``python -m kg`` process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

SEED = Path("seeds/000_fa9796796592fc92.txt")
GOOD = "上海市科学技术委员会\n\n市科委打造InnoMatch全球技术供需对接平台，为高新技术企业提供服务。\n"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 >>\nstream\n\x00\x01\x02x\x9c\xff\nendstream\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
NOT_UTF8_NOR_GBK = "上海市科学技术委员会".encode() + b"\xff\xfe\xff" + "市科委打造平台。".encode()


def run_cli(how: str, args: list[str]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``kg ARGS``, through CliRunner or a real process."""
    if how == "runner":
        result = CliRunner().invoke(cli, args)
        return result.exit_code, result.stdout, result.stderr
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


#: every case through CliRunner (fast lane) and as a real process (slow: each starts Python)
HOW = pytest.mark.parametrize("how", ["runner", pytest.param("process", marks=pytest.mark.slow)])


def assert_one_line_error(code: int, stderr: str, *names: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code != 0
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: ")
    for name in names:
        assert name in lines[0]


def tree(path: Path) -> list[str]:
    """Every file and directory under ``path`` (hidden temporary ones included)."""
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def write_bad(tmp: Path, case: str) -> Path:
    """A document (or folder) that cannot be built, for ``case``."""
    if case == "missing path":
        return tmp / "no-such-file.txt"
    if case == "folder without documents":
        folder = tmp / "empty-folder"
        folder.mkdir()
        (folder / "notes.csv").write_text("a,b\n", encoding="utf-8")
        return folder
    data = {"empty file": b"", "blank file": b" \n\n\t\n", "PDF": PDF, "PNG image": PNG,
            "neither UTF-8 nor GBK": NOT_UTF8_NOR_GBK}[case]
    path = tmp / f"bad-{case.replace(' ', '-')}.txt"
    path.write_bytes(data)
    return path


BAD_CASES = ["missing path", "folder without documents", "empty file", "blank file", "PDF", "PNG image",
             "neither UTF-8 nor GBK"]


@HOW
@pytest.mark.parametrize("case", BAD_CASES)
def test_build_of_a_bad_document_fails_naming_it_and_writes_nothing(tmp_path, case, how):
    bad = write_bad(tmp_path, case)
    out = tmp_path / "out"
    before = tree(tmp_path)
    code, stdout, stderr = run_cli(how, ["build", str(bad), "--out", str(out), "--cache", str(tmp_path / "c")])
    assert_one_line_error(code, stderr, bad.name)
    assert stdout == ""
    assert tree(tmp_path) == before


@HOW
@pytest.mark.parametrize("case", BAD_CASES)
def test_extract_of_a_bad_document_fails_naming_it(tmp_path, case, how):
    bad = write_bad(tmp_path, case)
    code, stdout, stderr = run_cli(how, ["extract", str(bad), "--format", "json"])
    assert_one_line_error(code, stderr, bad.name)
    assert stdout == ""


@HOW
def test_one_bad_document_is_reported_and_skipped(tmp_path, how):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "b.txt").write_bytes(PDF)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli(how, ["build", str(corpus), "--out", str(out), "--no-cache", "--no-validate",
                                         "--format", "json"])
    assert code == 0, stderr
    summary = json.loads(stdout)
    assert [Path(f["path"]).name for f in summary["failures"]] == ["b.txt"]
    docs = [json.loads(line)["doc"]["id"] for line in (out / "extraction.jsonl").read_text(encoding="utf-8").splitlines()]
    assert docs == ["a"]


@HOW
def test_strict_build_fails_on_the_bad_document_and_writes_nothing(tmp_path, how):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "b.txt").write_bytes(PDF)
    out = tmp_path / "out"
    before = tree(tmp_path)
    code, stdout, stderr = run_cli(how, ["build", str(corpus), "--out", str(out), "--strict", "--no-cache"])
    assert_one_line_error(code, stderr, "b.txt")
    assert tree(tmp_path) == before


@HOW
def test_skipped_document_is_named_in_the_text_report(tmp_path, how):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "b.txt").write_bytes(NOT_UTF8_NOR_GBK)
    code, _, stderr = run_cli(how, ["build", str(corpus), "--out", str(tmp_path / "out"), "--no-cache",
                                    "--no-validate"])
    assert code == 0
    assert [line for line in stderr.splitlines() if line.startswith("skipped")] == [
        line for line in stderr.splitlines() if "b.txt" in line and "UTF-8" in line
    ]


@HOW
def test_document_without_header_is_extracted(tmp_path, how):
    doc = tmp_path / "no-header.txt"
    doc.write_text("市科委打造InnoMatch全球技术供需对接平台。\n", encoding="utf-8")
    code, stdout, stderr = run_cli(how, ["extract", str(doc), "--format", "json"])
    assert code == 0, stderr
    assert '"number": null' in stdout
    assert "InnoMatch" in stdout


@HOW
@pytest.mark.parametrize("target", ["a file", "an unwritable place"])
def test_unwritable_output_fails_before_extracting(tmp_path, target, how):
    if target == "a file":
        out = tmp_path / "taken"
        out.write_text("not a directory", encoding="utf-8")
    else:
        if not Path("/proc/self").is_dir():
            pytest.skip("needs Linux /proc, which nobody (not even root) can write")
        out = Path("/proc/stikg-build-out")
    before = tree(tmp_path)
    code, stdout, stderr = run_cli(how, ["build", str(SEED), "--out", str(out), "--no-cache"])
    assert_one_line_error(code, stderr, str(out), "--out")
    assert tree(tmp_path) == before
    assert not out.is_dir()


@HOW
@pytest.mark.parametrize("sparql", ["SELEC ?s WHERE { ?s ?p ?o }", "SELECT ?s WHERE { ?s ?p ", "SELECT ?s WHERE { ?s nope:x ?o }"],
                         ids=["typo", "unbalanced", "unknown-prefix"])
def test_malformed_sparql_is_one_line_error(minigraph, sparql, how):
    code, stdout, stderr = run_cli(how, ["query", sparql, "--graph", str(minigraph)])
    assert_one_line_error(code, stderr)
    assert stdout == ""


@HOW
def test_malformed_sparql_file_is_named(minigraph, tmp_path, how):
    rq = tmp_path / "broken.rq"
    rq.write_text("SELECT ?x WHERE {", encoding="utf-8")
    code, stdout, stderr = run_cli(how, ["query", "-f", str(rq), "--graph", str(minigraph)])
    assert_one_line_error(code, stderr)
    assert stdout == ""


@HOW
@pytest.mark.parametrize("args", [["connect", "不存在的机构", "InnoMatch"], ["connect", "InnoMatch", "不存在的机构"],
                                  ["show", "不存在的机构"]], ids=["connect-from", "connect-to", "show"])
def test_unknown_entity_is_named(minigraph, args, how):
    code, stdout, stderr = run_cli(how, [*args, "--graph", str(minigraph)])
    assert_one_line_error(code, stderr, "不存在的机构")
    assert stdout == ""


@HOW
def test_missing_graph_says_to_build_first(tmp_path, how):
    code, _, stderr = run_cli(how, ["show", "市科委", "--graph", str(tmp_path / "nowhere")])
    assert_one_line_error(code, stderr, "nowhere", "kg build")


@HOW
def test_zero_workers_is_rejected(tmp_path, how):
    code, _, stderr = run_cli(how, ["build", str(SEED), "--out", str(tmp_path / "out"), "--workers", "0"])
    assert code != 0
    assert "--workers" in stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_fifty_megabyte_document_is_read(tmp_path):
    """A 50 MB file is decoded, cleaned and its header parsed (extraction of it is timed in the benchmark)."""
    from kg.documents import read_document

    seed = SEED.read_text(encoding="utf-8")
    unit = seed.encode("utf-8")
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        for _ in range(50_000_000 // len(unit) + 1):
            fh.write(unit)
    assert big.stat().st_size >= 50_000_000
    started = time.perf_counter()
    doc = read_document(big)
    elapsed = time.perf_counter() - started
    assert len(doc.text) == len(seed) * (50_000_000 // len(unit) + 1)
    assert doc.meta.number is not None
    assert len(doc.offsets) == len(doc.clean)
    assert elapsed < 120
