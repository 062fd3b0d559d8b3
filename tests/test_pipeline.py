"""The pipeline end to end: evidence that points into the original text, SHACL conformance, encodings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.documents import read_document
from kg.pipeline import extract_document

SAMPLE = (
    "宁波市科学技术局\n\n甬科提复〔2025〕3号\n\n关于“推进技术转移”的答复\n\n张三委员：\n\n"
    "近年来，宁波市科学技术局搭建启明技术转移服务平台，截至 2024 年末累计服务企业 1200 余家，"
    "促成技术交易超过 35.6 亿元。“创星贷”主要支持科技型中小企业，全年为 860 家科技型中小企业提供贷款 12.5 亿元。\n\n"
    "宁波市科学技术局\n\n2025 年 3 月 8 日\n"
)


def test_every_evidence_text_is_the_readable_text_at_its_offsets(seeds_build, quotes) -> None:
    docs = {d.id: d for d in seeds_build.corpus.documents}
    facts = [*seeds_build.corpus.relations, *seeds_build.corpus.observations]
    assert facts
    for fact in facts:
        ev = fact.evidence
        assert quotes(docs[ev.doc], ev.start, ev.end, ev.text)


def test_every_entity_mention_points_at_its_name(seeds_build) -> None:
    from kg.resolve import name_key

    texts = {d.id: d.text for d in seeds_build.corpus.documents}
    for e in seeds_build.corpus.entities:
        names = {name_key(n) for n in [e.label, *e.aliases]}
        for doc, start, end in e.mentions:
            assert name_key(texts[doc][start:end]) in names or name_key(texts[doc][start:end])


def test_the_built_seeds_graph_conforms_to_its_shapes(seeds_build) -> None:
    assert [str(v) for v in seeds_build.violations if v.severity == "Violation"] == []


def test_build_writes_every_output_file(seeds_graph: Path) -> None:
    for name in ("stikg.ttl", "stikg.nq", "graph.json", "extraction.jsonl"):
        assert (seeds_graph / name).stat().st_size > 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"], ids=str)
def test_a_document_in_any_supported_encoding_gives_the_same_extraction(nlp, quotes, tmp_path, encoding) -> None:
    path = tmp_path / "reply.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    x = extract_document(read_document(path), nlp=nlp)
    out = x.to_json()
    assert out["doc"]["number"] == "甬科提复〔2025〕3号"
    assert out["doc"]["date"] == "2025-03-08"
    labels = {e["label"] for e in out["entities"]}
    assert {"宁波市科学技术局", "启明技术转移服务平台", "创星贷", "科技型中小企业"} <= labels
    for item in out["relations"] + out["observations"]:
        ev = item["evidence"]
        assert quotes(x.doc, ev["start"], ev["end"], ev["text"])


def test_extraction_json_follows_the_spec(nlp, tmp_path) -> None:
    path = tmp_path / "reply.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    out = json.loads(json.dumps(extract_document(read_document(path), nlp=nlp).to_json()))
    ids = {e["id"] for e in out["entities"]}
    assert all({"id", "type", "label", "aliases", "mentions"} <= set(e) for e in out["entities"])
    assert all(r["head"] in ids and r["tail"] in ids for r in out["relations"])
    assert all(o["subject"] in ids for o in out["observations"])
    figures = {(o["value"], o["unit"]) for o in out["observations"]}
    assert {(1200.0, "家"), (35.6, "亿元"), (12.5, "亿元")} <= figures


def test_sparql_evidence_of_a_markdown_document_has_no_markup(tmp_path) -> None:
    from kg.pipeline import build
    from kg.store import query

    doc = tmp_path / "reply.md"
    doc.write_text("# 宁波市科学技术局\n\n“**创星贷**”主要支持**科技型中小企业**，全年为 860 家企业提供贷款 12.5 亿元。\n",
                   encoding="utf-8")
    build([doc], tmp_path / "out", validate=False, cache=None)
    rows = query(tmp_path / "out", """SELECT ?text ?start ?end WHERE {
        ?s stikg:evidenceText ?text ; stikg:startOffset ?start ; stikg:endOffset ?end }""").values()
    assert rows
    original = doc.read_text(encoding="utf-8")
    for row in rows:
        assert row["text"] == "“创星贷”主要支持科技型中小企业，全年为 860 家企业提供贷款 12.5 亿元。"
        assert original[row["start"] : row["end"]] == (
            "“**创星贷**”主要支持**科技型中小企业**，全年为 860 家企业提供贷款 12.5 亿元。")


def test_build_keeps_each_documents_text_and_drops_those_of_an_earlier_build(tmp_path) -> None:
    from kg.pipeline import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "上海市科学技术委员会\n\n市科委打造InnoMatch全球技术供需对接平台，为高新技术企业提供服务。\n"
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    (corpus / "b.txt").write_text(text.replace("InnoMatch", "东部中心"), encoding="utf-8")
    out = tmp_path / "out"
    build([corpus], out, validate=False)
    assert sorted(p.name for p in (out / "texts").iterdir()) == ["a.txt", "b.txt"]
    assert (out / "texts" / "a.txt").read_text(encoding="utf-8") == text
    (corpus / "b.txt").unlink()
    build([corpus], out, validate=False)
    assert sorted(p.name for p in (out / "texts").iterdir()) == ["a.txt"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_long_document_reports_each_piece_up_to_its_length(nlp) -> None:
    doc = read_document(sorted(Path("seeds").glob("*.txt"))[0])
    seen: list[tuple[int, int]] = []
    extract_document(doc, nlp=nlp, chunk_chars=1500, on_piece=lambda done, total: seen.append((done, total)))
    assert len(seen) > 1
    assert [d for d, _ in seen] == sorted({d for d, _ in seen})  # strictly increasing
    assert seen[-1][0] == seen[-1][1] == len(doc.clean)
