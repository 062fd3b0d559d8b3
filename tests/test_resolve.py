"""Resolution: one entity per real thing, within a document and across documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.documents import read_text_document
from kg.model import Entity
from kg.pipeline import _local_name, extract_document
from kg.resolve import CorpusResolver, name_key, resolve_corpus

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _extract(nlp, text: str, doc_id: str = "t"):
    return extract_document(read_text_document(text, id=doc_id, path=f"{doc_id}.txt"), nlp=nlp)


def _names(x) -> dict[str, set[str]]:
    return {e.label: set(e.aliases) for e in x.entities}


def test_lexicon_short_form_joins_the_full_name(nlp) -> None:
    x = _extract(nlp, "上海市科学技术委员会印发通知。市科委将加强宣传。")
    assert _names(x)["上海市科学技术委员会"] == {"市科委"}


def test_declared_alias_joins_its_name(nlp) -> None:
    x = _extract(nlp, "建设青藤技术转移服务平台（以下简称“青藤平台”）。青藤平台累计服务企业 300 家。")
    ent = next(e for e in x.entities if e.label == "青藤技术转移服务平台")
    assert "青藤平台" in ent.aliases
    assert len(ent.mentions) == 3


def test_name_without_its_place_prefix_is_the_same_thing(nlp) -> None:
    x = _extract(nlp, "加快建设上海星火技术商城。星火技术商城累计挂牌成果 300 项。")
    assert "星火技术商城" in _names(x)["上海星火技术商城"]


def test_name_with_a_middle_part_left_out_is_the_same_thing(nlp) -> None:
    x = _extract(nlp, "建设 InnoMatch 全球技术供需对接平台。InnoMatch 平台汇聚需求 400 项。")
    labels = [e.label for e in x.entities if e.type == "Platform"]
    assert len(labels) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [("《技术转移，技术评价规范》", "技术转移,技术评价规范"), ("InnoMatch 平台", "InnoMatch平台"), ("中以（上海）创新园", "中以(上海)创新园")],
    ids=["title-punctuation", "spacing", "bracket-width"],
)
def test_name_key_ignores_spacing_quotes_and_width(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_entities_sharing_a_name_merge_across_documents() -> None:
    a = Entity(key="东部中心", label="东部中心", type="Platform", mentions=[("d1", 0, 4)])
    b = Entity(key="国家技术转移东部中心", label="国家技术转移东部中心", type="Platform",
               aliases=["东部中心"], mentions=[("d2", 5, 15)])
    merged, remap = resolve_corpus([[a], [b]])
    assert len(merged) == 1
    assert merged[0].label == "国家技术转移东部中心"
    assert remap["东部中心"] == remap["国家技术转移东部中心"] == merged[0].key


def test_keys_do_not_depend_on_document_order() -> None:
    a = Entity(key="创新券", label="创新券", type="Program", aliases=["科技创新券"], mentions=[("d1", 0, 3)])
    b = Entity(key="科技创新券", label="科技创新券", type="Program", mentions=[("d2", 0, 5)])
    assert [e.key for e in resolve_corpus([[a], [b]])[0]] == [e.key for e in resolve_corpus([[b], [a]])[0]]



def test_the_key_most_documents_use_wins_and_the_first_scope_is_kept() -> None:
    resolver = CorpusResolver()
    resolver.add([Entity(key="高企贷", label="高企贷", type="LoanProduct")])
    resolver.add([Entity(key="上海/高企贷", label="高企贷", type="Program", scope="上海")])
    resolver.add([Entity(key="上海/高企贷", label="高企贷", type="Program", scope="上海", aliases=["高新企业贷"])])
    resolver.add([Entity(key="浙江/高企贷", label="高企贷", type="Program", scope="浙江")])
    merged, remap = resolver.resolve()
    by_key = {e.key: e for e in merged}
    assert remap["上海/高企贷"] == "上海/高企贷" and by_key["上海/高企贷"].scope == "上海"
    assert by_key["上海/高企贷"].aliases == ["高新企业贷"] and by_key["上海/高企贷"].mentions == []
    assert remap["浙江/高企贷"] == "浙江/高企贷"  # another province's 高企贷 stays apart
    assert remap["高企贷"] == "高企贷"  # an unscoped name joins no scoped entity


def reference_merge(per_doc, local):
    """Cross-document resolution written the plain way, every entity object held: the oracle."""
    from collections import Counter, defaultdict

    from kg.resolve import _Groups, _label_rank

    groups = _Groups()
    for ents in per_doc:
        for e in ents:
            groups.find(e.key)
            for n in [e.label, *e.aliases]:
                if e.scope:
                    groups.union(e.key, f"{e.scope}/{name_key(n)}")
                elif not local(n):
                    groups.union(e.key, name_key(n))
    members = defaultdict(list)
    for ents in per_doc:
        for e in ents:
            members[groups.find(e.key)].append(e)
    out, remap = [], {}
    for _root, es in sorted(members.items()):
        keys = Counter(e.key for e in es)
        key = sorted(keys, key=lambda k: (-keys[k], -len(k), k))[0]
        labels = [e.label for e in es]
        label = max([n for n in labels if name_key(n) == key] or labels, key=_label_rank)
        types = Counter(e.type for e in es)
        dedup = {}
        for a in sorted({n for e in es for n in [e.label, *e.aliases]} - {label}):
            if name_key(a) != name_key(label):
                dedup.setdefault(name_key(a), a)
        scope = next((e.scope for e in es if e.scope), None)
        mentions = sorted({m for e in es for m in e.mentions})
        out.append((key, label, sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))[0][0], list(dedup.values()),
                    scope, mentions))
        remap.update({e.key: key for e in es})
    return sorted(out), remap


def test_the_compact_resolver_matches_holding_every_entity(seeds_build) -> None:
    per_doc = [x.entities for x in seeds_build.extractions] + [[
        Entity(key="浙江/创新券", label="创新券", type="Program", scope="浙江", mentions=[("z", 0, 3)]),
        Entity(key="创新券", label="创新券", type="Voucher", aliases=["科技创新券"], mentions=[("z", 9, 12)]),
    ]]
    merged, remap = resolve_corpus(per_doc, local=_local_name())
    expected, expected_remap = reference_merge(per_doc, _local_name())
    assert remap == expected_remap
    assert [(e.key, e.label, e.type, e.aliases, e.scope, e.mentions) for e in merged] == expected


ZHEJIANG = "浙科发〔2022〕3号\n\n浙江省科学技术厅关于创新券工作的通知\n\n2022年，全省发放创新券12.6亿元，市科委积极配合。\n"
JIANGSU = "苏科计〔2023〕9号\n\n江苏省科学技术厅\n\n创新券由省科技厅主管。2023年兑付创新券3亿元。\n"
BEIJING = "京科发〔2021〕5号\n\n北京市科学技术委员会\n\n市科委将优化创新券服务。\n"


@pytest.fixture(scope="module")
def provinces_build(tmp_path_factory: pytest.TempPathFactory):
    """The seeds built together with a Zhejiang, a Jiangsu and a Beijing document."""
    import shutil

    from kg.pipeline import build_corpus

    docs = tmp_path_factory.mktemp("docs")
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, docs / seed.name)
    for name, text in (("zj.txt", ZHEJIANG), ("js.txt", JIANGSU), ("bj.txt", BEIJING)):
        (docs / name).write_text(text, encoding="utf-8")
    return build_corpus([docs]).corpus


def test_a_name_many_provinces_use_is_one_node_per_province(provinces_build) -> None:
    vouchers = [e for e in provinces_build.entities if "创新券" in (e.label, *e.aliases) or e.label == "科技创新券"]
    assert sorted(e.display_label for e in vouchers) == ["创新券 (北京)", "创新券 (江苏)", "创新券 (浙江)", "科技创新券 (上海)"]


def test_a_scoped_node_has_only_its_own_provinces_figures(provinces_build) -> None:
    zj = next(e for e in provinces_build.entities if e.display_label == "创新券 (浙江)")
    sh = next(e for e in provinces_build.entities if e.display_label == "科技创新券 (上海)")
    assert [o.value for o in provinces_build.observations if o.subject == zj.key] == [12.6]
    assert 12.6 not in [o.value for o in provinces_build.observations if o.subject == sh.key]
    assert {d for d, _, _ in zj.mentions} == {"zj"}


def test_the_same_short_form_in_two_cities_is_two_agencies(provinces_build) -> None:
    from kg.graph import entity_iri

    commissions = {e.display_label: e for e in provinces_build.entities if "市科委" in (e.label, *e.aliases)}
    assert "上海市科学技术委员会" in commissions  # Shanghai's 市科委 is the one the lexicon names
    beijing = [e for e in commissions.values() if "bj" in {d for d, _, _ in e.mentions}]
    assert beijing and all("seeds" not in e.key and e.label != "上海市科学技术委员会" for e in beijing)
    assert entity_iri("创新券", "Voucher", "浙江").endswith("/Program/浙江/创新券")


def test_a_body_named_by_level_takes_the_documents_place() -> None:
    from kg.pipeline import extract_text

    x = extract_text(BEIJING, doc_id="bj")
    commission = next(e for e in x.entities if e.label in ("市科委", "北京市科学技术委员会"))
    assert commission.label == "北京市科学技术委员会" and "市科委" in commission.aliases
