"""Places and government bodies of all of China, from the division list, without listing them."""

from __future__ import annotations

import pytest

from kg.divisions import load_divisions


@pytest.fixture(scope="module")
def div():
    return load_divisions()


@pytest.mark.parametrize(
    ("name", "label"),
    [("徐州", "徐州市"), ("徐州市", "徐州市"), ("江苏", "江苏省"), ("虹口区", "虹口区"), ("大湾区", "粤港澳大湾区"), ("苏南", "苏南")],
    ids=["city-short", "city", "province-short", "district", "region-alias", "region"],
)
def test_places_by_full_and_short_name(div, name: str, label: str) -> None:
    assert div.label_of(name) == label


@pytest.mark.parametrize("word", ["和平", "新华", "来宾", "城区"], ids=str)
def test_short_forms_that_are_ordinary_words_are_not_places(div, word: str) -> None:
    assert div.label_of(word) is None


@pytest.mark.parametrize(
    ("text", "bodies"),
    [
        ("会同江苏省徐州市科技局和省财政厅", ["江苏省徐州市科技局", "省财政厅"]),
        ("在市委、市政府的领导下", ["市委", "市政府"]),
        ("陕西省委省政府高度重视", ["陕西省委省政府"]),
        ("人民银行广州分行推出专项行动", ["人民银行广州分行"]),
        ("临沂市金融监管分局扎实做好科技金融", ["临沂市金融监管分局"]),
        ("社区委员会和城市更新", []),
        ("科技局负责", []),
    ],
    ids=["division-run-and-level", "two-bodies", "joint-body", "central-bank-branch", "regulator", "ordinary-words", "no-place"],
)
def test_bodies_by_place_and_body_name(div, text: str, bodies: list[str]) -> None:
    assert [text[s:e] for s, e, _ in div.find_bodies(text)] == bodies


@pytest.mark.parametrize(
    ("name", "parsed"),
    [
        ("湖北省科学技术厅", ("湖北省", "province", "科学技术厅")),
        ("省科技厅", (None, "province", "科学技术厅")),
        ("杭州市科技局", ("杭州市", "city", "科学技术局")),
        ("市科委", (None, "city", "科学技术委员会")),
        ("科技局", None),
    ],
    ids=["full", "level-and-short-body", "city", "municipal-short", "no-place"],
)
def test_a_body_name_is_read_as_place_level_and_body(div, name: str, parsed) -> None:
    assert div.parse_body(name) == parsed


def test_the_caches_keyed_by_text_stay_bounded_over_a_long_build(monkeypatch) -> None:
    import kg._names
    from kg.vocab import load_vocabulary

    monkeypatch.setattr(kg._names, "CACHE_LIMIT", 5)
    grammar = kg._names.NameGrammar(load_vocabulary())
    divisions = load_divisions()
    for i in range(50):
        word = f"第{i}号科技园区"
        grammar.generic(word)
        grammar.suffix_of(word)
        grammar.has_place(word)
        divisions.parse_body(f"第{i}号区科技局")
    assert max(len(grammar._generic_cache), len(grammar._suffix_cache), len(grammar._has_place),
               len(divisions._parsed)) <= 5
    assert divisions.parse_body("江苏省科技厅") == ("江苏省", "province", "科学技术厅")  # still answers right
