"""Content-hash cache of per-document extractions, so a rebuild re-extracts only what changed.

An entry is keyed by the sha256 of the document's bytes, its path (the document id and
evidence refer to it), the digest of the pipeline config and the data files it names
(``kg.nlp.pipeline_digest``) and :func:`code_version` (the extraction code, the lexicon and the
ontology, and the versions of spaCy and jieba). Entries are written atomically; an entry
that cannot be read (truncated, corrupt, from another version) counts as a miss and is
rewritten by the next build.

Example
-------
>>> cache = ExtractionCache(".kgcache")                       # doctest: +SKIP
>>> key = cache.key("seeds/000.txt", data)                    # doctest: +SKIP
>>> cache.get(key) or cache.put(key, extract_file("seeds/000.txt"))  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from kg.model import Extraction

__all__ = ["ExtractionCache", "code_version", "DEFAULT_CACHE_DIR"]

#: Where ``kg build`` keeps the cache unless told otherwise.
DEFAULT_CACHE_DIR = ".kgcache"

_FORMAT = b"stikg-extraction-cache-v1"
_ROOT = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of everything extraction depends on besides the document itself.

    Covers every ``kg/**/*.py`` file, every file under ``ontology/`` and the
    installed spaCy and jieba versions, so editing a rule or the lexicon
    invalidates every entry.
    """
    from importlib import metadata

    h = hashlib.sha256(_FORMAT)
    files = sorted(_ROOT.rglob("*.py")) + sorted(p for p in (_ROOT.parent / "ontology").rglob("*") if p.is_file())
    for path in files:
        h.update(str(path.relative_to(_ROOT.parent)).encode("utf-8") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    for dist in ("spacy", "jieba"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=none".encode())
    return h.hexdigest()


class ExtractionCache:
    """A directory of pickled :class:`~kg.model.Extraction` objects, one file per key."""

    def __init__(self, directory: str | os.PathLike[str], pipeline: str = "") -> None:
        self.directory = Path(directory)
        self.pipeline = pipeline  # kg.nlp.pipeline_digest of the config the build extracts with

    def key(self, path: str | os.PathLike[str], data: bytes, *, extra: str = "") -> str:
        """The cache key of the document at ``path`` whose bytes are ``data``.

        ``extra`` is whatever else the extraction depends on (the build passes the document
        id, its manifest row and the version of the reader and reader library for its format).
        """
        h = hashlib.sha256(code_version().encode("ascii") + b"\0" + self.pipeline.encode("ascii"))
        h.update(b"\0" + str(path).encode("utf-8", "surrogateescape") + b"\0")
        h.update(hashlib.sha256(data).digest())
        if extra:
            h.update(b"\0" + extra.encode("utf-8", "surrogateescape"))
        return h.hexdigest()

    def _file(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.pickle"

    def has(self, key: str) -> bool:
        """True when an entry for ``key`` exists (it may still turn out unreadable: :meth:`get`)."""
        return self._file(key).is_file()

    def get(self, key: str) -> Extraction | None:
        """The cached extraction for ``key``, or None when absent or unreadable."""
        try:
            with open(self._file(key), "rb") as fh:
                payload: Any = pickle.load(fh)
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a corrupt entry of any kind is a miss
            return None
        if (
            not isinstance(payload, tuple)
            or len(payload) != 3
            or payload[0] != _FORMAT
            or payload[1] != key
            or not isinstance(payload[2], Extraction)
        ):
            return None
        return payload[2]

    def put(self, key: str, extraction: Extraction) -> bool:
        """Store ``extraction`` under ``key`` atomically; False if the cache cannot be written."""
        target = self._file(key)
        tmp = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
            with os.fdopen(fd, "wb") as fh:
                pickle.dump((_FORMAT, key, extraction), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
            return True
        except OSError:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            return False
