"""The vocabulary in data files: loading, clear errors, and the digest the cache keys on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.vocab import DEFAULT_DIR, FILES, VocabularyError, load_vocabulary, vocabulary_digest


@pytest.fixture()
def vocab_dir(tmp_path: Path) -> Path:
    for name in FILES:
        shutil.copy(DEFAULT_DIR / name, tmp_path / name)
    return tmp_path


def test_the_shipped_vocabulary_loads() -> None:
    v = load_vocabulary()
    assert "委员会" in v.suffixes["Agency"] and v.subtypes["大学"] == "University"
    assert v.figures.qualifier("不超过") == "upper" and v.figures.qualifier("以上") == "lower"
    assert v.figures.relative_years["去年"] == -1
    assert "王" in v.surnames and "欧阳" in v.compound_surnames


def test_a_missing_file_names_itself(vocab_dir: Path) -> None:
    (vocab_dir / "figures.toml").unlink()
    with pytest.raises(VocabularyError, match="figures.toml: vocabulary file not found"):
        load_vocabulary(vocab_dir)


def test_a_malformed_file_names_itself(vocab_dir: Path) -> None:
    (vocab_dir / "names.toml").write_text("[suffixes\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match="names.toml: not valid TOML"):
        load_vocabulary(vocab_dir)


def test_a_bad_year_pattern_is_reported(vocab_dir: Path) -> None:
    text = (vocab_dir / "figures.toml").read_text(encoding="utf-8").replace("present = '", "present = '(")
    (vocab_dir / "figures.toml").write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"\[years\] present"):
        load_vocabulary(vocab_dir)


def test_editing_a_file_changes_the_digest(vocab_dir: Path) -> None:
    before = vocabulary_digest(vocab_dir)
    with open(vocab_dir / "relations.toml", "a", encoding="utf-8") as fh:
        fh.write("\n# another trigger word later\n")
    assert vocabulary_digest(vocab_dir) != before


def test_moving_to_another_province_is_a_data_change(vocab_dir: Path) -> None:
    """A new body name in agencies.toml is found after any place, with no code change."""
    from kg.divisions import Divisions

    text = (vocab_dir / "agencies.toml").read_text(encoding="utf-8").replace('agency = """', 'agency = """数据资源局 ', 1)
    (vocab_dir / "agencies.toml").write_text(text, encoding="utf-8")
    bodies = [t for _, _, t in Divisions(load_vocabulary(vocab_dir)).find_bodies("由福建省数据资源局负责")]
    assert bodies == ["Agency"]
    assert list(Divisions(load_vocabulary()).find_bodies("由福建省数据资源局负责")) == []
