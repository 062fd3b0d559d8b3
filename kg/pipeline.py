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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from kg.errors import InputError, OutputError
from kg.executor import DocumentFailure
from kg.model import Corpus, Document, Entity, Extraction, Observation, Relation
from kg.sources import Source

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
    "TEXTS_DIR",
]

#: What ``build`` writes into its output directory.
OUTPUT_FILES = ("stikg.ttl", "stikg.nq", "graph.json", "graph.sqlite", "extraction.jsonl")
#: The folder of the build that holds each document's text as read (``texts/<doc id>.txt``):
#: the text evidence offsets point into, whatever the original format.
TEXTS_DIR = "texts"


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


class BuildResult:
    """What a build produced.

    ``extractions`` (per document, in input order) and ``corpus`` (resolved across documents)
    are read back from the build's spool on disk when first asked for: a streaming build holds
    neither in memory. ``summary()`` gives the graph's counts.
    """

    def __init__(
        self,
        *,
        corpus: Corpus | None = None,
        extractions: list[Extraction] | None = None,
        failures: list[DocumentFailure] | None = None,
        spool: Any = None,
        counts: dict[str, Any] | None = None,
        cache_hits: int = 0,
        cache_misses: int = 0,
        ignored: list[tuple[str, str]] | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self._corpus = corpus
        self._extractions = extractions
        self._spool = spool  # a kg.stream.Spool, kept alive (and on disk) with this result
        self._counts = counts
        self.failures: list[DocumentFailure] = list(failures or [])
        self.out_dir: Path | None = None
        self.files: list[Path] = []
        self.violations: list[Any] = []
        self.cache_hits = cache_hits  # documents taken from the extraction cache
        self.cache_misses = cache_misses  # documents extracted (and stored) because the cache had no entry
        self.ignored: list[tuple[str, str]] = list(ignored or [])  # files under a folder not read, and why
        self.notes: list[str] = list(notes or [])  # manifest rows that differ from a header or match no file

    @property
    def extractions(self) -> list[Extraction]:
        """Each document's extraction, in input order."""
        if self._extractions is None:
            self._extractions = list(self._spool) if self._spool is not None else []
        return self._extractions

    @property
    def corpus(self) -> Corpus:
        """The documents with their entities resolved across documents (:func:`build_corpus`)."""
        if self._corpus is None:
            self._corpus = _merge(self.extractions)
        return self._corpus

    def summary(self) -> dict[str, Any]:
        """The graph's counts (:func:`kg.graph.graph_counts`, as ``kg stats`` and the explorer
        give them) plus what only the build knows: failed documents, SHACL violations."""
        from kg.graph import graph_counts, to_index

        counts = self._counts if self._counts is not None else graph_counts(to_index(self.corpus))
        return counts | {"failed": len(self.failures), "violations": len(self.violations)}


def _outcomes(
    sources: Sequence[Source],
    *,
    strict: bool,
    progress: Callable[[str], None] | None,
    nlp: Any,
    workers: int,
    cache: str | os.PathLike[str] | None,
    cfg: Any,
    on_piece: Callable[[str, int, int], None] | None,
    executor: str,
    scheduler: str | None,
    counter: dict[str, int],
) -> Iterator[Extraction | DocumentFailure]:
    """Each file's extraction (or failure) in input order: from the cache when it holds the
    document, else from the executor; new extractions are stored in the cache. Counts cache
    hits and misses in ``counter``."""
    from kg.executor import extract_one, extract_paths
    from kg.nlp import pipeline_digest

    store = _open_cache(cache, pipeline_digest(cfg) if cache is not None else "")
    files = [Path(s.path) for s in sources]
    keys: dict[int, str] = {}
    todo: list[int] = []
    for i, path in enumerate(files):
        if store is not None:
            try:
                data = path.read_bytes()
                keys[i] = store.key(path, data, extra=sources[i].cache_extra(data))
            except OSError:
                pass  # read_document reports it
            else:
                if store.has(keys[i]):
                    continue
        todo.append(i)
    counter["misses"] = len(todo) if store is not None else 0
    counter["hits"] = len(files) - len(todo) if store is not None else 0
    done = extract_paths([sources[i] for i in todo], executor=executor, workers=workers, scheduler=scheduler,
                         nlp=nlp, config=cfg, on_piece=on_piece)
    queued = set(todo)
    for i, path in enumerate(files):
        outcome: Extraction | DocumentFailure | None = None
        if i in queued:
            outcome = next(done)
            if store is not None and i in keys and isinstance(outcome, Extraction):
                store.put(keys[i], outcome)
        else:
            outcome = store.get(keys[i])
            if outcome is None:  # removed or corrupt since it was looked at: extract it here
                from kg.nlp import get_nlp

                nlp = nlp or get_nlp(cfg)
                outcome = extract_one(sources[i], nlp, on_piece)
                counter["hits"] -= 1
                counter["misses"] += 1
                if isinstance(outcome, Extraction):
                    store.put(keys[i], outcome)
        if isinstance(outcome, DocumentFailure) and strict:
            raise InputError(outcome.message)
        if progress:
            progress(str(path))
        yield outcome


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
    executor: str = "processes",
    scheduler: str | None = None,
    manifest: str | os.PathLike[str] | None = None,
    model: str | os.PathLike[str] | None = None,
) -> BuildResult:
    """Read and extract every document under ``paths`` and resolve entities across them, in memory.

    A document that cannot be read is reported in ``failures`` and skipped;
    with ``strict=True`` it raises instead. ``workers`` > 1 extracts in that many
    processes, each building the pipeline once from the same ``config`` (a spaCy config
    file; default ``kg/pipeline.cfg``); ``executor="dask"`` sends the documents to the Dask
    scheduler at ``scheduler`` instead (:mod:`kg.executor`). Results are merged in input
    order, so the output is the same with any executor. With ``cache`` (a directory, e.g.
    ``.kgcache``) a document whose bytes and path are unchanged is taken from the cache,
    which is keyed by the extraction code and by the config and every data file it names.
    ``progress(path)`` is called when a document is done, ``on_piece(path, done, total)``
    after each piece of a long document extracted in this process (characters analysed so
    far, of ``total``). :func:`build` does the same in bounded memory and writes the graph.
    ``model`` is a directory written by ``kg train`` (default: the model shipped with stikg).

    Files under a folder that are not documents (hidden, README, the manifest) are listed in
    ``ignored``; every other file is read or is a failure with its reason. ``manifest`` (a
    ``.csv`` or ``.jsonl`` file, :mod:`kg.manifest`) gives URLs, titles, dates, issuers and
    文号 that are used over the headers'; each difference is a note in ``notes``.
    """
    from kg.sources import collect

    cfg = read_config(config, model)
    found = collect(paths, manifest=manifest)
    counter: dict[str, int] = {}
    outcomes = list(_outcomes(found.sources, strict=strict, progress=progress, nlp=nlp, workers=workers, cache=cache,
                              cfg=cfg, on_piece=on_piece, executor=executor, scheduler=scheduler, counter=counter))
    extractions = [x for x in outcomes if isinstance(x, Extraction)]
    failures = [x for x in outcomes if isinstance(x, DocumentFailure)]
    if not extractions:
        _nothing_read(paths, failures)
    return BuildResult(corpus=_merge(extractions), extractions=extractions, failures=failures,
                       cache_hits=counter["hits"], cache_misses=counter["misses"], ignored=found.ignored,
                       notes=[n for x in extractions for n in x.doc.notes] + found.unmatched)


