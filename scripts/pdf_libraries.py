"""Which PDF library reads Chinese PDFs best: the measurement behind kg/readers/pdf.py.

Each document is laid out as a government document (A4, 16 pt serif, indented paragraphs, a
running header and page numbers in the margins), printed to PDF by headless Chromium, and its
text layer read back by every library installed (PyMuPDF, pypdf, pdfplumber). Recall and
precision are the characters recovered in order (difflib matching blocks, whitespace, the
running header and page numbers left out) against the source text; time is the sum over the
documents after one warm-up read.

Usage::

    pip install pypdf pdfplumber      # the others: stikg itself needs only PyMuPDF
    python scripts/pdf_libraries.py [DOC.txt ...]   # default: eval/dev/docs/d01, d07, seeds/003
"""

from __future__ import annotations

import difflib
import html
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT / "eval/dev/docs/d01.txt", ROOT / "eval/dev/docs/d07.txt", *sorted((ROOT / "seeds").glob("003_*.txt"))]
HEADER = "上海市科学技术委员会文件"
CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--no-pdf-header-footer"]


def print_pdf(source: Path, pdf: Path) -> None:
    paras = [p.strip() for p in source.read_text(encoding="utf-8").split("\n") if p.strip()]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
    page = pdf.with_suffix(".html")
    page.write_text(f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 30mm 26mm 28mm 28mm; @top-center {{ content: "{HEADER}"; font-size: 10pt }}
  @bottom-center {{ content: "— " counter(page) " —" }} }}
body {{ font-family: 'Noto Serif CJK SC', serif; font-size: 16pt; line-height: 1.6 }}
p {{ text-indent: 2em; margin: 0; text-align: justify }}</style></head><body>{body}</body></html>""",
                    encoding="utf-8")
    subprocess.run([*CHROMIUM, f"--print-to-pdf={pdf}", page.as_uri()], check=True, capture_output=True)


def pymupdf_text(path: Path) -> str:
    import pymupdf

    with pymupdf.open(path) as doc:
        return "\n".join(doc[i].get_text() for i in range(doc.page_count))


def pypdf_text(path: Path) -> str:
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def pdfplumber_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


LIBRARIES: dict[str, Callable[[Path], str]] = {"pymupdf": pymupdf_text, "pypdf": pypdf_text,
                                                "pdfplumber": pdfplumber_text}


def squeeze(text: str) -> str:
    return re.sub(r"—\d+—", "", re.sub(r"\s+", "", text).replace(HEADER, ""))


def main(sources: list[Path]) -> None:
    import logging

    logging.disable(logging.WARNING)  # pdfminer warns once per glyph about font boxes
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = []
        for source in sources:
            pdf = Path(tmp) / f"{source.stem}.pdf"
            print_pdf(source, pdf)
            pdfs.append((source, pdf))
        print(f"| library | seconds | {' | '.join(s.stem[:12] + ' recall / precision' for s in sources)} |")
        print("|---|---:|" + "---:|" * len(sources))
        for name, read in LIBRARIES.items():
            try:
                read(pdfs[0][1])  # warm-up: imports
            except ImportError:
                print(f"| {name} | not installed |")
                continue
            cells, seconds = [], 0.0
            for source, pdf in pdfs:
                ref = re.sub(r"\s+", "", source.read_text(encoding="utf-8"))
                start = time.perf_counter()
                got = squeeze(read(pdf))
                seconds += time.perf_counter() - start
                matched = sum(b.size for b in difflib.SequenceMatcher(None, ref, got, autojunk=False).get_matching_blocks())
                cells.append(f"{matched / len(ref):.3f} / {matched / max(1, len(got)):.3f}")
            print(f"| {name} | {seconds:.2f} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main([Path(a) for a in sys.argv[1:]] or DEFAULT)
