"""What a build reads: the files under its paths, their document ids and their manifest rows.

:func:`collect` expands the paths (:func:`kg.documents.iter_sources`), reads the manifest
(:mod:`kg.manifest`), gives each file its document id and its row, and lists what it leaves
out and why; a :class:`Source` is one file to read, small enough to send to a worker process.

Example
-------
>>> found = collect(["seeds"])                       # doctest: +SKIP
>>> [s.doc_id for s in found.sources][:1], found.ignored  # doctest: +SKIP
(['000_fa9796796592fc92'], [('seeds/README.md', 'a README, not a document')])
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.manifest import ManifestEntry
from kg.model import Document

__all__ = ["Source", "Sources", "collect", "document_ids"]


@dataclass(frozen=True)
class Source:
    """One file to read: its path, the document id it gets, and its manifest row (if any)."""

    path: str
    doc_id: str
    entry: ManifestEntry | None = None

    def read(self) -> Document:
        """The document, with what its manifest row gives put over its header."""
        from kg.documents import read_document

        doc = read_document(self.path, id=self.doc_id)
        if self.entry is not None:
            from kg.manifest import apply_entry

            apply_entry(doc, self.entry)
        return doc

    def cache_extra(self, data: bytes) -> str:
        """What besides path and bytes the extraction depends on: id, manifest row, reader version."""
        from kg.errors import DocumentError
        from kg.readers import reader_version, sniff

        try:
            reader = reader_version(sniff(data, self.path))
        except DocumentError:
            reader = "unreadable"
        return "\0".join((self.doc_id, self.entry.key() if self.entry else "", reader))


@dataclass
class Sources:
    """The files a build reads, the files it leaves out (path, reason), and manifest rows for no file."""

    sources: list[Source]
    ignored: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def collect(paths: Sequence[str | os.PathLike[str]], *, manifest: str | os.PathLike[str] | None = None) -> Sources:
    """The sources under ``paths``; ``manifest`` (a .csv or .jsonl file) gives their rows.

    Raises :class:`~kg.errors.InputError` for a missing path, a folder without files or a bad
    manifest (naming its line).
    """
    from kg.documents import iter_sources

    man = None
    if manifest is not None:
        from kg.manifest import read_manifest

        man = read_manifest(manifest)
    files, ignored = iter_sources([Path(p) for p in paths], exclude=[man.path] if man else [])
    ids = document_ids(files)
    return Sources(
        sources=[Source(str(f), ids[i], man.entry(f) if man else None) for i, f in enumerate(files)],
        ignored=[(str(p), why) for p, why in ignored],
        unmatched=man.unmatched(files) if man else [],
    )


def document_ids(files: Sequence[Path]) -> list[str]:
    """Document ids: the file stem, or the file name when two files share a stem (a.txt, a.pdf),
    numbered when two share a name in different folders.

    >>> document_ids([Path("a.txt"), Path("a.pdf"), Path("b.txt"), Path("x/b.txt")])
    ['a.txt', 'a.pdf', 'b.txt', 'b.txt-2']
    """
    stems = Counter(f.stem for f in files)
    names = [f.stem if stems[f.stem] == 1 else f.name for f in files]
    seen: Counter[str] = Counter()
    ids = []
    for name in names:
        seen[name] += 1
        ids.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return ids
