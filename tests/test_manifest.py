"""The sources manifest, and `kg build` on a folder of what a user downloads.

A folder mixing a GBK and a UTF-8 ``.txt``, a saved web page, a PDF and a Word file, with a
manifest, builds one graph: every source document has its format and content hash, the
manifest's URL where it gives one, and `kg show` prints that URL with the evidence. Bad
files (a scan, an encrypted PDF, a broken Word file, a page with no main text) are one line
each, fail the build under --strict and leave nothing half-written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.documents import read_document
from kg.errors import InputError
from kg.manifest import apply_entry, read_manifest

DATA = Path(__file__).parent / "data"
TWIN = DATA / "twin_reply.txt"
PAGE = DATA / "gov_page.html"
PAGE_URL = "https://stcsm.sh.gov.cn/zwgk/jyta/20231209/0345.html"
PDF_URL = "https://stcsm.sh.gov.cn/cmsres/0345.pdf"


def tree(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


# --------------------------------------------------------------------------- reading a manifest


def test_csv_manifest_in_gbk_with_a_文号_column(tmp_path):
    (tmp_path / "m.csv").write_bytes(
        "path,url,title,date,issuer,文号\n"
        "a.pdf,https://x.gov.cn/a.pdf,关于某事的通知,2023年12月9日,某市科学技术局,某科〔2023〕5号\n".encode("gbk"))
    (entry,) = read_manifest(tmp_path / "m.csv").entries
    assert (entry.path, entry.url, entry.title, entry.date, entry.issuer, entry.number) == (
        (tmp_path / "a.pdf").resolve(), "https://x.gov.cn/a.pdf", "关于某事的通知", "2023-12-09",
        "某市科学技术局", "某科〔2023〕5号")


def test_jsonl_manifest(tmp_path):
    (tmp_path / "m.jsonl").write_text(
        '{"path": "sub/b.docx", "url": "https://x.gov.cn/b.docx", "date": "2022-06-06"}\n\n', encoding="utf-8")
    (entry,) = read_manifest(tmp_path / "m.jsonl").entries
    assert (entry.path, entry.date, entry.line) == ((tmp_path / "sub" / "b.docx").resolve(), "2022-06-06", 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("path,date\na.txt,12/09/2023\n", r"m.csv line 2: date '12/09/2023' is not a date; write it as 2023-12-09"),
        ("path,link2\na.txt,x\n", r"m.csv line 2: unknown column 'link2'; the columns are path, url"),
        ("path,url\na.txt,www.example.com\n", r"m.csv line 2: url 'www.example.com' is not a web address"),
        ("url\nhttps://a.gov.cn/\n", r"m.csv line 2: no path"),
        ("path\na.txt\na.txt\n", r"m.csv line 3: a.txt is already described on line 2"),
    ],
    ids=["date", "column", "url", "path", "twice"],
)
def test_a_bad_manifest_names_its_line(tmp_path, content, message):
    (tmp_path / "m.csv").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_manifest(tmp_path / "m.csv")


def test_manifest_overrides_the_header_and_says_where_they_differ(tmp_path):
    shutil.copy(TWIN, tmp_path / "reply.txt")
    (tmp_path / "m.csv").write_text(
        f"path,url,date,文号,issuer\nreply.txt,{PDF_URL},2023-12-10,沪科提复〔2023〕21号,上海市科学技术委员会\n",
        encoding="utf-8")
    doc = read_document(tmp_path / "reply.txt")
    apply_entry(doc, read_manifest(tmp_path / "m.csv").entries[0])
    assert (doc.meta.url, doc.meta.date, doc.meta.year) == (PDF_URL, "2023-12-10", 2023)
    assert doc.notes == [f"{tmp_path / 'reply.txt'}: the manifest's date '2023-12-10' differs from the "
                         "document's '2023-12-09'; the manifest's is used"]


# --------------------------------------------------------------------------- kg build on a real folder


@pytest.fixture(scope="module")
def downloads(tmp_path_factory, twin_pdf, twin_docx) -> Path:
    """What a user downloaded: two texts (GBK and UTF-8), a page, a PDF, a Word file, a manifest."""
    folder = tmp_path_factory.mktemp("downloads")
    text = TWIN.read_text(encoding="utf-8")
    (folder / "reply-gbk.txt").write_bytes(text.replace("沪科提复〔2023〕21号", "沪科提复〔2023〕22号").encode("gbk"))
    (folder / "reply-utf8.txt").write_text(text.replace("沪科提复〔2023〕21号", "沪科提复〔2023〕23号"),
                                           encoding="utf-8")
    shutil.copy(PAGE, folder / "0345.html")
    shutil.copy(twin_pdf, folder / "0345.pdf")
    shutil.copy(twin_docx, folder / "0345.docx")
    (folder / "README.md").write_text("下载于 2023 年 12 月\n", encoding="utf-8")
    (folder / "sources.csv").write_text(
        "path,url,title,date,issuer,文号\n"
        f"0345.html,{PAGE_URL},,2023-12-09,,\n"
        f"0345.pdf,{PDF_URL},,,,沪科提复〔2023〕12号\n"
        "missing.pdf,https://stcsm.sh.gov.cn/missing.pdf,,,,\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(downloads, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("built") / "out"
    result = CliRunner().invoke(cli, ["build", str(downloads), "--manifest", str(downloads / "sources.csv"),
                                      "--out", str(out), "--no-cache", "--format", "json"])
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


@pytest.mark.browser
@pytest.mark.slow
def test_a_mixed_folder_builds_one_graph(built):
    out, summary = built
    assert (summary["documents"], summary["failed"], summary["violations"]) == (5, 0, 0)
    assert sorted((Path(i["path"]).name, i["reason"]) for i in summary["ignored"]) == [
        ("README.md", "a README, not a document"), ("sources.csv", "the manifest")]
    documents = json.loads((out / "graph.json").read_text(encoding="utf-8"))["documents"]
    assert {d: documents[d]["format"] for d in documents} == {
        "0345.docx": "docx", "0345.html": "html", "0345.pdf": "pdf", "reply-gbk": "text", "reply-utf8": "text"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", d["sha256"]) for d in documents.values())
    assert (documents["0345.html"]["url"], documents["0345.pdf"]["url"]) == (PAGE_URL, PDF_URL)


@pytest.mark.browser
@pytest.mark.slow
def test_conflicts_and_unmatched_rows_are_reported(built, downloads):
    _, summary = built
    assert summary["notes"] == [
        f"{downloads / '0345.pdf'}: the manifest's 文号 '沪科提复〔2023〕12号' differs from the document's "
        "'沪科提复〔2023〕21号'; the manifest's is used",
        f"{downloads / 'sources.csv'} line 4: {(downloads / 'missing.pdf').resolve()} is not among the documents "
        "built; check its path",
    ]


@pytest.mark.browser
@pytest.mark.slow
def test_every_source_document_has_its_url_format_and_hash_in_rdf(built):
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, RDF

    out, _ = built
    g = Graph().parse(out / "stikg.ttl", format="turtle")
    stikg = "https://w3id.org/stikg/ontology#"
    docs = set(g.subjects(RDF.type, URIRef(stikg + "SourceDocument")))
    assert len(docs) == 5
    for doc in docs:
        assert len(list(g.objects(doc, DCTERMS.format))) == 1
        assert len(list(g.objects(doc, URIRef(stikg + "sha256")))) == 1
    sources = {str(g.value(d, URIRef(stikg + "fileName"))): g.value(d, DCTERMS.source) for d in docs}
    assert sources["0345.html"] == URIRef(PAGE_URL) and sources["0345.pdf"] == URIRef(PDF_URL)
    assert sources["reply-gbk.txt"] == Literal("reply-gbk.txt")
    formats = {str(g.value(d, URIRef(stikg + "fileName"))): str(g.value(d, DCTERMS.format)) for d in docs}
    assert formats["0345.pdf"] == "application/pdf" and formats["0345.html"] == "text/html"


@pytest.mark.browser
@pytest.mark.slow
def test_evidence_offsets_point_into_the_kept_texts(built):
    out, _ = built
    index = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    texts = {d: (out / meta["text"]).read_text(encoding="utf-8") for d, meta in index["documents"].items()}
    evidence = [ev for e in index["edges"] for ev in e["evidence"]]
    evidence += [o["evidence"] for n in index["nodes"] for o in n["observations"]]
    assert {ev["doc"] for ev in evidence} == set(texts)
    for ev in evidence:
        quoted = texts[ev["doc"]][ev["start"]:ev["end"]]
        assert re.sub(r"\s", "", quoted) == re.sub(r"\s", "", ev["text"])


@pytest.mark.browser
@pytest.mark.slow
def test_kg_show_prints_the_url_with_each_piece_of_evidence(built):
    out, _ = built
    result = CliRunner().invoke(cli, ["show", "高企贷", "--graph", str(out)])
    assert result.exit_code == 0, result.output
    evidence = [line for line in result.stdout.splitlines() if line.strip().startswith("“")]
    assert evidence
    assert any(line.endswith(f"沪科提复〔2023〕21号, 2023-12-09 {PAGE_URL}") for line in evidence)
    assert any(line.endswith(f"沪科提复〔2023〕12号, 2023-12-09 {PDF_URL}") for line in evidence)
    card = json.loads(CliRunner().invoke(cli, ["show", "高企贷", "--graph", str(out), "--format", "json"]).stdout)
    urls = {ev["doc"]: ev["url"] for edge in card["outgoing"] for ev in edge["evidence"]}
    assert (urls["0345.html"], urls["0345.pdf"], urls["0345.docx"]) == (PAGE_URL, PDF_URL, None)


@pytest.mark.browser
@pytest.mark.slow
def test_the_build_is_deterministic(built, downloads, tmp_path):
    out, _ = built
    again = tmp_path / "again"
    result = CliRunner().invoke(cli, ["build", str(downloads), "--manifest", str(downloads / "sources.csv"),
                                      "--out", str(again), "--cache", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    assert tree(again) == tree(out)
    for name in tree(out):
        if (out / name).is_file():
            assert (again / name).read_bytes() == (out / name).read_bytes(), name


# --------------------------------------------------------------------------- bad files in a build


def _bad(case: str, request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if case == "scanned PDF":
        return request.getfixturevalue("scanned_pdf")
    if case == "encrypted PDF":
        return request.getfixturevalue("encrypted_pdf")
    if case == "corrupt DOCX":
        path = tmp_path / "broken.docx"
        path.write_bytes(request.getfixturevalue("twin_docx").read_bytes()[:3000])
        return path
    path = tmp_path / "menu.html"
    path.write_text("<html><body><ul class='nav'><li><a href='/'>首页</a></li></ul>"
                    "<script>var a = '正文';</script></body></html>", encoding="utf-8")
    return path


BAD = [pytest.param("scanned PDF", marks=pytest.mark.browser), pytest.param("encrypted PDF", marks=pytest.mark.browser),
       "corrupt DOCX", "page without main text"]
WHAT = {"scanned PDF": "no text layer (it is a scan); run OCR", "encrypted PDF": "the PDF is encrypted",
        "corrupt DOCX": "not a readable Word file", "page without main text": "no main text found"}


def run_build(how: str, args: list[str]) -> tuple[int, str]:
    """(exit code, stderr) of ``kg build ARGS`` through CliRunner or as a real ``python -m kg``."""
    if how == "runner":
        result = CliRunner().invoke(cli, ["build", *args])
        return result.exit_code, result.stderr
    proc = subprocess.run([sys.executable, "-m", "kg", "build", *args], capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=300)
    return proc.returncode, proc.stderr


@pytest.mark.parametrize("how", ["runner", pytest.param("process", marks=pytest.mark.slow)])
@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_fails_a_strict_build_with_one_line_and_no_output(case, how, request, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(TWIN, folder / "a.txt")
    bad = shutil.copy(_bad(case, request, tmp_path), folder)
    out = tmp_path / "out"
    before = tree(tmp_path)
    code, stderr = run_build(how, [str(folder), "--out", str(out), "--strict", "--no-cache"])
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("Error: ") and Path(bad).name in lines[0]
    assert WHAT[case] in lines[0]
    assert tree(tmp_path) == before


@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_is_reported_and_skipped_without_strict(case, request, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(TWIN, folder / "a.txt")
    bad = shutil.copy(_bad(case, request, tmp_path), folder)
    result = CliRunner().invoke(cli, ["build", str(folder), "--out", str(tmp_path / "out"), "--no-cache",
                                      "--no-validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == 1
    assert [(Path(f["path"]).name, WHAT[case] in f["message"]) for f in summary["failures"]] == [(Path(bad).name, True)]


@pytest.mark.browser
@pytest.mark.slow
def test_the_text_report_lists_ignored_files_and_notes(downloads, tmp_path):
    result = CliRunner().invoke(cli, ["build", str(downloads), "--manifest", str(downloads / "sources.csv"),
                                      "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert f"ignored {downloads / 'README.md'}: a README, not a document" in lines
    assert f"ignored {downloads / 'sources.csv'}: the manifest" in lines
    notes = [line for line in lines if line.startswith("note: ")]
    assert len(notes) == 2 and "文号" in notes[0] and "missing.pdf" in notes[1]
    assert result.stdout.rstrip().endswith(f"{tmp_path / 'out' / 'texts'}/")
