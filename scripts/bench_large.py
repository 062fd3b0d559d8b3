"""`make bench-large`: the measurements too long for `make bench`'s 15 minutes.

Writes ``docs/BENCHMARKS-large.md`` (atomically) with

- **single documents** of 0.6, 1.2, 3 and 30 MB (synthetic replies from
  ``scripts/make_corpus.py`` joined into one file): ``kg build`` time per character, which must
  stay within 1.3× across the sizes (no step quadratic in one document's length);
- **the 1000× corpus** (21 M characters) beside the 10× corpus in the same run: time per
  character (within 1.2×) and peak RSS of the build process (under 1.5 GB);
- **``kg connect`` on 1,000,000 nodes** end to end (under 2 s), the index written directly by
  ``scripts/synthetic_index.py``.

Times are wall clock and CPU (user + system of the build and the processes it waits for);
on a shared machine CPU time per character is the steadier figure, so the ratios use it.

Usage::

    python scripts/bench_large.py [--only docs,builds,connect] [--out docs/BENCHMARKS-large.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
os.chdir(ROOT)

import make_corpus  # noqa: E402
import synthetic_index  # noqa: E402

__all__ = ["main"]

PY = sys.executable
STARTED = time.perf_counter()
SIZES_MB = (0.6, 1.2, 3.0, 30.0)


def log(message: str) -> None:
    sys.stderr.write(f"[{time.perf_counter() - STARTED:7.1f}s] {message}\n")
    sys.stderr.flush()


def run_measured(args: list[str]) -> dict[str, float]:
    """Wall seconds, CPU seconds (user + system, waited-for children included), peak RSS MB, exit code."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        log(f"exit {code}: {err.strip().splitlines()[-1:] if err.strip() else ''}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024, "code": code}


def single_document(out: Path, megabytes: float) -> int:
    """One document of at least ``megabytes`` MB (UTF-8) from the synthetic replies; returns its characters."""
    target = int(megabytes * 1_000_000)
    parts, size = [], 0
    for _, text in make_corpus.iter_documents(10**12, seed=7):
        parts.append(text)
        size += len(text.encode("utf-8")) + 1
        if size >= target:
            break
    out.mkdir(parents=True, exist_ok=True)
    text = "\n".join(parts)
    (out / "document.txt").write_text(text, encoding="utf-8")
    return len(text)


def bench_documents(work: Path) -> list[dict[str, Any]]:
    rows = []
    for mb in SIZES_MB:
        corpus = work / f"doc{mb}"
        chars = single_document(corpus, mb)
        m = run_measured([PY, "-m", "kg", "build", str(corpus), "--out", str(work / f"out{mb}"), "--no-cache",
                          "--no-validate", "--format", "json"])
        rows.append({"mb": mb, "chars": chars, **m})
        log(f"document {mb} MB ({chars} chars): {m}")
    return rows


def bench_builds(work: Path, workers: int) -> list[dict[str, Any]]:
    rows = []
    for scale in (10, 1000):
        corpus = work / f"corpus{scale}"
        paths = make_corpus.write_corpus(corpus, scale=scale)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
        m = run_measured([PY, "-m", "kg", "build", str(corpus), "--out", str(work / f"build{scale}"), "--no-cache",
                          "--no-validate", "--workers", str(workers), "--format", "json"])
        rows.append({"scale": scale, "docs": len(paths), "chars": chars, "workers": workers, **m})
        log(f"build {scale}x: {m}")
    return rows


def bench_connect(work: Path, n_nodes: int = 1_000_000, reuse: Path | None = None) -> dict[str, Any]:
    """``kg connect`` on the synthetic graph; ``reuse`` is a directory written before by
    ``scripts/synthetic_index.py DIR --nodes N`` (its ``pair.json`` names the two nodes)."""
    import json

    from kg._indexdb import DB_NAME

    if reuse is not None:
        pair = json.loads((reuse / "pair.json").read_text(encoding="utf-8"))
        out, n_nodes, written, x, y = reuse, pair["nodes"], float("nan"), pair["from"], pair["to"]
    else:
        out = work / "connect"
        out.mkdir()
        started = time.perf_counter()
        graph = synthetic_index.random_graph(n_nodes)
        synthetic_index.write_direct(graph, out / DB_NAME)
        written = time.perf_counter() - started
        x, y = graph.label(graph.start), graph.label(graph.target)
        del graph
    runs = [run_measured([PY, "-m", "kg", "connect", x, y, "--graph", str(out)]) for _ in range(5)]
    show = [run_measured([PY, "-m", "kg", "show", x, "--graph", str(out)]) for _ in range(5)]
    return {"nodes": n_nodes, "write_s": written, "size_mb": (out / DB_NAME).stat().st_size / 2**20,
            "wall": statistics.median(r["wall"] for r in runs), "cpu": statistics.median(r["cpu"] for r in runs),
            "show_wall": statistics.median(r["wall"] for r in show), "ok": all(r["code"] == 0 for r in runs)}


