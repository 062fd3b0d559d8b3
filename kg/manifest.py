"""The sources manifest: where each document came from, as the person who downloaded it knows.

``kg build DIR --manifest sources.csv`` (or ``.jsonl``) gives, per document, any of ``url``,
``title``, ``date``, ``issuer`` and ``number`` (文号; the column may be called ``文号``). A row's
``path`` is relative to the manifest's folder (or absolute). What a row gives is used over
what the document's header says, and every difference is reported — never silently
resolved — in the build summary. Rows must name documents of the build: a row whose file is
not built is reported too.

CSV (UTF-8, UTF-8 with BOM or GBK as Excel writes it)::

    path,url,title,date,issuer,文号
    notice.html,https://kjj.example.gov.cn/tzgg/2023/1209.html,关于科技创新券兑付情况的通知,2023-12-09,某市科学技术局,
    reply.pdf,https://stcsm.sh.gov.cn/zwgk/reply.pdf,,2022-06-06,上海市科学技术委员会,沪科提复〔2022〕8号

JSONL: one object per line with the same keys.

Example
-------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "m.csv").write_text("path,url,date\\na.txt,https://x.gov.cn/a.html,2023/12/9\\n", encoding="utf-8")
>>> [(e.path.name, e.url, e.date) for e in read_manifest(folder / "m.csv").entries]
[('a.txt', 'https://x.gov.cn/a.html', '2023-12-09')]
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import Document

__all__ = ["ManifestEntry", "Manifest", "read_manifest", "apply_entry", "COLUMNS"]

#: The columns a manifest may have (``文号`` is accepted for ``number``).
COLUMNS = ("path", "url", "title", "date", "issuer", "number")
_ALIASES = {"文号": "number", "发文字号": "number", "issued_by": "issuer", "link": "url"}
_DATE = re.compile(r"\s*((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*")
#: manifest field → (DocumentMeta attribute, how the field is named in a report)
_FIELDS = {"number": ("number", "文号"), "title": ("title", "title"), "date": ("date", "date"),
           "issuer": ("agency", "issuer")}


@dataclass(frozen=True)
class ManifestEntry:
    """One row: the document's path (resolved) and what the row says about it."""

    path: Path
    line: int
    url: str | None = None
    title: str | None = None
    date: str | None = None
    issuer: str | None = None
    number: str | None = None

    def key(self) -> str:
        """A stable text of what the row gives (part of the document's cache key)."""
        data = asdict(self)
        del data["path"], data["line"]
        return json.dumps(data, ensure_ascii=False, sort_keys=True)


@dataclass
class Manifest:
    """The rows of a manifest file, by resolved document path."""

    path: Path
    entries: list[ManifestEntry] = field(default_factory=list)
    _by_path: dict[Path, ManifestEntry] = field(default_factory=dict, repr=False)

    def entry(self, doc_path: str | os.PathLike[str]) -> ManifestEntry | None:
        """The row for the document at ``doc_path``, if there is one."""
        if len(self._by_path) != len(self.entries):
            self._by_path = {e.path: e for e in self.entries}
        return self._by_path.get(Path(doc_path).resolve())

    def unmatched(self, doc_paths: list[Path]) -> list[str]:
        """A note for each row whose file is not among ``doc_paths``."""
        built = {p.resolve() for p in doc_paths}
        return [f"{self.path} line {e.line}: {e.path} is not among the documents built; check its path"
                for e in self.entries if e.path not in built]


def read_manifest(path: str | os.PathLike[str]) -> Manifest:
    """Read a ``.csv`` or ``.jsonl`` manifest; a bad one raises :class:`InputError` naming the line."""
    from kg.readers.text import decode

    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"--manifest {path}: cannot be read ({exc.strerror or exc}); check the path") from None
    text = decode(data, name=f"--manifest {path}")
    rows: list[tuple[int, dict[str, Any]]]
    if p.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        rows = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path} line {n}: not JSON ({exc.msg}); write one object per line") from None
            if not isinstance(row, dict):
                raise InputError(f"{path} line {n}: not a JSON object; write one object per line")
            rows.append((n, row))
    elif p.suffix.lower() in (".csv", ".tsv"):
        reader = csv.DictReader(io.StringIO(text), delimiter="\t" if p.suffix.lower() == ".tsv" else ",")
        rows = [(n, row) for n, row in enumerate(reader, 2)]
        if reader.fieldnames is None:
            raise InputError(f"{path}: the manifest is empty; give a header line ({','.join(COLUMNS)}) and rows")
    else:
        raise InputError(f"--manifest {path}: give a .csv or .jsonl file (columns {', '.join(COLUMNS)})")
    manifest = Manifest(p)
    seen: dict[Path, int] = {}
    for n, row in rows:
        entry = _entry(p, n, row)
        if entry.path in seen:
            raise InputError(f"{path} line {n}: {entry.path.name} is already described on line {seen[entry.path]}; "
                             "keep one row per document")
        seen[entry.path] = n
        manifest.entries.append(entry)
    return manifest


def _entry(manifest: Path, n: int, row: dict[str, Any]) -> ManifestEntry:
    values: dict[str, str | None] = {}
    for raw_key, raw in row.items():
        if raw_key is None:
            raise InputError(f"{manifest} line {n}: more cells than columns; quote cells that hold a comma")
        key = _ALIASES.get(raw_key.strip(), raw_key.strip().lower())
        if key not in COLUMNS:
            raise InputError(f"{manifest} line {n}: unknown column {raw_key!r}; the columns are {', '.join(COLUMNS)}")
        value = None if raw is None else str(raw).strip()
        values[key] = value or None
    if not values.get("path"):
        raise InputError(f"{manifest} line {n}: no path; give the document's path relative to the manifest")
    url = values.get("url")
    if url and not re.match(r"https?://\S+$", url):
        raise InputError(f"{manifest} line {n}: url {url!r} is not a web address; give it as https://…")
    date = values.get("date")
    if date:
        m = _DATE.fullmatch(date)
        year, month, day = (int(g) for g in m.groups()) if m else (0, 0, 0)
        if not m or not (1 <= month <= 12 and 1 <= day <= 31):
            raise InputError(f"{manifest} line {n}: date {date!r} is not a date; write it as 2023-12-09")
        date = f"{year:04d}-{month:02d}-{day:02d}"
    doc = Path(str(values["path"]))
    doc = (doc if doc.is_absolute() else manifest.parent / doc).resolve()
    return ManifestEntry(doc, n, url=url, title=values.get("title"), date=date,
                         issuer=values.get("issuer"), number=values.get("number"))


def apply_entry(doc: Document, entry: ManifestEntry) -> None:
    """Put what ``entry`` gives into ``doc.meta``; each difference from the header becomes a note.

    The manifest's value is used; the note says what the document said, so nothing is
    resolved silently.
    """
    meta = doc.meta
    for name, (attr, label) in _FIELDS.items():
        value = getattr(entry, name)
        if not value:
            continue
        found = getattr(meta, attr)
        if found and re.sub(r"\s+", "", found) != re.sub(r"\s+", "", value):
            doc.notes.append(f"{doc.path}: the manifest's {label} {value!r} differs from the document's "
                             f"{found!r}; the manifest's is used")
        setattr(meta, attr, value)
    if entry.date:
        meta.year = int(entry.date[:4])
    if entry.url:
        meta.url = entry.url
