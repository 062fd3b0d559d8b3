"""Shared fixtures: the spaCy pipeline, the hand-made mini graph, the graph built once from seeds/
and the extractions of the evaluation sets (eval/)."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from bisect import bisect_left
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MINIGRAPH = Path(__file__).parent / "data" / "minigraph"
EVAL = ROOT / "eval"
DEV_DOCS = EVAL / "dev" / "docs"
DATA = Path(__file__).parent / "data"
#: a reply written as plain text: the twin every other format's fixture is checked against
TWIN = DATA / "twin_reply.txt"
#: the twin as a saved government web page, with navigation, menus, scripts and a footer
PAGE = DATA / "gov_page.html"
RUNNING_HEADER = "上海市科学技术委员会文件"


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The stikg spaCy pipeline (jieba + lexicon + mention finder), built once."""
    from kg.nlp import get_nlp

    return get_nlp()


@pytest.fixture(scope="session")
def rules_nlp(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The pipeline without a trained model: the rules alone."""
    from kg.nlp import build_nlp, load_config

    empty = tmp_path_factory.mktemp("no-model")
    return build_nlp(load_config(overrides={"paths.model": str(empty)}))


def _quotes(doc: Any, start: int, end: int, text: str) -> bool:
    """``text`` is what a reader sees of ``doc.text[start:end]``: the clean characters drawn from it."""
    i, j = bisect_left(doc.offsets, start), bisect_left(doc.offsets, end)
    return (
        0 <= start < end <= len(doc.text)
        and i < j
        and (doc.offsets[i], doc.offsets[j - 1] + 1) == (start, end)
        and doc.clean[i:j] == text
    )


@pytest.fixture(scope="session")
def quotes() -> Callable[[Any, int, int, str], bool]:
    """``quotes(doc, start, end, text)``: evidence ``text`` is the readable text at its offsets.

    Offsets point into the original ``doc.text``; the text is the part of ``doc.clean``
    (markup removed, page breaks joined) whose characters come from that span.
    """
    return _quotes


@pytest.fixture(scope="session")
def minigraph() -> Path:
    """Directory of the hand-made mini graph (graph.json, stikg.nq, stikg.ttl)."""
    return MINIGRAPH


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The result of `kg build seeds/` (with SHACL validation), built once per test session."""
    from kg.pipeline import build

    out = tmp_path_factory.mktemp("g")
    return build([SEEDS], out)


@pytest.fixture(scope="session")
def seeds_graph(seeds_build: Any) -> Path:
    """The directory `kg build` wrote from seeds/."""
    return seeds_build.out_dir


def _predictions(extractions: Any) -> dict[str, dict[str, Any]]:
    from kg.evaluate import document_key

    records = [x.to_json() for x in extractions]
    return {document_key(record["doc"]): record for record in records}


@pytest.fixture(scope="session")
def seeds_predictions(seeds_build: Any) -> dict[str, dict[str, Any]]:
    """The SPEC extraction JSON of each seed document, by file name (as the scorer pairs them)."""
    return _predictions(seeds_build.extractions)


@pytest.fixture(scope="session")
def dev_predictions() -> dict[str, dict[str, Any]]:
    """The SPEC extraction JSON of each dev document (eval/dev/docs), extracted once per session."""
    from kg.pipeline import extract_file

    return _predictions(extract_file(path) for path in sorted(DEV_DOCS.glob("*.txt")))


# --------------------------------------------------------------------------- real-format fixtures

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--no-pdf-header-footer",
]


@pytest.fixture(scope="session")
def print_pdf() -> Callable[[Path, Path], Path]:
    """``print_pdf(html, pdf)``: print an HTML file to PDF with headless Chromium.

    Skips the test when Chromium is missing, except in CI (env ``CI`` set), where it fails.
    """
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        reason = f"{CHROMIUM} not found (run `make browser`)"
        if os.environ.get("CI"):
            pytest.fail(f"PDF fixtures cannot be made in CI: {reason}")
        pytest.skip(reason)

    def run(html: Path, pdf: Path) -> Path:
        subprocess.run([CHROMIUM, *CHROMIUM_ARGS, f"--print-to-pdf={pdf}", html.resolve().as_uri()],
                       check=True, capture_output=True, timeout=120)
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), f"Chromium printed no PDF for {html}"
        return pdf

    return run


def paragraphs(path: Path = TWIN) -> list[str]:
    return [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def twin_html(paras: list[str]) -> str:
    """The twin as a printable government document: A4, 16 pt 仿宋-like serif, indented
    paragraphs, a running header and page numbers ``— n —`` in the page margins."""
    body = "\n".join(
        f'<p class="{"plain" if len(p) < 30 or re.match(r"[一二三四五六七八九十]、", p) else "body"}">'
        f"{html.escape(p)}</p>" for p in paras)
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>沪科提复〔2023〕21号</title>
<style>
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm;
  @top-center {{ content: "{RUNNING_HEADER}"; font-family: 'Noto Serif CJK SC', serif; font-size: 10pt }}
  @bottom-center {{ content: "— " counter(page) " —"; font-size: 12pt }} }}
body {{ font-family: 'Noto Serif CJK SC', serif; font-size: 18pt; line-height: 1.7 }}
p {{ margin: 0; text-align: justify }}
p.body {{ text-indent: 2em }}
</style></head><body>{body}</body></html>"""


@pytest.fixture(scope="session")
def fixtures_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("formats")


@pytest.fixture(scope="session")
def twin_pdf(fixtures_dir: Path, print_pdf: Any) -> Path:
    page = fixtures_dir / "twin_reply.print.html"
    page.write_text(twin_html(paragraphs()), encoding="utf-8")
    return print_pdf(page, fixtures_dir / "twin_reply.pdf")


@pytest.fixture(scope="session")
def twin_docx(fixtures_dir: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = "关于市政协十四届一次会议第0345号提案的答复"
    for p in paragraphs():
        document.add_paragraph(p)
    path = fixtures_dir / "twin_reply.docx"
    document.save(str(path))
    return path


@pytest.fixture(scope="session")
def scanned_pdf(fixtures_dir: Path, print_pdf: Any) -> Path:
    """A page that is only an image of text, as a scanner makes it."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1240, 400), "white")
    draw = ImageDraw.Draw(image)
    try:
        font: Any = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 48)
    except OSError:  # no CJK font: the scan shows boxes, which is still a page without text
        font = ImageFont.load_default()
    draw.text((60, 60), "上海市科学技术委员会", fill="black", font=font)
    draw.text((60, 160), "沪科提复〔2023〕21号", fill="black", font=font)
    png = fixtures_dir / "scan.png"
    image.save(png)
    page = fixtures_dir / "scan.html"
    page.write_text(f'<html><body style="margin:0"><img src="{png.name}" style="width:100%"></body></html>',
                    encoding="utf-8")
    return print_pdf(page, fixtures_dir / "scan.pdf")


@pytest.fixture(scope="session")
def encrypted_pdf(fixtures_dir: Path, twin_pdf: Path) -> Path:
    import pymupdf

    path = fixtures_dir / "locked.pdf"
    with pymupdf.open(twin_pdf) as doc:
        doc.save(str(path), encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    return path
