"""``build_nlp()``: the stikg spaCy pipeline, built from one config (``kg/pipeline.cfg``).

This is the one place where the stikg components are registered, each under a
versioned factory name, and where the ``Doc``/``Span`` extensions they share are
declared. The pipeline runs jieba segmentation (with the lexicon's names) and then:

================================  ===================================================
factory                           assigns
================================  ===================================================
``stikg_lexicon_ruler_v1``        ``doc._.name_candidates`` (lexicon, gazetteer)
``stikg_name_patterns_v1``        ``doc._.name_candidates`` (titles, quotes, suffixes…)
``stikg_entity_tagger_v1``        ``doc._.name_candidates`` (trained CRF, ``kg.tagger``)
``stikg_mentions_v1``             ``doc.spans["stikg_mentions"]`` (whole-token spans)
``stikg_doc_resolver_v1``         ``span.kb_id_`` (entity key), ``doc._.entities``
``stikg_discourse_v1``            ``doc._.discourse`` (one state per sentence)
``stikg_relation_model_v1``       ``doc._.relations`` (rules + trained classifier)
``stikg_relation_rules_v1``       ``doc._.relations`` (the rules alone)
``stikg_observation_rules_v1``    ``doc._.observations``
================================  ===================================================

Swapping a component for another (the rules alone for the trained relation component) is a
change of the config; ``paths.model`` names the trained model directory (``kg train``).

Example
-------
>>> nlp = build_nlp()                                        # doctest: +SKIP
>>> doc = nlp("市科委打造InnoMatch全球技术供需对接平台。")       # doctest: +SKIP
>>> [(s.text, s.label_) for s in doc.spans["stikg_mentions"]]  # doctest: +SKIP
[('市科委', 'Agency'), ('InnoMatch全球技术供需对接平台', 'Platform')]
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import ConfigError, KgError

if TYPE_CHECKING:
    from spacy.language import Language

    from kg._names import Tokens

#: A mention to store: ``(start, end, label, rule, canonical, kb_id)``.
Mentioned = tuple[int, int, str, "str | None", "str | None", "str | None"]

__all__ = [
    "CONFIG_PATH",
    "DEFAULT_MODEL",
    "MODEL_FILES",
    "NO_MODEL",
    "Mentioned",
    "token_spans",
    "MENTIONS",
    "build_nlp",
    "doc_text",
    "get_nlp",
    "load_config",
    "model_dir",
    "pipeline_digest",
    "set_spans",
]

#: The shipped pipeline config.
CONFIG_PATH = Path(__file__).resolve().parent / "pipeline.cfg"

#: The trained model shipped with stikg (``make train`` writes it; ``--model DIR`` replaces it).
DEFAULT_MODEL = Path(__file__).resolve().parent / "models" / "default"

#: The ``paths.model`` (``--model``) that means no trained model: the rules alone.
NO_MODEL = "none"

#: The files of a model directory, one per trained component (``meta.json`` says what it was trained on).
MODEL_FILES = ("entities.crfsuite", "relations.json")

#: The span group that holds the chosen mentions.
MENTIONS = "stikg_mentions"

_lock = threading.Lock()
_cached: dict[str, Any] = {}
_registered = False


def _register() -> None:
    """Register the stikg factories and extensions with spaCy (once per process)."""
    global _registered
    if _registered:
        return
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.util import registry

    for name in ("meta", "source_text", "stikg_text", "stikg_tokens", "name_candidates", "mention_info", "jurisdiction", "entities",
                 "discourse",
                 "discourse_carry",
                 "relations", "observations"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)

    @Language.factory(
        "stikg_lexicon_ruler_v1",
        assigns=["doc._.name_candidates"],
        default_config={"lexicon": None, "vocab": None, "gazetteer": True},
    )
    def make_lexicon_ruler(nlp: Language, name: str, lexicon: str | None, vocab: str | None, gazetteer: bool) -> Any:
        from kg.divisions import load_divisions
        from kg.entities import LexiconRuler
        from kg.lexicon import load_lexicon

        lex = load_lexicon(lexicon)
        _add_jieba_words(lex, vocab)
        return LexiconRuler(lex, load_divisions(vocab) if gazetteer else None)

    @Language.factory(
        "stikg_name_patterns_v1",
        assigns=["doc._.name_candidates"],
        default_config={"lexicon": None, "vocab": None, "bodies": True},
    )
    def make_name_patterns(nlp: Language, name: str, lexicon: str | None, vocab: str | None, bodies: bool) -> Any:
        from kg.divisions import load_divisions
        from kg.entities import NamePatterns
        from kg.lexicon import load_lexicon
        from kg.vocab import load_vocabulary

        return NamePatterns(load_vocabulary(vocab), load_lexicon(lexicon), load_divisions(vocab) if bodies else None)

    @Language.factory(
        "stikg_entity_tagger_v1",
        requires=["doc._.name_candidates"],
        assigns=["doc._.name_candidates"],
        default_config={"model": None, "policy": "fill", "threshold": 0.9},
    )
    def make_entity_tagger(nlp: Language, name: str, model: str | None, policy: str, threshold: float) -> Any:
        from kg.tagger import EntityTagger

        return EntityTagger(model_dir(model), policy=policy, threshold=threshold)

    @Language.factory(
        "stikg_mentions_v1",
        requires=["doc._.name_candidates"],
        assigns=["doc.spans"],
        default_config={"lexicon": None, "vocab": None},
    )
    def make_mentions(nlp: Language, name: str, lexicon: str | None, vocab: str | None) -> Any:
        from kg._names import NameGrammar
        from kg.entities import MentionSelector
        from kg.lexicon import load_lexicon
        from kg.vocab import load_vocabulary

        return MentionSelector(load_lexicon(lexicon), NameGrammar(load_vocabulary(vocab)))

    @Language.factory(
        "stikg_doc_resolver_v1",
        requires=["doc.spans"],
        assigns=["doc._.entities", "doc.spans"],
        default_config={"vocab": None, "bodies": True},
    )
    def make_resolver(nlp: Language, name: str, vocab: str | None, bodies: bool) -> Any:
        from kg._names import NameGrammar
        from kg.divisions import load_divisions
        from kg.resolve import DocumentResolver
        from kg.vocab import load_vocabulary

        divisions = load_divisions(vocab)
        places = frozenset(n for e in divisions.entries for n in (e.label, *e.aliases))
        return DocumentResolver(divisions if bodies else None, NameGrammar(load_vocabulary(vocab), places))

    @Language.factory(
        "stikg_discourse_v1",
        requires=["doc._.entities"],
        assigns=["doc._.discourse"],
        default_config={"vocab": None},
    )
    def make_discourse(nlp: Language, name: str, vocab: str | None) -> Any:
        from kg.discourse import DiscourseTracker
        from kg.vocab import load_vocabulary

        return DiscourseTracker(load_vocabulary(vocab))

    @Language.factory(
        "stikg_relation_rules_v1",
        requires=["doc._.discourse"],
        assigns=["doc._.relations"],
        default_config={"vocab": None},
    )
    def make_relations(nlp: Language, name: str, vocab: str | None) -> Any:
        from kg.relations import RelationRules
        from kg.vocab import load_vocabulary

        return RelationRules(load_vocabulary(vocab))

    @Language.factory(
        "stikg_relation_model_v1",
        requires=["doc._.discourse"],
        assigns=["doc._.relations"],
        default_config={"vocab": None, "model": None, "threshold": 0.5, "veto": 1.0},
    )
    def make_relation_model(nlp: Language, name: str, vocab: str | None, model: str | None, threshold: float,
                            veto: float) -> Any:
        from kg.relmodel import RelationModel
        from kg.vocab import load_vocabulary

        return RelationModel(load_vocabulary(vocab), model_dir(model), threshold=threshold, veto=veto)

    @Language.factory(
        "stikg_observation_rules_v1",
        requires=["doc._.discourse"],
        assigns=["doc._.observations"],
        default_config={"vocab": None},
    )
    def make_observations(nlp: Language, name: str, vocab: str | None) -> Any:
        from kg.observations import ObservationRules
        from kg.vocab import load_vocabulary

        return ObservationRules(load_vocabulary(vocab))

    @registry.tokenizers("stikg_jieba_tokenizer_v1")
    def make_tokenizer() -> Any:
        from kg._tokenizer import JiebaTokenizer

        def create(nlp: Language) -> Any:
            return JiebaTokenizer(nlp.vocab)

        return create

    _registered = True


def model_dir(model: str | None) -> Path | None:
    """The model directory a config names (``null``: the shipped model, if there is one;
    ``"none"``: no model, the rules alone).

    A named directory that does not exist is a :class:`~kg.errors.ConfigError`.
    """
    if model is None:
        return DEFAULT_MODEL if DEFAULT_MODEL.is_dir() else None
    if model == NO_MODEL:
        return None
    path = Path(model)
    if not path.is_dir():
        raise ConfigError(f"{model}: no such model directory; give a directory written by `kg train`")
    return path


def _add_jieba_words(lexicon: Any, vocab: str | None) -> None:
    """Teach jieba the lexicon's names and the segmentation words (jieba's dictionary is global)."""
    import jieba

    from kg._jiebadict import initialize
    from kg.vocab import load_vocabulary

    jieba.setLogLevel(logging.WARNING)
    initialize()
    for word, freq, tag in lexicon.jieba_words():
        jieba.add_word(word, freq, tag)
    for word in load_vocabulary(vocab).segmentation_words:
        jieba.add_word(word, 2000)


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Any:
    """The pipeline config (``kg/pipeline.cfg`` unless ``path``), with ``overrides`` such as
    ``{"paths.lexicon": "my.tsv"}`` applied."""
    with _gc_paused():
        from thinc.api import Config

    cfg = Config().from_disk(path or CONFIG_PATH, interpolate=False)
    for dotted, value in (overrides or {}).items():
        node = cfg
        *parents, leaf = dotted.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return cfg


def pipeline_digest(config: Any = None) -> str:
    """A hash of the config and of every data file it names (lexicon, vocabulary, models).

    Worker processes are built from the same config, and the extraction cache is keyed by
    this digest, so a changed component, option or data file is never served stale.
    """
    from kg.lexicon import DEFAULT_PATH
    from kg.vocab import vocabulary_digest

    cfg = config if config is not None else load_config()
    h = hashlib.sha256(cfg.to_str().encode("utf-8"))
    paths = cfg.get("paths", {})
    lexicon = paths.get("lexicon")
    h.update(Path(lexicon or DEFAULT_PATH).read_bytes() if Path(lexicon or DEFAULT_PATH).is_file() else b"-")
    h.update(vocabulary_digest(paths.get("vocab")).encode())
    for key, value in sorted(paths.items()):
        if key == "model" and value is None:
            value = DEFAULT_MODEL
        if key not in ("lexicon", "vocab") and value and Path(str(value)).is_dir():
            for f in sorted(Path(str(value)).rglob("*")):
                if f.is_file():
                    h.update(str(f.relative_to(value)).encode() + hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()


def build_nlp(config: Any = None, *, lexicon_path: str | None = None) -> Language:
    """The stikg pipeline built from ``config`` (default: ``kg/pipeline.cfg``).

    ``lexicon_path`` is a shortcut for the override ``paths.lexicon``.
    """
    with _gc_paused():
        return _build_nlp(config, lexicon_path)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused, then what was made frozen (``gc.freeze``).

    Importing spaCy and building the pipeline make a million objects that live as long as the
    process and almost no garbage: the collector would walk them again and again, while they
    are made and at every full collection after (0.6 s of a `kg extract` start-up).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _build_nlp(config: Any, lexicon_path: str | None) -> Language:
    from spacy.util import load_model_from_config

    from kg._jiebadict import import_jieba
    from kg._jiebadict import initialize as initialize_jieba

    import_jieba().setLogLevel(logging.WARNING)
    initialize_jieba()  # before spaCy's tokenizer would load jieba's own (slower) cache
    _register()
    cfg = config if config is not None else load_config()
    if lexicon_path is not None:
        cfg = load_config(overrides={"paths.lexicon": lexicon_path}) if config is None else cfg
    try:
        return load_model_from_config(cfg, auto_fill=True, validate=True)
    except (ValueError, KeyError, TypeError, OSError) as exc:
        if isinstance(exc, KgError):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"the pipeline config cannot build a pipeline ({first}); start from kg/pipeline.cfg") from None


def get_nlp(config: Any = None) -> Language:
    """The process-wide pipeline for ``config`` (default config when ``None``), built on first use."""
    cfg = config if config is not None else load_config()
    key = cfg.to_str()
    with _lock:
        if key not in _cached:
            _cached[key] = build_nlp(cfg)
        return _cached[key]


def doc_text(doc: Any) -> str:
    """``doc.text``, read once (``Doc.text`` re-joins every token on each access)."""
    text = doc._.stikg_text
    if text is None:
        text = doc.text
        doc._.stikg_text = text
    return text


def token_spans(doc: Any) -> Tokens:
    """``(start, end)`` character offsets of the tokens of ``doc`` that are not whitespace, with the
    lists of their starts and ends (read once until the tokens are split, :func:`_split_at`: the
    list is shared, do not change it)."""
    spans = doc._.stikg_tokens
    if spans is None:
        from spacy.attrs import IDX, IS_SPACE, LENGTH

        from kg._names import Tokens

        rows = doc.to_array([IDX, LENGTH, IS_SPACE])
        rows = rows[rows[:, 2] == 0]
        spans = doc._.stikg_tokens = Tokens.of(rows[:, 0].tolist(), (rows[:, 0] + rows[:, 1]).tolist())
    return spans  # type: ignore[no-any-return]


def set_spans(doc: Any, group: str, spans: Iterable[Mentioned]) -> Any:
    """Store character spans ``(start, end, label, rule, canonical, kb_id)`` as ``doc.spans[group]``.

    Tokens are split where a span boundary falls inside one, so every span is exact (the other
    span groups are rebuilt on the new tokens: spaCy's retokenizer leaves them stale). The rule
    canonical name, label and kb_id of each span also go to ``doc._.mention_info[(start, end)]``
    (in text order), which later components read without touching the spans.
    """
    from bisect import bisect_left

    from spacy.attrs import IDX, LENGTH
    from spacy.tokens import Span

    spans = list(spans)
    doc = _split_at(doc, sorted({b for s, e, *_ in spans for b in (s, e)}))
    starts, lengths = doc.to_array([IDX, LENGTH]).T.tolist()
    ends = [s + n for s, n in zip(starts, lengths, strict=True)]
    info: dict[tuple[int, int], tuple[str | None, str | None, str, str | None]] = {}
    out = []
    for start, end, label, rule, canonical, kb in spans:
        out.append(Span(doc, bisect_left(starts, start), bisect_left(ends, end) + 1, label=label, kb_id=kb or ""))
        info[(start, end)] = (rule, canonical, label, kb)
    doc.spans[group] = out
    doc._.mention_info = info
    return doc


def _split_at(doc: Any, bounds: list[int]) -> Any:
    """Split the tokens that contain one of ``bounds`` strictly inside them."""
    from bisect import bisect_right

    from spacy.attrs import IDX, LENGTH

    starts, lengths = doc.to_array([IDX, LENGTH]).T.tolist()
    cuts: dict[int, list[int]] = {}
    for b in bounds:
        i = bisect_right(starts, b) - 1
        if i >= 0 and starts[i] < b < starts[i] + lengths[i]:
            cuts.setdefault(i, []).append(b - starts[i])
    if not cuts:
        return doc
    saved = {name: [(s.start_char, s.end_char, s.label_, s.kb_id_) for s in group] for name, group in doc.spans.items()}
    with doc.retokenize() as retok:
        for i, offsets in cuts.items():
            tok = doc[i]
            edges = [0, *sorted(set(offsets)), len(tok.text)]
            orths = [tok.text[a:b] for a, b in zip(edges, edges[1:], strict=False)]
            retok.split(tok, orths, heads=[(tok, k) for k in range(len(orths))])
    doc._.stikg_tokens = None  # token_spans reads the new tokens
    for name, items in saved.items():
        doc.spans[name] = [
            span for s, e, label, kb in items if (span := doc.char_span(s, e, label=label, kb_id=kb)) is not None
        ]
    return doc
