"""Tests for kg.lexicon: the shipped lexicon, lookup, jieba words and malformed files."""

from pathlib import Path

import pytest

from kg.lexicon import (
    SUBCLASS_OF,
    Lexicon,
    LexiconError,
    load_lexicon,
    normalize_name,
    parse_lexicon,
)
from kg.model import ENTITY_TYPES


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lexicon.tsv"
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped file -------------------------------------------------------------


def test_shipped_lexicon_loads_with_hundreds_of_entries(lexicon: Lexicon) -> None:
    assert len(lexicon) >= 500


def test_shipped_lexicon_has_no_duplicate_names(lexicon: Lexicon) -> None:
    keys = [normalize_name(n) for n in lexicon.names() + lexicon.blocked()]
    assert len(keys) == len(set(keys))


def test_shipped_lexicon_covers_every_spec_type(lexicon: Lexicon) -> None:
    assert {e.base_type for e in lexicon} == set(ENTITY_TYPES)


@pytest.mark.parametrize(
    ("alias", "label"),
    [
        ("市科委", "上海市科学技术委员会"),
        ("上海市科委", "上海市科学技术委员会"),
        ("东部中心", "国家技术转移东部中心"),
        ("创新券", "科技创新券"),
        ("InnoMatch", "InnoMatch全球技术供需对接平台"),
        ("科技部火炬中心", "科学技术部火炬高技术产业开发中心"),
        ("国创中心", "长三角国家技术创新中心"),
        ("高企", "高新技术企业"),
        ("科改 25 条", "关于进一步深化科技体制机制改革增强科技创新中心策源能力的意见"),
    ],
    ids=[
        "shi-kewei",
        "shanghai-kewei",
        "eastern-centre",
        "voucher",
        "innomatch",
        "torch",
        "ncti",
        "gaoqi",
        "kegai25",
    ],
)
def test_alias_resolves_to_its_entry(lexicon: Lexicon, alias: str, label: str) -> None:
    entry = lexicon.by_name(alias)
    assert entry is not None and entry.label == label


def test_lookup_ignores_quotes_spaces_and_width(lexicon: Lexicon) -> None:
    entry = lexicon.by_name("“创·在上海” 国际创新创业大赛")
    assert entry is not None and entry.type == "Event"
    assert lexicon.by_name("中以(上海)创新园") is lexicon.by_name("中以（上海）创新园")


def test_unknown_name_is_none(lexicon: Lexicon) -> None:
    assert lexicon.by_name("不存在的机构") is None


@pytest.mark.parametrize(
    ("name", "type_", "base_type"),
    [
        ("高企贷", "LoanProduct", "Program"),
        ("创新券", "Voucher", "Program"),
        ("扬帆专项", "TalentProgram", "Program"),
        ("上技所", "Exchange", "Platform"),
        ("交大", "University", "Organization"),
        ("市科协", "Association", "Organization"),
        ("浦发银行", "Bank", "Organization"),
        ("市科委", "Agency", "Agency"),
    ],
    ids=["loan", "voucher", "talent", "exchange", "university", "association", "bank", "agency"],
)
def test_subclass_maps_to_base_type(
    lexicon: Lexicon, name: str, type_: str, base_type: str
) -> None:
    entry = lexicon.by_name(name)
    assert entry is not None and (entry.type, entry.base_type) == (type_, base_type)


def test_every_subclass_maps_to_a_spec_type() -> None:
    assert set(SUBCLASS_OF.values()) <= set(ENTITY_TYPES)


def test_not_a_name_rows_are_blocked_not_entries(lexicon: Lexicon) -> None:
    assert "科技部门" in lexicon.blocked()
    assert lexicon.by_name("科技部门") is None


# --- names() and jieba_words() ------------------------------------------------------


def test_names_are_longest_first(lexicon: Lexicon) -> None:
    lengths = [len(n) for n in lexicon.names()]
    assert lengths == sorted(lengths, reverse=True)


def test_jieba_words_are_normalised_and_tagged() -> None:
    lex = parse_lexicon(
        "Agency\t上海市科学技术委员会\t市科委\nEvent\t“创·在上海”大赛\nPlace\t闵行区\t闵行\n"
    )
    words = {w: (f, t) for w, f, t in lex.jieba_words()}
    assert words["市科委"][1] == "nt" and words["闵行"][1] == "ns"
    assert "创·在上海大赛" not in words  # "·" splits jieba blocks, so it cannot be one word
    assert words["上海市科学技术委员会"][0] > words["闵行"][0]


def test_jieba_keeps_names_whole_without_splitting_ordinary_words(lexicon: Lexicon) -> None:
    jieba = pytest.importorskip("jieba")
    tokenizer = jieba.Tokenizer()
    for word, freq, tag in lexicon.jieba_words():
        tokenizer.add_word(word, freq, tag)
    assert "上海市科学技术委员会" in tokenizer.lcut("上海市科学技术委员会印发通知")
    assert "交大" not in tokenizer.lcut("企业提交大量材料")


# --- malformed files ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("# header\nAgency\n", 2, "columns"),
        ("Agency\ta\tb\tc\n", 1, "columns"),
        ("\nAgnecy\t市科委\n", 2, "unknown type"),
        ("Agency\t市科委\nAgency\t上海市科学技术委员会\t市科委\n", 2, "duplicate name"),
        ("Agency\t上海市科学技术委员会\t上海市 科学技术委员会\n", 1, "duplicate name"),
        ("Agency\t市科委\t|科委\n", 1, "shorter than"),
    ],
    ids=[
        "one-column",
        "four-columns",
        "unknown-type",
        "duplicate-across-lines",
        "duplicate-in-line",
        "empty-alias",
    ],
)
def test_malformed_row_raises_with_line_number(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(LexiconError, match=message) as info:
        load_lexicon(path)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path.resolve()}:{line}:")


def test_missing_file_raises_lexicon_error(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "absent.tsv")


def test_comments_blank_lines_and_two_columns_are_accepted(tmp_path: Path) -> None:
    lex = load_lexicon(
        write(tmp_path, "# c\n\nPlace\t上海市\tShanghai|上海\nEvent\t浦江创新论坛\n")
    )
    assert [e.label for e in lex] == ["上海市", "浦江创新论坛"]
    assert lex.by_name("浦江创新论坛").aliases == ()
