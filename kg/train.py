"""Training the pipeline's learned components from annotated documents, and cross-validating them.

Gold files have the extraction JSON shape (``eval/GUIDELINES.md``): names instead of ids,
relations and observations with the evidence they came from. :func:`train` pairs each
gold record with its document by file name, runs the rule components over it, and fits:

1. the entity tagger (:mod:`kg.tagger`), from every occurrence of a gold name in the text;
2. the relation classifier (:mod:`kg.relmodel`), from the candidate pairs of each sentence,
   labelled by the gold relations whose evidence covers the sentence.

Observations stay ruled (:mod:`kg.observations`); ``make quality`` measures them the same way.

Each step runs the pipeline with the steps before it already trained, as extraction will.
Everything is deterministic: documents in file-name order, fixed solver settings, weights
written rounded and sorted, so the same data give the same model bytes.

Example
-------
>>> train(["eval/seeds/gold.jsonl"], ["seeds"], "my-model")       # doctest: +SKIP
>>> cross_validate("eval/seeds/gold.jsonl", ["seeds"], "eval/dev/gold.jsonl", ["eval/dev/docs"])  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg._domains import allowed_type_pairs
from kg._gold import read_gold
from kg.errors import InputError
from kg.model import Document

__all__ = ["Annotated", "analyse", "read_annotated", "train", "trained_on", "cross_validate", "folds", "STEPS"]

#: The trainable components, in the order they are trained.
STEPS = ("entities", "relations")

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Annotated:
    """A document and its gold record."""

    document: Document
    gold: dict[str, Any]

    @property
    def name(self) -> str:
        return Path(self.document.path).name


def read_annotated(gold_files: Sequence[str | os.PathLike[str]],
                   doc_dirs: Sequence[str | os.PathLike[str]]) -> list[Annotated]:
    """Each gold record with its document (found by file name under ``doc_dirs``), by file name.

    Raises :class:`~kg.errors.InputError` when a gold document is not among the documents,
    or two gold files annotate the same file name.
    """
    from kg.documents import iter_paths, read_document

    by_name: dict[str, Path] = {}
    for path in iter_paths([Path(d) for d in doc_dirs]):
        by_name.setdefault(path.name, path)
    out: dict[str, Annotated] = {}
    for gold_file in gold_files:
        for name, record in read_gold(gold_file).items():
            if name in out:
                raise InputError(f"{gold_file}: {name} is annotated twice (also in an earlier gold file); "
                                 f"give each document one gold line")
            if name not in by_name:
                raise InputError(f"{gold_file}: its document {name} is not under "
                                 f"{', '.join(str(d) for d in doc_dirs) or 'the --docs folders'}; "
                                 f"pass the folder that holds it with --docs")
            out[name] = Annotated(read_document(by_name[name]), record)
    if not out:
        raise InputError("no annotated documents to train on; give gold files and their --docs folders")
    return [out[k] for k in sorted(out)]


def analyse(doc: Document, nlp: Any, *, before: str | None = None) -> Any:
    """``nlp`` over one document as extraction runs it, stopping before component ``before``."""
    from kg.documents import analysis_text

    text = analysis_text(doc.clean)
    sdoc = nlp.make_doc(text)
    sdoc._.stikg_text = text
    sdoc._.meta = doc.meta
    sdoc._.source_text = doc.clean
    for name, proc in nlp.pipeline:
        if name == before:
            break
        sdoc = proc(sdoc)
    return sdoc


def _nlp(model: str | os.PathLike[str], config: Any = None, *, make: bool = False) -> Any:
    """The pipeline of ``config`` using the model directory ``model`` (made empty with ``make``)."""
    from kg.nlp import build_nlp, load_config

    if make:
        Path(model).mkdir(parents=True, exist_ok=True)
    cfg = load_config(overrides={"paths.model": str(model)}) if config is None else config
    if config is not None:
        import copy

        cfg = copy.deepcopy(config)
        cfg["paths"]["model"] = str(model)
    return build_nlp(cfg)


def _entity_examples(annotated: Sequence[Annotated], nlp: Any, progress: Progress | None) -> list[Any]:
    from kg.nlp import doc_text, token_spans
    from kg.tagger import gold_spans, labels_for, token_features

    examples = []
    for i, a in enumerate(annotated):
        sdoc = analyse(a.document, nlp, before="entity_tagger")
        text = doc_text(sdoc)
        toks = token_spans(sdoc)
        names = [(n, e["type"]) for e in a.gold.get("entities", []) for n in (e["label"], *(e.get("aliases") or []))]
        examples.append((token_features(text, toks, sdoc._.name_candidates or []),
                         labels_for(toks, gold_spans(text, [(n, _base(t)) for n, t in names]))))
        if progress:
            progress("entities", i + 1, len(annotated))
    return examples


def _relation_examples(annotated: Sequence[Annotated], nlp: Any, allowed: set[str],
                       progress: Progress | None, allowed_by: dict[str, list[str]] | None = None,
                       ) -> tuple[list[list[str]], list[str]]:
    from kg.evaluate import _names, _norm
    from kg.relmodel import NONE, candidates

    feats: list[list[str]] = []
    labels: list[str] = []
    allowed_by = allowed_by or {}
    component = nlp.get_pipe("relations")
    for i, a in enumerate(annotated):
        sdoc = analyse(a.document, nlp, before="relations")
        sdoc = component.rules(sdoc)
        names = {e.key: _names({"label": e.label, "aliases": e.aliases}) for e in sdoc._.entities or []}
        gold_names = {_norm(e["label"]): _names(e) for e in a.gold.get("entities", [])}
        gold = []
        for r in a.gold.get("relations", []):
            ev = r.get("evidence") or {}
            gold.append((gold_names.get(_norm(r["head"]), {_norm(r["head"])}), r["relation"],
                         gold_names.get(_norm(r["tail"]), {_norm(r["tail"])}), ev.get("start"), ev.get("end")))
        for head, tail, sent, f in candidates(sdoc, sdoc._.relations or [], allowed, component.triggers):
            s0, s1 = a.document.to_original(sent.start, sent.end)
            label = NONE
            for gh, rel, gt, e0, e1 in gold:
                if e0 is not None and e1 is not None and not (e0 < s1 and s0 < e1):
                    continue
                hn, tn = names.get(head.key, set()), names.get(tail.key, set())
                if f"{head.type}>{tail.type}" not in allowed_by.get(rel, allowed):
                    continue  # the ontology does not admit it: the classifier never predicts it
                if (gh & hn and gt & tn) or (rel == "partnerOf" and gh & tn and gt & hn):
                    label = rel
                    break
            feats.append(f)
            labels.append(label)
        if progress:
            progress("relations", i + 1, len(annotated))
    return feats, labels


def _base(etype: str) -> str:
    from kg.model import base_type

    return base_type(etype)


def train(annotated: Sequence[Annotated], out: str | os.PathLike[str], *, config: Any = None,
          steps: Sequence[str] = STEPS, progress: Progress | None = None, relations_c: float = 10.0,
          relations_weight: float = 3.0) -> Path:
    """Train the learned components on ``annotated`` documents into the model directory ``out``.

    The directory is written whole or not at all (built beside it, then renamed).
    """
    from kg.tagger import MODEL_FILE, train_tagger

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        if "entities" in steps:
            examples = _entity_examples(annotated, _nlp(work, config), progress)
            train_tagger(examples, work / MODEL_FILE)
        if "relations" in steps:
            from kg._linear import LinearModel
            from kg.relmodel import MODEL_FILE as RELATIONS_FILE
            from kg.relmodel import NONE

            allowed = {rel: sorted(pairs) for rel, pairs in allowed_type_pairs().items()}
            (work / RELATIONS_FILE).with_suffix(".types.json").write_text(
                json.dumps({"allowed": allowed}, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                encoding="utf-8")
            feats, labels = _relation_examples(annotated, _nlp(work, config),
                                               {p for pairs in allowed.values() for p in pairs}, progress,
                                               {k: v for k, v in allowed.items()})
            LinearModel.fit(feats, labels, c=relations_c, weight={NONE: 1 / relations_weight}).save(work / RELATIONS_FILE)
        meta = {
            "stikg_model": 1,
            "trained_on": [a.name for a in annotated],
            "steps": [s for s in STEPS if s in steps],
        }
        (work / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                        encoding="utf-8")
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(work, 0o777 & ~umask)  # mkdtemp makes it private; a model is shared like any output
        if out.exists():
            shutil.rmtree(out)
        os.replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out


def trained_on(config: Any) -> set[str]:
    """File names of the documents the model a pipeline config uses was trained on."""
    from kg.nlp import model_dir

    path = model_dir(config.get("paths", {}).get("model"))
    meta = path / "meta.json" if path is not None else None
    if meta is None or not meta.is_file():
        return set()
    return set(json.loads(meta.read_text(encoding="utf-8")).get("trained_on", []))


def folds(annotated: Sequence[Annotated], k: int = 5) -> list[list[Annotated]]:
    """``k`` folds by document, dealt round-robin in file-name order."""
    ordered = sorted(annotated, key=lambda a: a.name)
    return [ordered[i::k] for i in range(k)]


#: The files each trained step writes into a model directory.
STEP_FILES = {"entities": ("entities.crfsuite",), "relations": ("relations.json", "relations.types.json")}


def cross_validate(base: Sequence[Annotated], held: Sequence[Annotated], *, k: int = 5, config: Any = None,
                   steps: Sequence[str] = STEPS, progress: Progress | None = None) -> list[dict[str, Any]]:
    """Per fold of ``held``: train on ``base`` plus the other folds, score the held-out fold.

    Returns one dict per fold: ``fold``, ``documents`` (held out) and ``scores``, an
    :class:`~kg.evaluate.Evaluation` for the rules alone (``"rules"``) and for the model
    with the trained steps added one at a time (``"+entities"``, ``"+relations"``), each
    on the same held-out documents.
    """
    from kg.evaluate import score
    from kg.pipeline import extract_document

    results = []
    with tempfile.TemporaryDirectory(prefix="stikg-cv-") as tmp:
        rules_nlp = _nlp(Path(tmp) / "rules", config, make=True)
        for i, fold in enumerate(folds(held, k)):
            names = {a.name for a in fold}
            training = [*base, *(a for a in held if a.name not in names)]
            model = train(training, Path(tmp) / f"fold{i}", config=config, steps=steps)
            gold = {a.name: a.gold for a in fold}
            scores = {"rules": score(gold, {a.name: extract_document(a.document, nlp=rules_nlp).to_json()
                                            for a in fold})}
            used = [s for s in STEPS if s in steps]
            for n in range(1, len(used) + 1):
                partial = Path(tmp) / f"fold{i}-{n}"
                partial.mkdir()
                for step in used[:n]:
                    for name in STEP_FILES.get(step, ()):
                        if (model / name).is_file():
                            shutil.copyfile(model / name, partial / name)
                nlp = _nlp(partial, config)
                scores["+" + used[n - 1]] = score(gold, {a.name: extract_document(a.document, nlp=nlp).to_json()
                                                         for a in fold})
            results.append({"fold": i, "documents": sorted(names), "scores": scores})
            if progress:
                progress("folds", i + 1, k)
    return results
