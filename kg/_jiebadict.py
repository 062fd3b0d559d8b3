"""jieba's dictionary tables, loaded in a third of the time: one pickle in the user's cache.

Extraction needs two tables built from jieba's ``dict.txt``: the prefix dictionary jieba
segments with (``jieba.dt.FREQ``; jieba's own marshal cache takes about a second to load)
and the part-of-speech tag of each word (about 0.4 s to read from the text file). Both are
kept in one pickle under ``$XDG_CACHE_HOME/stikg`` (``~/.cache/stikg``), named by a hash of
the dictionary's bytes and jieba's version, so an edited dictionary or another jieba never
reads a stale table. It is written once, atomically; when it cannot be read or written the
tables are built from ``dict.txt`` as jieba builds them (``Tokenizer.gen_pfdict``).
:func:`import_jieba` imports jieba without the ``pkg_resources`` it does not need.

>>> freq_total_tags = load()           # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
import tempfile
from pathlib import Path
from types import ModuleType

__all__ = ["cache_dir", "import_jieba", "initialize", "word_tags"]

_FORMAT = b"stikg-jieba-tables-v2"

Tables = tuple[dict[str, int], int, dict[str, str]]

_TAGS: dict[str, str] | None = None


def import_jieba() -> ModuleType:
    """``import jieba`` without ``pkg_resources`` (0.3 s), which jieba imports only to open its own
    data files, and opens them directly when it is missing."""
    if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
        try:
            import jieba
        finally:
            del sys.modules["pkg_resources"]
    import jieba

    return jieba


def cache_dir() -> Path:
    """Where stikg keeps caches that belong to the user, not to a build (``$XDG_CACHE_HOME/stikg``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "stikg"


def _build(data: bytes) -> Tables:
    """The tables from the bytes of ``dict.txt``: jieba's prefix dictionary and total, and word → tag."""
    jieba = import_jieba()

    freq, total = jieba.Tokenizer.gen_pfdict(io.BytesIO(data))
    same = {w: w for w in freq}  # the tags' words are the prefix dictionary's strings: pickled once, loaded faster
    tags = {}
    for line in io.StringIO(data.decode("utf-8"), newline=None):  # as the text file reads, line by line
        parts = line.split()
        if len(parts) == 3:
            tags[same.get(parts[0], parts[0])] = sys.intern(parts[2])
    return freq, total, tags


def _load() -> Tables:
    jieba = import_jieba()

    source = Path(jieba.dt.dictionary or Path(jieba.__path__[0]) / jieba.DEFAULT_DICT_NAME)
    data = source.read_bytes()
    key = hashlib.sha256(_FORMAT + jieba.__version__.encode() + data).hexdigest()[:24]
    path = cache_dir() / f"jieba-{key}.pickle"
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
        with path.open("rb") as fh:
            tables = pickle.load(fh)
        if isinstance(tables, tuple) and len(tables) == 3:
            return tables
    tables = _build(data)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".jieba-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return tables


def initialize() -> None:
    """Initialise jieba's default tokenizer from the cached tables (nothing to do if it already is)."""
    global _TAGS
    jieba = import_jieba()

    with jieba.dt.lock:
        if jieba.dt.initialized and _TAGS is not None:
            return
        freq, total, tags = _load()
        if not jieba.dt.initialized:
            jieba.dt.FREQ, jieba.dt.total = freq, total
            jieba.dt.initialized = True
        _TAGS = tags


def word_tags() -> dict[str, str]:
    """jieba's part-of-speech dictionary (word → tag, the tags ``jieba.posseg`` reads), loaded once."""
    if _TAGS is None:
        initialize()
    assert _TAGS is not None
    return _TAGS
