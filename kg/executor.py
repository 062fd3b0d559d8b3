"""Where documents are extracted: in this process, in local worker processes, or on a Dask cluster.

The map step of a build: :func:`extract_paths` yields each document's
:class:`~kg.model.Extraction` (or :class:`DocumentFailure`) in input order, whatever ran it,
so the reduce step (resolution, graph writing) and its output are the same for every executor.

``"processes"`` (the default) uses ``workers`` local processes (one means this process).
``"dask"`` sends the documents — their bytes, so workers need no shared file system — to the
scheduler of a Dask ``distributed`` cluster (``dask scheduler`` / ``dask worker``, see the
README); each worker builds the pipeline once from the build's own config. At most
:data:`WINDOW` documents per worker are in flight, so memory stays bounded on both sides.

Example
-------
>>> from kg.sources import collect
>>> for outcome in extract_paths(collect(["seeds"]).sources):  # doctest: +SKIP
...     print(outcome.doc.meta.number)
"""

from __future__ import annotations

import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.model import Extraction
from kg.sources import Source

__all__ = ["EXECUTORS", "WINDOW", "DocumentFailure", "extract_one", "extract_paths"]

#: The executors ``kg build --executor`` accepts.
EXECUTORS = ("processes", "dask")

#: Documents in flight per Dask worker.
WINDOW = 8


@dataclass(frozen=True)
class DocumentFailure:
    """A document that could not be read or extracted, and why."""

    path: str
    message: str


def extract_one(
    source: Source, nlp: Any = None, on_piece: Callable[[str, int, int], None] | None = None
) -> Extraction | DocumentFailure:
    """Read and extract one file; a failure is returned, not raised (it may cross a process boundary)."""
    from kg.pipeline import extract_document

    path = source.path

    def piece(done: int, total: int) -> None:
        if on_piece is not None:
            on_piece(path, done, total)

    try:
        return extract_document(source.read(), nlp=nlp, on_piece=piece)
    except InputError as exc:
        return DocumentFailure(path, str(exc))
    except Exception as exc:  # noqa: BLE001 - one broken document must not stop the build
        return DocumentFailure(path, f"{path}: extraction failed ({type(exc).__name__}: {exc}); please report this")


def extract_paths(
    paths: Sequence[Source],
    *,
    executor: str = "processes",
    workers: int = 1,
    scheduler: str | None = None,
    nlp: Any = None,
    config: Any = None,
    on_piece: Callable[[str, int, int], None] | None = None,
) -> Iterator[Extraction | DocumentFailure]:
    """Extract the files ``paths`` (:class:`kg.sources.Source`) in input order with ``executor``
    (see the module docstring).

    ``config`` is the pipeline config (:func:`kg.pipeline.read_config`); ``on_piece`` reports
    the pieces of long documents extracted in this process.
    """
    if executor not in EXECUTORS:
        raise InputError(f"--executor {executor}: unknown; choose from {', '.join(EXECUTORS)}")
    if executor == "dask":
        if not scheduler:
            raise InputError("--executor dask needs --scheduler tcp://HOST:8786 (the address `dask scheduler` prints)")
        yield from _dask(paths, scheduler, config)
        return
    if workers < 1:
        raise InputError(f"--workers {workers}: give a number of processes of at least 1")
    if workers == 1 or len(paths) < 2:
        from kg.nlp import get_nlp

        nlp = nlp or get_nlp(config)
        for path in paths:
            yield extract_one(path, nlp, on_piece)
        return
    yield from _processes(paths, workers, config)


# --- local processes -----------------------------------------------------------------------------

_worker_nlp: Any = None
_worker_config: str | None = None


def _init_worker(config_text: str) -> None:
    """Build the pipeline once per worker process, from the build's own config."""
    from thinc.api import Config

    from kg.nlp import get_nlp

    global _worker_nlp, _worker_config
    _worker_nlp = get_nlp(Config().from_str(config_text, interpolate=False))
    _worker_config = config_text


def _extract_in_worker(source: Source) -> Extraction | DocumentFailure:
    return extract_one(source, _worker_nlp)


def _processes(paths: Sequence[Source], workers: int, config: Any) -> Iterator[Extraction | DocumentFailure]:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    n = min(workers, len(paths))
    pool = ProcessPoolExecutor(max_workers=n, initializer=_init_worker, initargs=(config.to_str(),))
    try:
        yield from pool.map(_extract_in_worker, paths, chunksize=max(1, min(16, len(paths) // (n * 4))))
    except BrokenProcessPool:
        from kg.nlp import build_nlp

        build_nlp(config)  # raises the config's own error when that is what broke the workers
        raise InputError("the extraction worker processes stopped; try --workers 1") from None
    finally:  # a --strict failure or Ctrl-C stops the build without waiting for the queued documents
        pool.shutdown(wait=True, cancel_futures=True)


# --- Dask distributed ----------------------------------------------------------------------------


def _extract_bytes(source: Source, data: bytes, config_text: str) -> Extraction | DocumentFailure:
    """Run on a Dask worker: extract the document ``source`` whose bytes are ``data``.

    The bytes are written under the document's own file name in a scratch directory, so the
    document is read exactly as :func:`kg.documents.read_document` reads a file; the path in
    the result is the one the client gave.
    """
    if _worker_config != config_text:
        _init_worker(config_text)
    path = source.path
    with tempfile.TemporaryDirectory(prefix="kg-dask-") as scratch:
        local = os.path.join(scratch, os.path.basename(path) or "document")
        with open(local, "wb") as fh:
            fh.write(data)
        outcome = extract_one(replace(source, path=local), _worker_nlp)
    if isinstance(outcome, DocumentFailure):
        return DocumentFailure(path, outcome.message.replace(local, path))
    return replace(outcome, doc=replace(outcome.doc, path=path))


def _dask(paths: Sequence[Source], scheduler: str, config: Any) -> Iterator[Extraction | DocumentFailure]:
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--executor dask needs the `distributed` package: pip install distributed") from None
    from distributed.comm.addressing import get_address_host_port

    try:
        get_address_host_port(scheduler)  # a malformed address, before a Client exists to be cleaned up
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"--scheduler {scheduler}: cannot reach a Dask scheduler ({reason}); "
                         "start one with `dask scheduler` and pass the address it prints") from None
    try:
        window = WINDOW * max(1, len(client.scheduler_info().get("workers", {})))
        config_text = config.to_str()
        pending: deque[Any] = deque()
        todo = iter(paths)

        def submit() -> None:
            source = next(todo, None)
            if source is None:
                return
            try:
                data = Path(source.path).read_bytes()
            except OSError:
                pending.append(source)  # read here, so the failure is the same as without Dask
                return
            pending.append(client.submit(_extract_bytes, source, data, config_text, pure=False))

        for _ in range(window):
            submit()
        while pending:
            head = pending.popleft()
            submit()
            yield extract_one(head) if isinstance(head, Source) else head.result()
    finally:
        client.close()
