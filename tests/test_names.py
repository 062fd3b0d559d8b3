"""kg.names: the one character set names drop, clean_name (IRIs, lexicon) and name_key (matching)."""

from __future__ import annotations

import doctest
import re

import pytest

import kg.names
from kg.names import DROP_CHARS, DROP_PATTERN, QUOTE_MARKS, casefold_table, clean_name, name_key

TRICKY = [
    "ＩｎｎｏＭａｔｃｈ全球技术供需对接平台",
    "《上海市科技创新券管理办法（试行）》",
    "“高企贷”",
    "「科创助力贷」『扬帆专项』〈规范〉",
    "InnoMatch 平台",
    "上海\u3000技术\u00a0交易所\t\n",
    "ＡＢＣ科委",
    "Straße ΣΑΣ",
    "技术转移，技术评价规范、服务·规范：",
    "'单引号' \"双引号\" ‘弯引号’",
]


def test_doctests():
    assert doctest.testmod(kg.names).failed == 0


def test_drop_set_is_whitespace_and_quote_marks():
    assert set(QUOTE_MARKS) == set("《》〈〉“”\"'‘’「」『』")
    assert {c for c in DROP_CHARS if not c.isspace()} == set(QUOTE_MARKS)
    assert all(c in DROP_CHARS for c in " \t\n\r\u3000\u00a0\u2002\u202f")


def test_pattern_source_matches_exactly_the_drop_set():
    drop = re.compile(DROP_PATTERN)
    assert all(drop.fullmatch(c) for c in DROP_CHARS)
    assert not any(drop.fullmatch(c) for c in "，、·：,.:;（）()-")


@pytest.mark.parametrize("name", TRICKY)
def test_name_key_is_clean_name_casefolded(name):
    assert name_key(name) == clean_name(name).casefold()
    assert not set(clean_name(name)) & set(DROP_CHARS)


def test_clean_name_keeps_case_and_punctuation():
    assert clean_name("《技术转移，技术评价规范》") == "技术转移,技术评价规范"
    assert clean_name("ＩｎｎｏＭａｔｃｈ 平台") == "InnoMatch平台"


def test_casefold_table_turns_lower_case_into_casefold():
    table = casefold_table()
    for name in TRICKY:
        assert "".join(table.get(c, c) for c in clean_name(name).lower()) == name_key(name)


@pytest.mark.parametrize(
    "module", ["kg.lexicon", "kg.graph", "kg.paths", "kg.explorer"],
)
def test_no_module_keeps_its_own_drop_set(module):
    """The modules that used to carry their own copy now take kg.names'."""
    import importlib
    import inspect

    source = inspect.getsource(importlib.import_module(module))
    assert "《》" not in source