def render(env: dict[str, Any], docs: list[dict[str, Any]], builds: list[dict[str, Any]],
           conn: dict[str, Any] | None) -> str:
    lines = ["# Benchmarks: the large runs", "",
             f"Written by `make bench-large` (`scripts/bench_large.py`) on {env['date']}; "
             "`docs/BENCHMARKS.md` has the rest (`make bench`).", "",
             f"- machine: {env['machine']}, {env['cpus']} CPUs, Python {env['python']}",
             f"- load average when the run started: {env['load_start']}; when it ended: {env['load_end']} "
             "(other processes running at the same time slow every wall-clock figure; CPU time is steadier)",
             f"- whole run: {env['total_s']:.0f} s", ""]
    if docs:
        base = docs[0]["cpu"] / docs[0]["chars"]
        lines += ["## One large document", "",
                  "`kg build DIR --no-cache --no-validate` on a directory holding one document made of synthetic "
                  "replies joined together. CPU µs per character relative to the 0.6 MB document: 1.00 = linear; "
                  "target within 1.3× of each other.", "",
                  "| document | characters | wall s | CPU s | CPU µs/char | vs 0.6 MB | peak RSS MB |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for r in docs:
            per = r["cpu"] / r["chars"]
            lines.append(f"| {r['mb']:g} MB | {r['chars']:,} | {r['wall']:.1f} | {r['cpu']:.1f} | {1e6 * per:.1f} | "
                         f"{per / base:.2f} | {r['rss_mb']:.0f} |")
        pers = [r["cpu"] / r["chars"] for r in docs]
        spread = max(pers) / min(pers)
        lines += ["", f"Largest / smallest time per character: {spread:.2f} "
                  f"({'met' if spread <= 1.3 else 'not met'}: target ≤ 1.3).", ""]
    if builds:
        by = {r["scale"]: r for r in builds}
        lines += ["## 1000× corpus", "",
                  "`kg build DIR --no-cache --no-validate --workers N`; peak RSS is the build process "
                  "(each worker process holds its own pipeline besides).", "",
                  "| corpus | documents | characters | workers | wall s | CPU s | CPU µs/char | peak RSS MB |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for r in builds:
            lines.append(f"| {r['scale']}× | {r['docs']:,} | {r['chars']:,} | {r['workers']} | {r['wall']:.0f} | "
                         f"{r['cpu']:.0f} | {1e6 * r['cpu'] / r['chars']:.1f} | {r['rss_mb']:.0f} |")
        if 10 in by and 1000 in by:
            ratio = (by[1000]["cpu"] / by[1000]["chars"]) / (by[10]["cpu"] / by[10]["chars"])
            lines += ["", f"Time per character at 1000× / at 10×: {ratio:.2f} "
                      f"({'met' if ratio <= 1.2 else 'not met'}: target ≤ 1.2); peak RSS at 1000×: "
                      f"{by[1000]['rss_mb']:.0f} MB ({'met' if by[1000]['rss_mb'] < 1536 else 'not met'}: "
                      "target < 1.5 GB).", ""]
    if conn:
        lines += ["## `kg connect` on 1,000,000 nodes", "",
                  f"A random connected graph (2,000,000 typed edges, {conn['nodes'] // 50:,} documents, each entity "
                  f"named in one or two) written as `graph.sqlite` ({conn['size_mb']:.0f} MB; {conn['write_s']:.0f} s, nan = written "
                  "before the run) by "
                  "`scripts/synthetic_index.py`; two nodes four typed hops apart. Median of 5 runs of a fresh process.", "",
                  "| what | seconds | target |", "|---|---:|---|",
                  f"| `kg connect` end to end, wall | {conn['wall']:.2f} | < 2 s: {'met' if conn['wall'] < 2 else 'not met'} |",
                  f"| `kg connect` end to end, CPU | {conn['cpu']:.2f} | |",
                  f"| `kg show` end to end, wall | {conn['show_wall']:.2f} | |", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run the large stikg benchmarks and write docs/BENCHMARKS-large.md.")
    parser.add_argument("--out", default=str(ROOT / "docs" / "BENCHMARKS-large.md"))
    parser.add_argument("--only", default="docs,builds,connect", help="comma-separated: docs, builds, connect")
    parser.add_argument("--workers", type=int, default=2, help="extraction processes for the corpus builds")
    parser.add_argument("--connect-dir", type=Path, default=None,
                        help="reuse a graph written by `scripts/synthetic_index.py DIR --nodes 1000000`")
    args = parser.parse_args(argv)
    parts = set(args.only.split(","))
    env = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": platform.machine(), "cpus": os.cpu_count(),
           "python": platform.python_version(), "load_start": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    with tempfile.TemporaryDirectory(prefix="stikg-bench-large-") as tmp:
        work = Path(tmp)
        conn = bench_connect(work, reuse=args.connect_dir) if "connect" in parts else None
        docs = bench_documents(work) if "docs" in parts else []
        builds = bench_builds(work, args.workers) if "builds" in parts else []
    env["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    env["total_s"] = time.perf_counter() - STARTED
    text = render(env, docs, builds, conn)
    path = Path(args.out)
    fd, tmp_name = tempfile.mkstemp(prefix=".bench-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp_name, path)
    log(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
