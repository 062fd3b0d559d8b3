"""The build's streams: extractions spooled to disk, quads sorted on disk, RDF written as it is read.

Nothing here holds the whole graph in memory:

- :class:`Spool` keeps each document's :class:`~kg.model.Extraction` in one file as it
  completes (pickled one after another) and gives them back in order, as often as asked.
- :class:`QuadSorter` takes N-Quads lines in any order, sorts them in runs of bounded size
  on disk and merges the runs into one sorted, de-duplicated stream. Sorting the lines sorts
  the quads (a term is never a prefix of another term followed by something below a space).
- :func:`write_rdf` writes ``stikg.nq`` from that stream and ``stikg.ttl`` from the same
  stream without graph names and without the ontology, serialised by pyoxigraph, which
  writes Turtle as it reads triples; rdflib is not used.

Example
-------
>>> sorter = QuadSorter(tempfile.mkdtemp())                    # doctest: +SKIP
>>> sorter.add(['<s> <p> "o" <g> .\\n'])                      # doctest: +SKIP
>>> list(sorter.merged())                                      # doctest: +SKIP
"""

from __future__ import annotations

import heapq
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO

from kg.model import Extraction

__all__ = ["Spool", "QuadSorter", "write_rdf", "RUN_LINES"]

#: Lines sorted in memory before a run goes to disk: about 50 MB (a line of Chinese text takes
#: about 500 bytes as a Python string; 400,000 lines held 200 MB of the reduce step at 100×).
RUN_LINES = 100_000


class Spool:
    """Extractions written to one file as they come, read back in the same order."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.path = Path(directory) / "extractions.pickle"
        self._fh: IO[bytes] | None = open(self.path, "wb")  # noqa: SIM115 - closed by close()
        self.count = 0
        self._owned: tempfile.TemporaryDirectory[str] | None = None

    @classmethod
    def temporary(cls) -> Spool:
        """A spool in a new temporary directory (``TMPDIR``), removed when the spool is."""
        owned = tempfile.TemporaryDirectory(prefix="kg-spool-")
        spool = cls(owned.name)
        spool._owned = owned
        return spool

    def append(self, extraction: Extraction) -> None:
        assert self._fh is not None, "the spool is closed for writing"
        pickle.dump(extraction, self._fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __iter__(self) -> Iterator[Extraction]:
        self.close()
        with open(self.path, "rb") as fh:
            for _ in range(self.count):
                yield pickle.load(fh)

    def __len__(self) -> int:
        return self.count


class QuadSorter:
    """N-Quads lines sorted in bounded memory: runs of :data:`RUN_LINES` sorted lines on disk."""

    def __init__(self, directory: str | os.PathLike[str], run_lines: int = RUN_LINES) -> None:
        self.directory = Path(directory)
        self.run_lines = run_lines
        self._buffer: list[str] = []
        self._runs: list[Path] = []

    def add(self, lines: Iterable[str]) -> None:
        """Add N-Quads lines (each ending in a newline); a run is written whenever
        :attr:`run_lines` are held, also in the middle of ``lines``."""
        it = iter(lines)
        while True:
            chunk = list(islice(it, max(self.run_lines - len(self._buffer), 1)))
            if not chunk:
                return
            self._buffer.extend(chunk)
            if len(self._buffer) >= self.run_lines:
                self.flush()

    def flush(self) -> None:
        """Write the lines held in memory as one sorted run (and free them)."""
        if not self._buffer:
            return
        path = self.directory / f"run{len(self._runs):05d}.nq"
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            last = None
            for line in sorted(self._buffer):
                if line != last:
                    fh.write(line)
                    last = line
        self._runs.append(path)
        self._buffer = []

    def merged(self) -> Iterator[str]:
        """Every line added, sorted, each once."""
        self.flush()
        files = [open(p, encoding="utf-8", newline="\n") for p in self._runs]  # noqa: SIM115
        try:
            last = None
            for line in heapq.merge(*files):
                if line != last:
                    yield line
                    last = line
        finally:
            for fh in files:
                fh.close()


def _triple(line: str) -> str:
    """``s p o g .`` → ``s p o .`` (the graph name is the last term; IRIs hold no spaces)."""
    body = line[: line.rindex(" .")]
    return body[: body.rindex(" ")] + " .\n"


def write_rdf(lines: Iterable[str], nquads: Path, turtle: Path, *, skip_graph: str, prefixes: dict[str, str],
              scratch: Path) -> int:
    """Write sorted N-Quads ``lines`` to ``nquads`` and their triples, except those of the graph
    ``skip_graph`` (an N-Triples term), to ``turtle``; returns the number of quads written."""
    import pyoxigraph as ox

    triples = scratch / "triples.nt"
    n = 0
    suffix = f" {skip_graph} .\n"
    with open(nquads, "w", encoding="utf-8", newline="\n") as nq, \
         open(triples, "w", encoding="utf-8", newline="\n") as nt:
        last = None
        for line in lines:
            nq.write(line)
            n += 1
            if line.endswith(suffix):
                continue
            triple = _triple(line)
            if triple != last:  # one triple stated in several graphs: sorted quads put them together
                nt.write(triple)
                last = triple
    with open(triples, "rb") as fh, open(turtle, "wb") as out:
        ox.serialize(ox.parse(fh, format=ox.RdfFormat.N_TRIPLES), out, ox.RdfFormat.TURTLE,
                     prefixes=dict(sorted(prefixes.items())))
    triples.unlink()
    return n
