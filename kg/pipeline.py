"""The one place that chains the stages: documents → mentions → entities → relations/observations → graph.

Library API (the CLI and the notebooks call these):

>>> from kg.pipeline import extract_file, build          # doctest: +SKIP
>>> extract_file("seeds/004_1856f325c288e0b0.txt").to_json()["doc"]["number"]  # doctest: +SKIP
'沪科建复〔2024〕43号'
>>> build(["seeds"], "build").summary()                  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kg.errors import InputError, OutputError
from kg.model import Corpus, Document, Entity, Extraction, Observation, Relation

__all__ = [
    "extract_document",
    "extract_file",
    "extract_text",
    "read_config",
    "build_corpus",
    "build",
    "BuildResult",
    "DocumentFailure",
    "OUTPUT_FILES",
]

#: What ``build`` writes into its output directory.
OUTPUT_FILES = ("stikg.ttl", "stikg.nq", "graph.json", "graph.sqlite", "extraction.jsonl")


#: Documents longer than this (characters of clean text) are analysed in pieces of about this
#: size, cut at line breaks, so memory and the per-piece work stay bounded on huge files.
CHUNK_CHARS = 100_000


def extract_document(
    doc: Document, *, nlp: Any = None, chunk_chars: int = CHUNK_CHARS, on_piece: Callable[[int, int], None] | None = None
) -> Extraction:
    """Entities, relations and observations of one document: ``nlp(text)``, then the model.

    The pipeline reads :func:`~kg.documents.analysis_text` (simplified script, full-width
    punctuation, one character for one), so its offsets are offsets into ``doc.clean``;
    labels and evidence come from the text as written. A document longer than
    ``chunk_chars`` is analysed in pieces cut at paragraph breaks; ``on_piece(done, total)``
    is called after each piece with the characters analysed so far (for a progress bar).
    """
    from kg.documents import analysis_text
    from kg.nlp import get_nlp

    nlp = nlp or get_nlp()
    analysed = analysis_text(doc.clean)
    parts = []
    carry = jurisdiction = None
    for offset, end in _pieces(analysed, chunk_chars):
        sdoc = nlp.make_doc(analysed[offset:end])
        sdoc._.stikg_text = analysed[offset:end]  # Doc.text would re-join every token
        sdoc._.meta = doc.meta
        sdoc._.source_text = doc.clean[offset:end]
        sdoc._.discourse_carry = carry  # what the pieces before established
        sdoc._.jurisdiction = jurisdiction  # the whole document speaks for one place
        sdoc = nlp(sdoc)
        carry, jurisdiction = sdoc._.discourse_carry, sdoc._.jurisdiction
        parts.append(_to_model(doc, sdoc, offset))
        if on_piece is not None:
            on_piece(end, len(analysed))
    if len(parts) == 1:
        entities, relations, observations = parts[0]
    else:  # one entity per thing across the pieces of a long document
        from kg.resolve import resolve_corpus

        entities, remap = resolve_corpus([p[0] for p in parts], local=_local_name())
        entities.sort(key=lambda e: (min((s for _, s, _ in e.mentions), default=0), e.key))
        relations = [replace(r, head=remap[r.head], tail=remap[r.tail]) for p in parts for r in p[1]]
        relations = [r for r in relations if r.head != r.tail]
        observations = [replace(o, subject=remap[o.subject]) for p in parts for o in p[2]]
    return Extraction(doc, entities, _unique(relations), _unique_obs(observations))


def _to_model(doc: Document, sdoc: Any, offset: int) -> tuple[list[Entity], list[Relation], list[Observation]]:
    """The model objects of one analysed piece (offsets into ``doc.clean`` start at ``offset``)."""
    from kg.relations import rules

    entities = [
        replace(e, mentions=[(doc.id, *doc.to_original(s + offset, t + offset)) for _, s, t in e.mentions])
        for e in sdoc._.entities or []
    ]
    by_name = rules()
    relations = []
    for head, name, tail, sent in sdoc._.relations or []:
        r = by_name[name]
        ev = doc.evidence(sent.start + offset, sent.end + offset)
        relations.append(Relation(head, r.relation, tail, ev, r.name, r.confidence))
    observations = [
        Observation(
            subject=subj, measure=measure, value=value, unit=unit, year=year,
            evidence=doc.evidence(sent.start + offset, sent.end + offset), rule="number-unit", qualifier=qual,
        )
        for subj, measure, value, unit, year, qual, sent in sdoc._.observations or []
    ]
    return entities, relations, observations


def _pieces(text: str, size: int) -> Iterable[tuple[int, int]]:
    """``(start, end)`` pieces covering ``text``, each about ``size`` long, cut after a paragraph break."""
    if len(text) <= size:
        yield 0, len(text)
        return
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind("\n\n", start + size // 2, end)
            if cut < 0:
                cut = text.rfind("\n", start + size // 2, end)
            end = cut + 1 if cut >= 0 else end
        yield start, end
        start = end


def extract_file(path: str | os.PathLike[str], *, nlp: Any = None) -> Extraction:
    """Read and extract one file."""
    from kg.documents import read_document

    return extract_document(read_document(Path(path)), nlp=nlp)


def extract_text(text: str, *, doc_id: str = "doc", nlp: Any = None) -> Extraction:
    """Extract from a string (for notebooks and tests)."""
    from kg.documents import read_text_document

    return extract_document(read_text_document(text, id=doc_id, path=f"{doc_id}.txt"), nlp=nlp)


def _unique(relations: Iterable[Relation]) -> list[Relation]:
    """One relation per (head, relation, tail, sentence): the most confident rule wins."""
    best: dict[tuple[str, str, str, int], Relation] = {}
    for r in relations:
        head, tail = (r.head, r.tail)
        if r.relation == "partnerOf":
            head, tail = sorted((head, tail))
        k = (head, r.relation, tail, r.evidence.start)
        if k not in best or r.confidence > best[k].confidence:
            best[k] = r
    return sorted(best.values(), key=lambda r: (r.evidence.start, r.head, r.relation, r.tail))


def _unique_obs(observations: Iterable[Observation]) -> list[Observation]:
    """One observation per (subject, measure, value, unit, sentence): 与 4 家研究机构、4 家企业 are two."""
    seen: set[tuple[str, str, float, str, int]] = set()
    out = []
    for o in observations:
        k = (o.subject, o.measure, o.value, o.unit, o.evidence.start)
        if k not in seen:
            seen.add(k)
            out.append(o)
    return out


@dataclass(frozen=True)
class DocumentFailure:
    """A document that could not be read or extracted, and why."""

    path: str
    message: str


@dataclass
class BuildResult:
    """What a build produced."""

    corpus: Corpus
    extractions: list[Extraction]
    failures: list[DocumentFailure] = field(default_factory=list)
    out_dir: Path | None = None
    files: list[Path] = field(default_factory=list)
    violations: list[Any] = field(default_factory=list)
    cache_hits: int = 0  # documents taken from the extraction cache
    cache_misses: int = 0  # documents extracted (and stored) because the cache had no entry

    def summary(self) -> dict[str, Any]:
        """The graph's counts (:func:`kg.graph.graph_counts`, as ``kg stats`` and the explorer
        give them) plus what only the build knows: failed documents, SHACL violations."""
        from kg.graph import graph_counts, to_index

        return graph_counts(to_index(self.corpus)) | {
            "failed": len(self.failures),
            "violations": len(self.violations),
        }


def build_corpus(
    paths: Sequence[str | os.PathLike[str]],
    *,
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
    nlp: Any = None,
    workers: int = 1,
    cache: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    on_piece: Callable[[str, int, int], None] | None = None,
) -> BuildResult:
    """Read and extract every document under ``paths`` and resolve entities across them.

    A document that cannot be read is reported in ``failures`` and skipped;
    with ``strict=True`` it raises instead. ``workers`` > 1 extracts in that many
    processes, each building the pipeline once from the same ``config`` (a spaCy config
    file; default ``kg/pipeline.cfg``); results are merged in input order, so the output
    is the same as with one worker. With ``cache`` (a directory, e.g. ``.kgcache``) a
    document whose bytes and path are unchanged is taken from the cache, which is keyed by
    the extraction code and by the config and every data file it names. ``progress(path)``
    is called when a document is done, ``on_piece(path, done, total)`` after each piece of a
    long document extracted in this process (characters analysed so far, of ``total``).
    """
    from kg.documents import iter_paths
    from kg.nlp import pipeline_digest

    if workers < 1:
        raise InputError(f"--workers {workers}: give a number of processes of at least 1")
    cfg = read_config(config)
    files = iter_paths([Path(p) for p in paths])
    store = _open_cache(cache, pipeline_digest(cfg) if cache is not None else "")
    slots: list[Extraction | DocumentFailure | None] = [None] * len(files)
    keys: dict[int, str] = {}
    todo: list[int] = []
    for i, path in enumerate(files):
        hit = None
        if store is not None:
            try:
                keys[i] = store.key(path, path.read_bytes())
            except OSError:
                pass  # read_document reports it
            else:
                hit = store.get(keys[i])
        if hit is not None:
            slots[i] = hit
        else:
            todo.append(i)
    hits = len(files) - len(todo)
    done = iter(_extract_all([str(files[i]) for i in todo], workers=workers, nlp=nlp, config=cfg, on_piece=on_piece))
    for i, path in enumerate(files):
        if slots[i] is None:
            outcome = next(done)
            if isinstance(outcome, DocumentFailure) and strict:
                raise InputError(outcome.message)
            slots[i] = outcome
            if store is not None and i in keys and isinstance(outcome, Extraction):
                store.put(keys[i], outcome)
        if progress:
            progress(str(path))
    extractions = [x for x in slots if isinstance(x, Extraction)]
    failures = [x for x in slots if isinstance(x, DocumentFailure)]
    if not extractions:
        detail = f": {failures[0].message}" if failures else ""
        raise InputError(f"no document could be read from {', '.join(map(str, paths))}{detail}")
    return BuildResult(
        corpus=_merge(extractions),
        extractions=extractions,
        failures=failures,
        cache_hits=hits if store is not None else 0,
        cache_misses=len(todo) if store is not None else 0,
    )


def read_config(config: str | os.PathLike[str] | None) -> Any:
    """The pipeline config at ``config`` (default: the shipped one); a bad file is an InputError."""
    from kg.nlp import load_config

    if config is None:
        return load_config()
    try:
        return load_config(Path(config))
    except OSError as exc:
        raise InputError(f"--config {config}: cannot be read ({exc.strerror or exc}); give a pipeline config file") from None
    except Exception as exc:  # noqa: BLE001 - thinc raises several kinds for a malformed file
        raise InputError(f"--config {config}: not a pipeline config ({exc}); start from kg/pipeline.cfg") from None


def _open_cache(cache: str | os.PathLike[str] | None, digest: str) -> Any:
    if cache is None:
        return None
    from kg.cache import ExtractionCache

    return ExtractionCache(cache, digest)


def _extract_one(
    path: str, nlp: Any = None, on_piece: Callable[[str, int, int], None] | None = None
) -> Extraction | DocumentFailure:
    """Read and extract one file; a failure is returned, not raised (it may cross a process boundary)."""
    from kg.documents import read_document

    def piece(done: int, total: int) -> None:
        if on_piece is not None:
            on_piece(path, done, total)

    try:
        return extract_document(read_document(path), nlp=nlp, on_piece=piece)
    except InputError as exc:
        return DocumentFailure(path, str(exc))
    except Exception as exc:  # noqa: BLE001 - one broken document must not stop the build
        return DocumentFailure(path, f"{path}: extraction failed ({type(exc).__name__}: {exc}); please report this")


_worker_nlp: Any = None


def _init_worker(config_text: str) -> None:
    """Build the pipeline once per worker process, from the build's own config."""
    from thinc.api import Config

    from kg.nlp import get_nlp

    global _worker_nlp
    _worker_nlp = get_nlp(Config().from_str(config_text, interpolate=False))


