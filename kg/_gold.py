"""Reading gold and prediction files (JSON lines) for :mod:`kg.evaluate`.

A gold file has the extraction JSON shape of SPEC.md with names instead of ids
(``eval/GUIDELINES.md``); each line is checked for the fields the scorer reads, so a
broken line is one clear :class:`kg.errors.InputError` naming the file and line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kg.errors import InputError

__all__ = ["document_key", "read_gold", "read_predictions"]

_GOLD_FORMAT = "see eval/GUIDELINES.md for the gold format"


def document_key(doc: Mapping[str, Any]) -> str:
    """The name a document is paired by: the file name of ``path``, else of ``id``.

    >>> document_key({"id": "x", "path": "eval/dev/docs/d01.txt"})
    'd01.txt'
    """
    raw = doc.get("path") or doc.get("id") or ""
    return Path(str(raw)).name


def _read_jsonl(path: str | os.PathLike[str], what: str) -> Iterable[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for every non-blank line of a JSON-lines file."""
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.readlines()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; give the {what} JSONL file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory; give the {what} JSONL file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: is not UTF-8 text; give the {what} JSONL file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}); check permissions") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: not valid JSON ({exc.msg}, column {exc.colno}); "
                             f"fix that line: one JSON object per line") from None
        if not isinstance(record, dict):
            raise InputError(f"{path}:{n}: a line must be a JSON object with doc, entities, "
                             f"relations and observations; fix that line")
        yield n, record


def _check_gold(record: dict[str, Any], where: str) -> None:
    """Raise :class:`InputError` unless ``record`` has every field the scorer reads."""
    doc = record.get("doc")
    if not isinstance(doc, dict) or not document_key(doc):
        raise InputError(f"{where}: no doc.path (or doc.id) to pair the document by; {_GOLD_FORMAT}")
    required = {
        "entities": (("label", str), ("type", str)),
        "relations": (("head", str), ("relation", str), ("tail", str)),
        "observations": (("subject", str), ("value", (int, float)), ("unit", str)),
    }
    for part, fields in required.items():
        items = record.get(part, [])
        if not isinstance(items, list):
            raise InputError(f"{where}: {part} must be a list; {_GOLD_FORMAT}")
        for i, item in enumerate(items, 1):
            for name, kind in fields:
                value = item.get(name) if isinstance(item, dict) else None
                if not isinstance(value, kind) or isinstance(value, bool):
                    raise InputError(f"{where}: {part} item {i} has no valid {name!r}; {_GOLD_FORMAT}")
            aliases = item.get("aliases", []) or []
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise InputError(f"{where}: {part} item {i}: aliases must be a list of names; {_GOLD_FORMAT}")


def read_gold(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """Gold documents by :func:`document_key`, in file order, each checked for the fields scored.

    Raises :class:`kg.errors.InputError` naming the file (and line) for a missing file, a
    line that is not JSON, a document without the fields the scorer reads, two lines for the
    same document, or a file without documents.
    """
    gold: dict[str, dict[str, Any]] = {}
    for n, record in _read_jsonl(path, "gold"):
        _check_gold(record, f"{path}:{n}")
        key = document_key(record["doc"])
        if key in gold:
            raise InputError(f"{path}:{n}: a second line for document {key}; give each document one line")
        gold[key] = record
    if not gold:
        raise InputError(f"{path}: contains no documents; {_GOLD_FORMAT}")
    return gold


def read_predictions(path: str | os.PathLike[str]) -> dict[str, dict[str, Any]]:
    """Predicted documents (``kg extract --format json`` output) by :func:`document_key`.

    A later line for the same document replaces an earlier one, as in the reference scorer.
    """
    return {document_key(record.get("doc") or {}): record for _, record in _read_jsonl(path, "prediction")}
