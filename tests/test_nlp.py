"""The extraction pipeline: registered components built from one config, nlp(text) end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import ConfigError
from kg.nlp import CONFIG_PATH, MENTIONS, build_nlp, load_config, pipeline_digest

FACTORIES = {
    "lexicon_ruler": "stikg_lexicon_ruler_v1",
    "name_patterns": "stikg_name_patterns_v1",
    "entity_tagger": "stikg_entity_tagger_v1",
    "mentions": "stikg_mentions_v1",
    "resolver": "stikg_doc_resolver_v1",
    "discourse": "stikg_discourse_v1",
    "relations": "stikg_relation_model_v1",
    "observations": "stikg_observation_rules_v1",
}


def test_the_pipeline_is_the_configs_components_in_order(nlp) -> None:
    assert nlp.pipe_names == list(FACTORIES)
    assert {name: nlp.get_pipe_meta(name).factory for name in nlp.pipe_names} == FACTORIES


def test_every_component_declares_what_it_assigns(nlp) -> None:
    for name in nlp.pipe_names:
        assert nlp.get_pipe_meta(name).assigns, name


def test_nlp_of_a_text_gives_mentions_entities_relations_and_figures(nlp) -> None:
    doc = nlp("“苏科贷”由江苏省科学技术厅主管，累计发放贷款 12 亿元。")
    spans = {(s.text, s.label_) for s in doc.spans[MENTIONS]}
    assert {("苏科贷", "LoanProduct"), ("江苏省科学技术厅", "Agency")} <= spans
    assert all(s.kb_id_ for s in doc.spans[MENTIONS])  # every mention is linked to its entity
    assert ("苏科贷", "administeredBy:passive", "江苏省科学技术厅") in [r[:3] for r in doc._.relations]
    assert [(o[0], o[2], o[3]) for o in doc._.observations] == [("苏科贷", 12.0, "亿元")]


def test_mentions_are_whole_tokens_even_where_the_segmenter_cut_elsewhere(nlp) -> None:
    doc = nlp("青藤技术转移服务平台累计服务企业300家。")
    for span in doc.spans[MENTIONS]:
        assert span.text == doc.text[span.start_char : span.end_char]


def test_a_component_is_swapped_by_a_config_change(tmp_path: Path) -> None:
    from spacy.language import Language

    from kg.pipeline import extract_text

    if "test_no_relations" not in Language.factories:

        @Language.factory("test_no_relations", assigns=["doc._.relations"])
        def make(nlp: Language, name: str):  # a stand-in for a trained relation component
            def call(doc):
                doc._.relations = []
                return doc

            return call

    cfg = load_config()
    cfg["components"]["relations"] = {"factory": "test_no_relations"}
    nlp = build_nlp(cfg)
    text = "“苏科贷”由江苏省科学技术厅主管。"
    assert extract_text(text, nlp=nlp).relations == []
    assert extract_text(text).relations  # the shipped config finds it


def test_a_config_that_cannot_make_a_pipeline_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.cfg"
    bad.write_text('[nlp]\nlang = "zh"\npipeline = ["nothing"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="pipeline config"):
        build_nlp(load_config(bad))


def test_the_digest_follows_the_config_and_its_data_files(tmp_path: Path) -> None:
    import shutil

    base = pipeline_digest(load_config())
    assert pipeline_digest(load_config()) == base
    vocab = tmp_path / "vocab"
    shutil.copytree(CONFIG_PATH.parent.parent / "ontology", vocab)
    moved = pipeline_digest(load_config(overrides={"paths.vocab": str(vocab)}))
    assert moved != base  # another config text
    (vocab / "names.toml").write_text((vocab / "names.toml").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert pipeline_digest(load_config(overrides={"paths.vocab": str(vocab)})) != moved


def test_the_cache_key_changes_with_the_pipeline(tmp_path: Path) -> None:
    from kg.cache import ExtractionCache

    a = ExtractionCache(tmp_path, "digest-a").key("d.txt", b"text")
    b = ExtractionCache(tmp_path, "digest-b").key("d.txt", b"text")
    assert a != b


@pytest.mark.slow
def test_worker_processes_extract_with_the_builds_config(tmp_path: Path) -> None:
    from kg.pipeline import build_corpus

    cfg = load_config()
    cfg["nlp"]["pipeline"] = [p for p in cfg["nlp"]["pipeline"] if p != "observations"]
    del cfg["components"]["observations"]
    path = tmp_path / "no-figures.cfg"
    cfg.to_disk(path)
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(2):
        (docs / f"d{i}.txt").write_text("“苏科贷”累计发放贷款 12 亿元。", encoding="utf-8")
    default = build_corpus([docs], workers=2)
    swapped = build_corpus([docs], workers=2, config=path)
    assert default.corpus.observations and not swapped.corpus.observations