def _extract_in_worker(path: str) -> Extraction | DocumentFailure:
    return _extract_one(path, _worker_nlp)


def _extract_all(
    paths: list[str], *, workers: int, nlp: Any, config: Any, on_piece: Callable[[str, int, int], None] | None = None
) -> Iterable[Extraction | DocumentFailure]:
    """Extract ``paths`` in input order, in ``workers`` processes when there is more than one document
    (``on_piece`` reports the pieces of long documents when they are extracted in this process)."""
    if workers == 1 or len(paths) < 2:
        from kg.nlp import get_nlp

        nlp = nlp or get_nlp(config)
        for path in paths:
            yield _extract_one(path, nlp, on_piece)
        return
    from concurrent.futures import ProcessPoolExecutor

    n = min(workers, len(paths))
    pool = ProcessPoolExecutor(max_workers=n, initializer=_init_worker, initargs=(config.to_str(),))
    from concurrent.futures.process import BrokenProcessPool

    try:
        yield from pool.map(_extract_in_worker, paths, chunksize=max(1, min(16, len(paths) // (n * 4))))
    except BrokenProcessPool:
        from kg.nlp import build_nlp

        build_nlp(config)  # raises the config's own error when that is what broke the workers
        raise InputError("the extraction worker processes stopped; try --workers 1") from None
    finally:  # a --strict failure or Ctrl-C stops the build without waiting for the queued documents
        pool.shutdown(wait=True, cancel_futures=True)


def _local_name() -> Callable[[str], bool]:
    """Is a name one that many jurisdictions use (a body named by level, a shared program name)?"""
    from kg.divisions import load_divisions
    from kg.names import name_key

    divisions = load_divisions()
    scoped = {name_key(n) for n in divisions.vocab.scoped_names}

    def local(name: str) -> bool:
        parsed = divisions.parse_body(name)
        return (parsed is not None and parsed[0] is None) or name_key(name) in scoped

    return local


def _merge(extractions: Sequence[Extraction]) -> Corpus:
    """Resolve entities across documents and re-key relations and observations."""
    from kg.resolve import resolve_corpus

    entities, remap = resolve_corpus([x.entities for x in extractions], local=_local_name())
    relations = [
        replace(r, head=remap.get(r.head, r.head), tail=remap.get(r.tail, r.tail))
        for x in extractions
        for r in x.relations
    ]
    relations = [r for r in relations if r.head != r.tail]
    observations = [replace(o, subject=remap.get(o.subject, o.subject)) for x in extractions for o in x.observations]
    return Corpus(
        documents=[x.doc for x in extractions],
        entities=entities,
        relations=sorted(relations, key=lambda r: (r.head, r.relation, r.tail, r.evidence.doc, r.evidence.start)),
        observations=sorted(
            observations, key=lambda o: (o.subject, o.year or 0, o.measure, o.value, o.evidence.doc, o.evidence.start)
        ),
    )


def build(
    paths: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str] = "build",
    *,
    strict: bool = False,
    validate: bool = True,
    progress: Callable[[str], None] | None = None,
    workers: int = 1,
    cache: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    on_piece: Callable[[str, int, int], None] | None = None,
) -> BuildResult:
    """Build the graph from ``paths`` and write :data:`OUTPUT_FILES` into ``out_dir``.

    Files are written to a temporary directory first and moved into place only
    when all of them are complete, so a failed build leaves no half-written output.
    ``workers``, ``cache``, ``config`` and ``on_piece`` are as in :func:`build_corpus`.
    """
    from kg._indexdb import DB_NAME, write_db
    from kg.documents import split_sentences
    from kg.graph import ontology_quads, to_index, to_quads, to_rdf, write_nquads
    from kg.validate import ONTOLOGY_PATH

    out = Path(out_dir)
    _check_writable(out)
    result = build_corpus(paths, strict=strict, progress=progress, workers=workers, cache=cache, config=config,
                          on_piece=on_piece)
    quads = to_quads(result.corpus)
    graph = to_rdf(quads)
    if validate:
        from kg.validate import validate as shacl_validate

        result.violations = shacl_validate(graph)
    tmp: Path | None = None
    try:
        tmp = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=_nearest_dir(out)))
        (tmp / "stikg.ttl").write_bytes(graph.serialize(format="turtle").encode("utf-8"))
        with open(tmp / "stikg.nq", "w", encoding="utf-8", newline="\n") as fh:
            write_nquads(sorted(quads + ontology_quads(ONTOLOGY_PATH)), fh)
        sentences = {d.id: split_sentences(d.clean) for d in result.corpus.documents}
        index = to_index(result.corpus, sentences=sentences)
        with open(tmp / "graph.json", "w", encoding="utf-8", newline="\n") as fh:
            json.dump(index, fh, ensure_ascii=False, sort_keys=True, indent=1)
            fh.write("\n")
        write_db(index, tmp / DB_NAME)
        with open(tmp / "extraction.jsonl", "w", encoding="utf-8", newline="\n") as fh:
            for x in result.extractions:
                fh.write(json.dumps(x.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
        out.mkdir(parents=True, exist_ok=True)
        for name in OUTPUT_FILES:
            os.replace(tmp / name, out / name)
    except OSError as exc:
        raise OutputError(f"cannot write the graph to {out}: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    result.out_dir = out
    result.files = [out / n for n in OUTPUT_FILES]
    return result


def _nearest_dir(out: Path) -> Path:
    """``out`` if it is a directory, else its closest existing ancestor (same file system for os.replace)."""
    return next((p for p in (out, *out.parents) if p.is_dir()), Path("."))


def _check_writable(out: Path) -> None:
    """Fail before any work if ``out`` cannot hold the build (tried with a real temporary file)."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} is not a directory: pass --out DIR")
    probe = _nearest_dir(out)
    try:
        with tempfile.TemporaryFile(prefix=".kg-probe-", dir=probe):
            pass
    except OSError as exc:
        raise OutputError(
            f"{out} is not writable ({exc.strerror or exc}): pass --out with a directory you can write to"
        ) from None