def _nothing_read(paths: Sequence[str | os.PathLike[str]], failures: Sequence[DocumentFailure]) -> None:
    detail = f": {failures[0].message}" if failures else ""
    raise InputError(f"no document could be read from {', '.join(map(str, paths))}{detail}")


def read_config(config: str | os.PathLike[str] | None, model: str | os.PathLike[str] | None = None) -> Any:
    """The pipeline config at ``config`` (default: the shipped one), using the trained ``model``
    directory when one is given (default: the shipped model; ``"none"``: the rules alone);
    bad input is an InputError."""
    from kg.nlp import MODEL_FILES, NO_MODEL, load_config

    if model is not None and str(model) != NO_MODEL:
        path = Path(model)
        if not path.is_dir():
            raise InputError(f"--model {model}: no such directory; give a model directory written by `kg train`")
        if not any((path / name).is_file() for name in MODEL_FILES):
            raise InputError(f"--model {model}: holds no trained component ({', '.join(MODEL_FILES)}); "
                             f"give a directory written by `kg train`")
    if config is None:
        cfg = load_config()
    else:
        try:
            cfg = load_config(Path(config))
        except OSError as exc:
            raise InputError(f"--config {config}: cannot be read ({exc.strerror or exc}); give a pipeline config file") from None
        except Exception as exc:  # noqa: BLE001 - thinc raises several kinds for a malformed file
            raise InputError(f"--config {config}: not a pipeline config ({exc}); start from kg/pipeline.cfg") from None
    if model is not None:
        cfg.setdefault("paths", {})["model"] = NO_MODEL if str(model) == NO_MODEL else str(Path(model).resolve())
    return cfg


