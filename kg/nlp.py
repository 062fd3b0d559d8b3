"""``build_nlp()``: spaCy ``blank("zh")`` with the jieba segmenter and the stikg components.

This is the one place where pipeline components are registered, each under a
versioned name. The components do their work at character level, so a name
the lexicon knows is found whatever jieba makes of the text around it; the
jieba tokens only serve to find where an unknown name starts.

Example
-------
>>> nlp = build_nlp()                                   # doctest: +SKIP
>>> doc = nlp("市科委打造InnoMatch全球技术供需对接平台。")  # doctest: +SKIP
>>> [(m.text, m.type) for m in doc._.mentions]          # doctest: +SKIP
[('市科委', 'Agency'), ('InnoMatch全球技术供需对接平台', 'Platform')]
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.lexicon import Lexicon

__all__ = ["build_nlp", "get_nlp"]

MENTION_FINDER = "stikg_mention_finder_v1"

_lock = threading.Lock()
_cached: dict[int, Any] = {}
_registered = False


def _register() -> None:
    """Register the stikg factories with spaCy (once per process)."""
    global _registered
    if _registered:
        return
    from spacy.language import Language
    from spacy.tokens import Doc

    from kg.entities import MentionFinder

    if not Doc.has_extension("mentions"):
        Doc.set_extension("mentions", default=None)

    @Language.factory(MENTION_FINDER, default_config={"lexicon_path": None})
    def make_mention_finder(nlp: Language, name: str, lexicon_path: str | None) -> MentionFinder:
        from kg.lexicon import load_lexicon

        return MentionFinder(load_lexicon(lexicon_path))

    _registered = True


def _quiet_jieba(lexicon: Lexicon) -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for word, freq, tag in lexicon.jieba_words():
        jieba.add_word(word, freq, tag)
    from kg.entities import SEGMENTATION_WORDS

    for word in SEGMENTATION_WORDS:
        jieba.add_word(word, 2000)


def build_nlp(*, lexicon_path: str | None = None) -> Language:
    """A blank Chinese pipeline: jieba segmentation (with the lexicon) + mention finder."""
    import spacy

    from kg.lexicon import load_lexicon

    _register()
    _quiet_jieba(load_lexicon(lexicon_path))
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe(MENTION_FINDER, config={"lexicon_path": lexicon_path})
    return nlp


def get_nlp() -> Language:
    """The process-wide default pipeline, built on first use."""
    with _lock:
        if 0 not in _cached:
            _cached[0] = build_nlp()
        return _cached[0]
