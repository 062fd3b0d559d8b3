"""Write the hand-made mini graph (graph.json, stikg.nq, stikg.ttl) of this folder.

The facts below are written by hand, in the shape `kg build` produces
(docs/ARCHITECTURE.md: RDF conventions and graph.json); evidence sentences are
quoted or condensed from seeds/. Run from the repository root:

    python tests/data/minigraph/make_minigraph.py   # from the repository root
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path
from urllib.parse import quote

from rdflib import RDF, XSD, BNode, Dataset, Literal, Namespace, URIRef  # noqa: F401

HERE = Path(__file__).parent
STIKG = Namespace("https://w3id.org/stikg/ontology#")
RES = Namespace("https://w3id.org/stikg/resource/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCT = Namespace("http://purl.org/dc/terms/")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")

D1, D3, D4 = "001_b114b532624690f8", "003_ad9b0b437a45fd86", "004_1856f325c288e0b0"
DOCUMENTS = {
    D1: {"path": f"seeds/{D1}.txt", "number": "沪科提复〔2023〕45号", "date": "2023-05-16",
         "title": "关于产业与科学的桥梁机制建立的建议", "agency": "上海市科学技术委员会"},
    D3: {"path": f"seeds/{D3}.txt", "number": None, "date": None,
         "title": "提升企业创新能力，加速科技成果转移转化", "agency": None},
    D4: {"path": f"seeds/{D4}.txt", "number": "沪科建复〔2024〕43号", "date": "2024-06-05",
         "title": "关于上海市持续增强科技创新能力的建议", "agency": "上海市科学技术委员会"},
}

# (type, label, aliases, docs)
ENTITIES = [
    ("Agency", "上海市科学技术委员会", ["市科委", "上海市科委"], [D1, D3, D4]),
    ("Agency", "上海市人民政府办公厅", ["市政府办公厅"], [D3]),
    ("Program", "高企贷", [], [D1, D3, D4]),
    ("Program", "科创助力贷", [], [D3, D4]),
    ("Program", "科技创新券", ["创新券"], [D3]),
    ("Program", "技术经理人协作奖励", ["协作奖励"], [D4]),
    ("TargetGroup", "高新技术企业", ["高企"], [D1, D3, D4]),
    ("TargetGroup", "科技型中小企业", [], [D1, D4]),
    ("Platform", "InnoMatch全球技术供需对接平台", ["InnoMatch平台", "InnoMatch"], [D1, D4]),
    ("Platform", "全球技术供需对接网络", [], [D4]),
    ("Platform", "国家技术转移东部中心", ["东部中心"], [D3]),
    ("Platform", "上海技术交易所", ["上技所"], [D3]),
    ("Event", "全球技术转移大会", [], [D4]),
    ("Event", "长三角国际创新挑战赛", [], [D4]),
    ("Place", "长三角", ["长江三角洲"], [D4]),
    ("Place", "闵行", ["闵行区"], [D3]),
    ("Organization", "宁德时代", [], [D4]),
    ("Organization", "阿斯利康", [], [D4]),
    ("Organization", "上海交通大学", ["上海交大"], [D3]),
    ("PolicyDocument", "上海市促进科技成果转化行动方案（2021—2023）", [], [D3]),
    ("PolicyDocument", "上海市科技创新券管理办法（试行）", [], [D3]),
]

# (head, relation, tail, [(doc, start, text, rule, confidence)])
EDGES = [
    ("高企贷", "targets", "高新技术企业", [
        (D3, 5120, "全年8家试点合作银行为3983家高新技术企业提供各类信贷支持1521.63亿元。", "targets:为…提供", 0.8),
        (D4, 2480, "截至 2023 年末，“高企贷”当年为 9729 家高企提供各类信贷支持 3534.78 亿元；", "targets:为…提供", 0.8)]),
    ("高企贷", "targets", "科技型中小企业", [
        (D4, 2310, "通过“高企贷”“沪科专贷”等产品，引导金融机构针对各类科技型企业特点给予企业综合授信。", "targets:针对", 0.6)]),
    ("高企贷", "administeredBy", "上海市科学技术委员会", [
        (D1, 1400, "市科委联合市财政局等部门持续推进“高企贷”，为高新技术企业提供信贷支持。", "administeredBy:推进", 0.7)]),
    ("科创助力贷", "targets", "科技型中小企业", [
        (D3, 5300, "“科创助力贷”主要支持销售规模5000万元以下的科技创新创业企业。", "targets:主要支持", 0.8)]),
    ("科创助力贷", "administeredBy", "上海市科学技术委员会", [
        (D3, 5250, "市科委推动银行加大对创新创业阶段企业的支持，发布《关于试点科创助力贷工作的通知》。", "administeredBy:发布", 0.6)]),
    ("科技创新券", "governedBy", "上海市科技创新券管理办法（试行）", [
        (D3, 6010, "根据《上海市科技创新券管理办法（试行）》，科技创新券支持中小企业购买科技服务。", "governedBy:根据", 0.8)]),
    ("科技创新券", "targets", "科技型中小企业", [
        (D3, 6010, "根据《上海市科技创新券管理办法（试行）》，科技创新券支持中小企业购买科技服务。", "targets:支持", 0.6)]),
    ("科技创新券", "administeredBy", "上海市科学技术委员会", [
        (D3, 6100, "市科委全年发放科技创新券，惠及科技型中小企业。", "administeredBy:发放", 0.6)]),
    ("InnoMatch全球技术供需对接平台", "administeredBy", "上海市科学技术委员会", [
        (D4, 420, "市科委通过政府引导、市场主导方式，建设面向全要素、全链条、全球化的 InnoMatch 全球技术供需对接平台建设。", "administeredBy:建设", 0.8)]),
    ("InnoMatch全球技术供需对接平台", "partOf", "全球技术供需对接网络", [
        (D4, 520, "加速构建集成 InnoMatch 平台、全球技术转移大会，长三角国际创新挑战赛等的全球技术供需对接“立体”网络。", "partOf:集成", 0.7)]),
    ("全球技术转移大会", "partOf", "全球技术供需对接网络", [
        (D4, 520, "加速构建集成 InnoMatch 平台、全球技术转移大会，长三角国际创新挑战赛等的全球技术供需对接“立体”网络。", "partOf:集成", 0.7)]),
    ("长三角国际创新挑战赛", "partOf", "全球技术供需对接网络", [
        (D4, 520, "加速构建集成 InnoMatch 平台、全球技术转移大会，长三角国际创新挑战赛等的全球技术供需对接“立体”网络。", "partOf:集成", 0.7)]),
    ("InnoMatch全球技术供需对接平台", "targets", "科技型中小企业", [
        (D1, 2600, "InnoMatch 平台为科技型中小企业发布技术需求、匹配解决方案提供服务。", "targets:为…提供", 0.7)]),
    ("技术经理人协作奖励", "administeredBy", "InnoMatch全球技术供需对接平台", [
        (D4, 1300, "InnoMatch 推动技术经理人协作模式，发放协作奖励超 150 万元。", "administeredBy:发放", 0.6)]),
    ("宁德时代", "participatesIn", "InnoMatch全球技术供需对接平台", [
        (D4, 1100, "平台吸引阿斯利康、宁德时代、威高集团等近 60 家大企业入驻并发布需求。", "participatesIn:入驻", 0.8)]),
    ("阿斯利康", "participatesIn", "InnoMatch全球技术供需对接平台", [
        (D4, 1100, "平台吸引阿斯利康、宁德时代、威高集团等近 60 家大企业入驻并发布需求。", "participatesIn:入驻", 0.8)]),
    ("长三角国际创新挑战赛", "locatedIn", "长三角", [
        (D4, 560, "长三角国际创新挑战赛在长三角三省一市联动举办。", "locatedIn:在", 0.6)]),
    ("长三角国际创新挑战赛", "administeredBy", "上海市科学技术委员会", [
        (D4, 600, "市科委联合长三角三省一市科技部门共同主办长三角国际创新挑战赛。", "administeredBy:主办", 0.7)]),
    ("全球技术转移大会", "administeredBy", "上海市科学技术委员会", [
        (D4, 640, "市科委主办全球技术转移大会。", "administeredBy:主办", 0.7)]),
    ("上海技术交易所", "partnerOf", "国家技术转移东部中心", [
        (D3, 7010, "推动国家技术转移东部中心能级提升，做强上海技术交易所交易和服务功能。", "partnerOf:联合", 0.5)]),
    ("国家技术转移东部中心", "supports", "上海技术交易所", [
        (D3, 7100, "东部中心与上海技术交易所联动，为技术交易提供评价服务。", "supports:为…提供", 0.5)]),
    ("国家技术转移东部中心", "administeredBy", "上海市科学技术委员会", [
        (D3, 7200, "市科委指导国家技术转移东部中心深耕科技成果转化平台服务。", "administeredBy:指导", 0.7)]),
    ("上海交通大学", "locatedIn", "闵行", [
        (D3, 8800, "依托上海交通大学，闵行大零号湾打造区域特色产业和创新载体。", "locatedIn:依托", 0.5)]),
    ("上海交通大学", "participatesIn", "上海技术交易所", [
        (D3, 7300, "上海交通大学等高校院所进场交易，挂牌科技成果。", "participatesIn:进场", 0.7)]),
    ("上海市促进科技成果转化行动方案（2021—2023）", "issuedBy", "上海市人民政府办公厅", [
        (D3, 6500, "6月，市政府办公厅印发《上海市促进科技成果转化行动方案（2021—2023）》，提出11项任务。", "issuedBy:印发", 0.8)]),
]

# (subject, measure, value, unit, year, qualifier, doc, start, text)
OBSERVATIONS = [
    ("高企贷", "提供各类信贷支持", 1521.63, "亿元", 2021, None, D3, 5120,
     "全年8家试点合作银行为3983家高新技术企业提供各类信贷支持1521.63亿元。"),
    ("高企贷", "提供各类信贷支持", 3534.78, "亿元", 2023, None, D4, 2480,
     "截至 2023 年末，“高企贷”当年为 9729 家高企提供各类信贷支持 3534.78 亿元；"),
    ("高企贷", "高企数", 9729, "家", 2023, None, D4, 2480,
     "截至 2023 年末，“高企贷”当年为 9729 家高企提供各类信贷支持 3534.78 亿元；"),
    ("科创助力贷", "授信", 10.72, "亿元", 2023, "约", D4, 2400,
     "截至 2023 年末，科创助力贷授信约 10.72 亿元。"),
    ("上海技术交易所", "交易额", 31.4, "亿元", 2021, None, D3, 7400,
     "上海技术交易所全年累计完成交易额31.4亿元。"),
    ("上海技术交易所", "挂牌项目", 5000, "项", None, "超", D3, 7450,
     "上海技术交易所挂牌科技成果超5000项。"),
    ("上海技术交易所", "服务机构", 200, "家", 2020, "超", D3, 7480,
     "截至2020年末，入驻服务机构超200家。"),
    ("InnoMatch全球技术供需对接平台", "企业需求", 4395, "项", None, None, D4, 700,
     "自 2022 年平台 8 月发布以来，累计汇聚企业需求 4395 项、科技成果 3295 项。"),
]


def key(label: str) -> str:
    """Canonical name for an IRI: NFKC, no spaces or quote marks, unsafe characters encoded."""
    name = unicodedata.normalize("NFKC", label)
    name = "".join(c for c in name if not c.isspace() and c not in "《》“”\"'")
    return "".join(c if ord(c) > 127 else quote(c, safe="()-_.~!$&*+,;=:@") for c in name)


def document_layer(nodes: dict[str, dict], documents: dict[str, dict]) -> dict[str, dict]:
    """graph.json's document layer, from the evidence sentences above.

    A document's sentences are the distinct evidence sentences quoted from it (offsets as
    given, paragraph = start // 1000, the offsets being illustrative); a node is mentioned in
    a sentence that contains one of its names (after kg.names.name_key, longest names first,
    each stretch of text counted once), in the documents its row lists.
    """
    from kg.names import name_key

    quoted = {(d, start, text) for *_, evs in EDGES for d, start, text, _, _ in evs}
    quoted |= {(d, start, text) for *_, d, start, text in OBSERVATIONS}
    names = sorted(((name_key(n), label) for label, node in nodes.items()
                    for n in [label, *node["aliases"]]), key=lambda kn: (-len(kn[0]), kn))
    for node in nodes.values():
        node["mentions"] = {}
    for d in documents:
        rows = sorted((start, start + len(text), start // 1000, text) for doc, start, text in quoted if doc == d)
        documents[d]["sentences"] = [list(r) for r in rows]
        for i, (*_, text) in enumerate(rows):
            rest = name_key(text)
            for key, label in names:
                if key in rest and d in nodes[label]["docs"]:
                    rest = rest.replace(key, "\x00")
                    found = nodes[label]["mentions"].setdefault(d, [])
                    if i not in found:
                        found.append(i)
    return documents


def main() -> None:
    types = {label: etype for etype, label, _, _ in ENTITIES}

    def iri(label: str) -> str:
        return f"{RES}{types[label]}/{key(label)}"

    def h(*parts: object) -> str:
        return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]

    ds = Dataset()
    ents = ds.graph(URIRef(f"{RES}graph/entities"))
    docg = {d: ds.graph(URIRef(f"{RES}graph/{d}")) for d in DOCUMENTS}
    doc_iri = {d: URIRef(f"{RES}doc/{d}") for d in DOCUMENTS}
    for d, meta in DOCUMENTS.items():
        g, s = docg[d], doc_iri[d]
        g.add((s, RDF.type, STIKG.SourceDocument))
        g.add((s, RDF.type, PROV.Entity))
        if meta["number"]:
            g.add((s, DCT.identifier, Literal(meta["number"])))
        if meta["date"]:
            g.add((s, DCT.date, Literal(meta["date"], datatype=XSD.date)))
        g.add((s, DCT.title, Literal(meta["title"], lang="zh")))
        if meta["agency"]:
            g.add((s, DCT.creator, URIRef(iri(meta["agency"]))))
        g.add((s, DCT.source, Literal(f"{d}.txt")))
    nodes = {}
    for etype, label, aliases, docs in ENTITIES:
        s = URIRef(iri(label))
        ents.add((s, RDF.type, STIKG[etype]))
        ents.add((s, SKOS.prefLabel, Literal(label, lang="zh")))
        ents.add((s, RDFS.label, Literal(label, lang="zh")))
        for a in aliases:
            ents.add((s, SKOS.altLabel, Literal(a, lang="zh")))
        for d in docs:
            ents.add((s, STIKG.mentionedIn, doc_iri[d]))
            ents.add((s, PROV.wasDerivedFrom, doc_iri[d]))
        nodes[label] = {"id": str(s), "label": label, "type": etype, "aliases": sorted(aliases),
                        "docs": sorted(docs), "observations": []}
    edges = []
    for head, rel, tail, evs in EDGES:
        s, p, o = URIRef(iri(head)), STIKG[rel], URIRef(iri(tail))
        evidence = []
        for d, start, text, rule, conf in evs:
            g = docg[d]
            g.add((s, p, o))
            st = URIRef(f"{RES}statement/{h(s, p, o, d, start)}")
            for pp, oo in [(RDF.type, RDF.Statement), (RDF.type, STIKG.Assertion),
                           (RDF.subject, s), (RDF.predicate, p), (RDF.object, o),
                           (PROV.wasDerivedFrom, doc_iri[d]),
                           (STIKG.evidenceText, Literal(text, lang="zh")),
                           (STIKG.startOffset, Literal(start, datatype=XSD.integer)),
                           (STIKG.endOffset, Literal(start + len(text), datatype=XSD.integer)),
                           (STIKG.rule, Literal(rule)),
                           (STIKG.confidence, Literal(str(conf), datatype=XSD.decimal))]:
                g.add((st, pp, oo))
            evidence.append({"doc": d, "start": start, "end": start + len(text), "text": text,
                             "rule": rule, "confidence": conf})
        edges.append({"source": str(s), "target": str(o), "relation": rel, "evidence": evidence})
    for subj, measure, value, unit, year, qual, d, start, text in OBSERVATIONS:
        g, s = docg[d], URIRef(iri(subj))
        ob = URIRef(f"{RES}observation/{h(s, measure, value, unit, year, d, start)}")
        g.add((s, STIKG.hasObservation, ob))
        triples = [(RDF.type, STIKG.Observation), (STIKG.subject, s),
                   (STIKG.measure, Literal(measure, lang="zh")),
                   (STIKG.value, Literal(str(value), datatype=XSD.decimal)),
                   (STIKG.unit, Literal(unit)),
                   (PROV.wasDerivedFrom, doc_iri[d]),
                   (STIKG.evidenceText, Literal(text, lang="zh")),
                   (STIKG.startOffset, Literal(start, datatype=XSD.integer)),
                   (STIKG.endOffset, Literal(start + len(text), datatype=XSD.integer)),
                   (STIKG.rule, Literal("observation:number-unit"))]
        if year is not None:
            triples.append((STIKG.year, Literal(year, datatype=XSD.integer)))
        if qual:
            triples.append((STIKG.qualifier, Literal(qual)))
        for pp, oo in triples:
            g.add((ob, pp, oo))
        obs = {"measure": measure, "value": value, "unit": unit, "year": year,
               "evidence": {"doc": d, "start": start, "end": start + len(text), "text": text}}
        if qual:
            obs["qualifier"] = qual
        nodes[subj]["observations"].append(obs)

    documents = document_layer(nodes, {d: meta | {"issuer": iri(meta["agency"]) if meta["agency"] else None}
                                       for d, meta in DOCUMENTS.items()})
    index = {"version": 2, "documents": documents,
             "nodes": sorted(nodes.values(), key=lambda n: n["id"]),
             "edges": sorted(edges, key=lambda e: (e["source"], e["relation"], e["target"]))}
    (HERE / "graph.json").write_text(
        json.dumps(index, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    lines = sorted(set(ds.serialize(format="nquads").splitlines()) - {""})
    (HERE / "stikg.nq").write_text("\n".join(lines) + "\n", encoding="utf-8")
    union = ds.graph(URIRef("urn:x-union"))
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    for prefix, ns in [("stikg", STIKG), ("res", RES), ("skos", SKOS), ("prov", PROV),
                       ("dcterms", DCT), ("rdfs", RDFS)]:
        union.bind(prefix, ns)
    (HERE / "stikg.ttl").write_text(union.serialize(format="turtle"), encoding="utf-8")


if __name__ == "__main__":
    main()