def _open_cache(cache: str | os.PathLike[str] | None, digest: str) -> Any:
    if cache is None:
        return None
    from kg.cache import ExtractionCache

    return ExtractionCache(cache, digest)


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
    """Resolve entities across documents and re-key relations and observations.

    An edge whose endpoints, once resolved, have types its relation does not admit is
    dropped: two documents typed one name differently and the merged node took one type.
    """
    from kg._domains import admits
    from kg.resolve import resolve_corpus

    entities, remap = resolve_corpus([x.entities for x in extractions], local=_local_name())
    types = {e.key: e.type for e in entities}
    relations = [
        replace(r, head=remap.get(r.head, r.head), tail=remap.get(r.tail, r.tail))
        for x in extractions
        for r in x.relations
    ]
    relations = [r for r in relations if r.head != r.tail
                 and admits(r.relation, types.get(r.head, "Entity"), types.get(r.tail, "Entity"))]
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
    executor: str = "processes",
    scheduler: str | None = None,
    manifest: str | os.PathLike[str] | None = None,
    model: str | os.PathLike[str] | None = None,
) -> BuildResult:
    """Build the graph from ``paths`` and write :data:`OUTPUT_FILES` and :data:`TEXTS_DIR` into
    ``out_dir``, streaming.

    Each document's extraction goes to a spool on disk as it completes (and to
    ``extraction.jsonl``); resolution across documents works on a compact index of names
    (:class:`kg.resolve.CorpusResolver`); the quads are written document by document, sorted
    on disk and serialised as N-Quads and, by pyoxigraph, as Turtle (:mod:`kg.stream`). So
    memory grows with the distinct entities and the graph index, not with the text read.
    SHACL validation (``validate``) loads the graph into rdflib, so it needs memory in
    proportion to the graph; large builds pass ``validate=False`` (``--no-validate``).

    Files are written to a temporary directory first and moved into place only when all of
    them are complete, so a failed build leaves no half-written output. ``workers``,
    ``cache``, ``config``, ``on_piece``, ``executor``, ``scheduler``, ``manifest`` and ``model``
    are as in :func:`build_corpus`.
    """
    from kg.sources import collect
    from kg.stream import Spool

    out = Path(out_dir)
    _check_writable(out)
    cfg = read_config(config, model)
    found = collect(paths, manifest=manifest)
    spool = Spool.temporary()  # kept by the result for its extractions; removed with it
    tmp: Path | None = None
    try:
        tmp = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=_nearest_dir(out)))
        counter: dict[str, int] = {}
        failures: list[DocumentFailure] = []
        from kg.resolve import CorpusResolver

        resolver = CorpusResolver()
        notes: list[str] = []
        (tmp / TEXTS_DIR).mkdir()
        with open(tmp / "extraction.jsonl", "w", encoding="utf-8", newline="\n") as fh:
            for outcome in _outcomes(found.sources, strict=strict, progress=progress, nlp=None, workers=workers,
                                     cache=cache, cfg=cfg, on_piece=on_piece, executor=executor,
                                     scheduler=scheduler, counter=counter):
                if isinstance(outcome, DocumentFailure):
                    failures.append(outcome)
                    continue
                spool.append(outcome)
                resolver.add(outcome.entities)
                fh.write(json.dumps(outcome.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
                notes.extend(outcome.doc.notes)
                with open(tmp / TEXTS_DIR / f"{outcome.doc.id}.txt", "w", encoding="utf-8", newline="") as text:
                    text.write(outcome.doc.text)
                del outcome  # the spool has it: the last document is not held through the writing
        if not len(spool):
            _nothing_read(paths, failures)
        from kg._write import write_graph

        counts, graph = write_graph(spool, resolver, _local_name(), tmp, want_rdflib=validate)
        result = BuildResult(failures=failures, spool=spool, counts=counts,
                             cache_hits=counter["hits"], cache_misses=counter["misses"],
                             ignored=found.ignored, notes=notes + found.unmatched)
        if validate:
            from kg.validate import validate as shacl_validate

            result.violations = shacl_validate(graph)
        out.mkdir(parents=True, exist_ok=True)
        old_texts = out / TEXTS_DIR
        if old_texts.is_dir():  # texts of an earlier build go away with it (documents may be gone)
            os.replace(old_texts, tmp / ".old-texts")
        os.replace(tmp / TEXTS_DIR, out / TEXTS_DIR)
        for name in OUTPUT_FILES:
            os.replace(tmp / name, out / name)
    except OSError as exc:
        raise OutputError(f"cannot write the graph to {out}: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    result.out_dir = out
    result.files = [out / n for n in OUTPUT_FILES] + [out / TEXTS_DIR]
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
