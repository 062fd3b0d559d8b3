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
from kg.model import Corpus, Document, Extraction, Observation, Relation

__all__ = [
    "extract_document",
    "extract_file",
    "extract_text",
    "build_corpus",
    "build",
    "BuildResult",
    "DocumentFailure",
    "OUTPUT_FILES",
]

#: What ``build`` writes into its output directory.
OUTPUT_FILES = ("stikg.ttl", "stikg.nq", "graph.json", "extraction.jsonl")


def extract_document(doc: Document, *, nlp: Any = None) -> Extraction:
    """Entities, relations and observations of one document, entities resolved within it."""
    from kg.documents import split_sentences
    from kg.nlp import get_nlp
    from kg.observations import extract_observations
    from kg.relations import extract_relations
    from kg.resolve import resolve_document

    nlp = nlp or get_nlp()
    sdoc = nlp.make_doc(doc.clean)
    sdoc.user_data["doc_id"] = doc.id
    sdoc.user_data["addressees"] = tuple(doc.meta.addressees)
    for _name, proc in nlp.pipeline:
        sdoc = proc(sdoc)
    entities, mentions, keys = resolve_document(doc, sdoc._.mentions)
    sentences = split_sentences(doc.clean)
    types = {e.key: e.type for e in entities}
    names = {e.key: [e.label, *e.aliases] for e in entities}
    relations = extract_relations(doc, sentences, mentions, keys, types, names)
    observations = extract_observations(doc, sentences, mentions, keys, types)
    return Extraction(doc, entities, _unique(relations), _unique_obs(observations))


def extract_file(path: str | os.PathLike[str], *, nlp: Any = None) -> Extraction:
    """Read and extract one file."""
    from kg.documents import read_document

    return extract_document(read_document(path), nlp=nlp)


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
    seen: set[tuple[str, float, str, int]] = set()
    out = []
    for o in observations:
        k = (o.subject, o.value, o.unit, o.evidence.start)
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

    def summary(self) -> dict[str, Any]:
        """Counts by type and relation, for the CLI's summary table."""
        from collections import Counter

        return {
            "documents": len(self.corpus.documents),
            "failed": len(self.failures),
            "entities": len(self.corpus.entities),
            "relations": len(self.corpus.relations),
            "observations": len(self.corpus.observations),
            "by_type": dict(sorted(Counter(e.type for e in self.corpus.entities).items())),
            "by_relation": dict(sorted(Counter(r.relation for r in self.corpus.relations).items())),
            "violations": len(self.violations),
        }


def build_corpus(
    paths: Sequence[str | os.PathLike[str]],
    *,
    strict: bool = False,
    progress: Callable[[str], None] | None = None,
    nlp: Any = None,
) -> BuildResult:
    """Read and extract every document under ``paths`` and resolve entities across them.

    A document that cannot be read is reported in ``failures`` and skipped;
    with ``strict=True`` it raises instead.
    """
    from kg.documents import iter_paths, read_document

    files = iter_paths(paths)
    extractions: list[Extraction] = []
    failures: list[DocumentFailure] = []
    for path in files:
        if progress:
            progress(str(path))
        try:
            doc = read_document(path)
        except InputError as exc:
            if strict:
                raise
            failures.append(DocumentFailure(str(path), str(exc)))
            continue
        extractions.append(extract_document(doc, nlp=nlp))
    if not extractions:
        detail = f": {failures[0].message}" if failures else ""
        raise InputError(f"no document could be read from {', '.join(map(str, paths))}{detail}")
    return BuildResult(corpus=_merge(extractions), extractions=extractions, failures=failures)


def _merge(extractions: Sequence[Extraction]) -> Corpus:
    """Resolve entities across documents and re-key relations and observations."""
    from kg.resolve import resolve_corpus

    entities, remap = resolve_corpus([x.entities for x in extractions])
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
) -> BuildResult:
    """Build the graph from ``paths`` and write :data:`OUTPUT_FILES` into ``out_dir``.

    Files are written to a temporary directory first and moved into place only
    when all of them are complete, so a failed build leaves no half-written output.
    """
    from kg.graph import ontology_quads, to_index, to_quads, to_rdf, write_nquads
    from kg.validate import ONTOLOGY_PATH

    out = Path(out_dir)
    _check_writable(out)
    result = build_corpus(paths, strict=strict, progress=progress)
    quads = to_quads(result.corpus)
    graph = to_rdf(quads)
    if validate:
        from kg.validate import validate as shacl_validate

        result.violations = shacl_validate(graph)
    tmp = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out.parent if out.parent.exists() else None))
    try:
        (tmp / "stikg.ttl").write_bytes(graph.serialize(format="turtle").encode("utf-8"))
        with open(tmp / "stikg.nq", "w", encoding="utf-8", newline="\n") as fh:
            write_nquads(sorted(quads + ontology_quads(ONTOLOGY_PATH)), fh)
        with open(tmp / "graph.json", "w", encoding="utf-8", newline="\n") as fh:
            json.dump(to_index(result.corpus), fh, ensure_ascii=False, sort_keys=True, indent=1)
            fh.write("\n")
        with open(tmp / "extraction.jsonl", "w", encoding="utf-8", newline="\n") as fh:
            for x in result.extractions:
                fh.write(json.dumps(x.to_json(), ensure_ascii=False, sort_keys=True) + "\n")
        out.mkdir(parents=True, exist_ok=True)
        for name in OUTPUT_FILES:
            os.replace(tmp / name, out / name)
    except OSError as exc:
        raise OutputError(f"cannot write the graph to {out}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result.out_dir = out
    result.files = [out / n for n in OUTPUT_FILES]
    return result


def _check_writable(out: Path) -> None:
    probe = out if out.exists() else next((p for p in out.parents if p.exists()), Path("."))
    if probe.exists() and not probe.is_dir():
        raise OutputError(f"{out} is not a directory: pass --out DIR")
    if not os.access(probe, os.W_OK):
        raise OutputError(f"{out} is not writable: pass --out with a directory you can write to")
