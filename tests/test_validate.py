"""SHACL validation finds what breaks the RDF conventions and points at the source sentence."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, URIRef

from kg.validate import Violation, validate

RES = "https://w3id.org/stikg/resource/"
PREFIXES = """\
@base <https://w3id.org/stikg/resource/> .
@prefix stikg:   <https://w3id.org/stikg/ontology#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
"""

# A small graph following docs/ARCHITECTURE.md: one document, three entities (one of a
# subclass), two edges with their assertions and one observation.
VALID = PREFIXES + """
<doc/d1> a stikg:SourceDocument, prov:Entity ;
    dcterms:identifier "沪科提复〔2022〕8号" ;
    dcterms:date "2022-06-06"^^xsd:date ;
    dcterms:title "关于加强小微企业与高校产学研创新合作的建议"@zh ;
    dcterms:creator <Agency/上海市科学技术委员会> ;
    stikg:addressee "市科协" ; stikg:proposalNumber "第0515号" ; stikg:session "市政协十三届五次会议" ;
    dcterms:source "d1.txt" ;
    stikg:sha256 "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" .

<Agency/上海市科学技术委员会> a stikg:Agency ;
    skos:prefLabel "上海市科学技术委员会"@zh ; rdfs:label "上海市科学技术委员会"@zh ;
    skos:altLabel "市科委"@zh ;
    stikg:mentionedIn <doc/d1> ; prov:wasDerivedFrom <doc/d1> .

<Program/高企贷> a stikg:LoanProduct ;
    skos:prefLabel "高企贷"@zh ;
    stikg:mentionedIn <doc/d1> ; prov:wasDerivedFrom <doc/d1> ;
    stikg:targets <TargetGroup/高新技术企业> ;
    stikg:administeredBy <Agency/上海市科学技术委员会> ;
    stikg:hasObservation <observation/o1> .

<TargetGroup/高新技术企业> a stikg:TargetGroup ;
    skos:prefLabel "高新技术企业"@zh ;
    stikg:mentionedIn <doc/d1> ; prov:wasDerivedFrom <doc/d1> .

<statement/s1> a rdf:Statement, stikg:Assertion ;
    rdf:subject <Program/高企贷> ; rdf:predicate stikg:targets ; rdf:object <TargetGroup/高新技术企业> ;
    prov:wasDerivedFrom <doc/d1> ;
    stikg:evidenceText "高企贷主要为高新技术企业提供信贷支持"@zh ;
    stikg:startOffset 10 ; stikg:endOffset 28 ;
    stikg:rule "targets:为…提供" ; stikg:confidence 0.8 .

<statement/s2> a rdf:Statement, stikg:Assertion ;
    rdf:subject <Program/高企贷> ; rdf:predicate stikg:administeredBy ;
    rdf:object <Agency/上海市科学技术委员会> ;
    prov:wasDerivedFrom <doc/d1> ;
    stikg:evidenceText "市科委推出高企贷"@zh ;
    stikg:startOffset 0 ; stikg:endOffset 8 ;
    stikg:rule "administeredBy:推出" ; stikg:confidence 0.7 .

<observation/o1> a stikg:Observation ;
    stikg:subject <Program/高企贷> ;
    stikg:measure "提供信贷支持"@zh ; stikg:value 3534.78 ; stikg:unit "亿元" ;
    stikg:year 2023 ; stikg:qualifier "超" ;
    prov:wasDerivedFrom <doc/d1> ;
    stikg:evidenceText "提供信贷支持超3534.78亿元"@zh ;
    stikg:startOffset 30 ; stikg:endOffset 46 ; stikg:rule "observation:amount" .
"""

# (id, edit to VALID, focus node, path, source of the violation)
BROKEN = [
    pytest.param(
        ("<Program/高企贷> a stikg:LoanProduct ;", "<Program/高企贷> a stikg:LoanProduct, stikg:Agency ;"),
        "Program/高企贷", "rdf:type", "d1:0-8",
        id="entity-with-two-types",
    ),
    pytest.param(
        ('skos:prefLabel "上海市科学技术委员会"@zh ;', ""),
        "Agency/上海市科学技术委员会", "skos:prefLabel", "d1:0-8",
        id="entity-without-preflabel",
    ),
    pytest.param(
        ('stikg:evidenceText "高企贷主要为高新技术企业提供信贷支持"@zh ;', ""),
        "statement/s1", "stikg:evidenceText", "d1:10-28",
        id="assertion-without-evidence-text",
    ),
    pytest.param(
        ('stikg:evidenceText "高企贷主要为高新技术企业提供信贷支持"@zh ;', 'stikg:evidenceText ""@zh ;'),
        "statement/s1", "stikg:evidenceText", "d1:10-28",
        id="assertion-with-empty-evidence-text",
    ),
    pytest.param(
        ("stikg:startOffset 10 ; stikg:endOffset 28 ;", "stikg:startOffset 30 ; stikg:endOffset 28 ;"),
        "statement/s1", "stikg:startOffset", "d1:30-28",
        id="assertion-start-after-end",
    ),
    pytest.param(
        ("rdf:predicate stikg:targets ;", ""),
        "statement/s1", "rdf:predicate", "d1:10-28",
        id="assertion-without-predicate",
    ),
    pytest.param(
        ("stikg:value 3534.78 ;", ""),
        "observation/o1", "stikg:value", "d1:30-46",
        id="observation-without-value",
    ),
    pytest.param(
        ("stikg:value 3534.78 ;", "stikg:value 3534.78e0 ;"),
        "observation/o1", "stikg:value", "d1:30-46",
        id="observation-value-not-decimal",
    ),
    pytest.param(
        ('dcterms:source "d1.txt" ;', ""),
        "doc/d1", "dcterms:source", "d1",
        id="document-without-source",
    ),
]


def parse(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def edited(old: str, new: str) -> Graph:
    assert old in VALID, old
    return parse(VALID.replace(old, new))


def violations_of(found: list[Violation], focus: str) -> list[Violation]:
    return [v for v in found if v.focus == RES + focus and v.severity == "Violation"]


def test_valid_graph_has_no_violations():
    assert validate(parse(VALID)) == []


@pytest.mark.parametrize("edit,focus,path,source", BROKEN)
def test_broken_graph_names_focus_path_and_source(edit, focus, path, source):
    found = violations_of(validate(edited(*edit)), focus)
    assert [(v.path, v.source) for v in found] == [(path, source)]


def test_targets_tail_that_is_an_agency_is_a_range_violation():
    extra = """
<Program/高企贷> stikg:targets <Agency/上海市科学技术委员会> .
<statement/s3> a rdf:Statement, stikg:Assertion ;
    rdf:subject <Program/高企贷> ; rdf:predicate stikg:targets ; rdf:object <Agency/上海市科学技术委员会> ;
    prov:wasDerivedFrom <doc/d1> ; stikg:evidenceText "高企贷为市科委提供"@zh ;
    stikg:startOffset 50 ; stikg:endOffset 59 .
"""
    found = violations_of(validate(parse(VALID + extra)), "Program/高企贷")
    assert [(v.path, v.value, v.component, v.source) for v in found] == [
        ("stikg:targets", RES + "Agency/上海市科学技术委员会", "OrConstraintComponent", "d1:50-59")
    ]


def test_targets_head_that_is_an_agency_is_a_domain_violation():
    extra = """
<Agency/上海市科学技术委员会> stikg:targets <TargetGroup/高新技术企业> .
"""
    found = violations_of(validate(parse(VALID + extra)), "Agency/上海市科学技术委员会")
    assert [(v.path, v.component) for v in found] == [(None, "OrConstraintComponent")]


def test_source_is_none_without_provenance():
    extra = """
<Place/临港> a stikg:Place .
"""
    found = violations_of(validate(parse(VALID + extra)), "Place/临港")
    assert [(v.path, v.source) for v in found] == [("skos:prefLabel", None)]


def test_untyped_subject_of_preflabel_lacks_an_entity_class():
    extra = """
<Thing/x> skos:prefLabel "x"@zh ; prov:wasDerivedFrom <doc/d1> .
"""
    found = violations_of(validate(parse(VALID + extra)), "Thing/x")
    assert [(v.path, v.component, v.source) for v in found] == [
        ("rdf:type", "QualifiedMinCountConstraintComponent", "d1")
    ]


def test_missing_inverse_observation_link_is_only_a_warning():
    found = validate(edited("stikg:hasObservation <observation/o1> .", "."))
    assert [(v.focus, v.path, v.severity) for v in found] == [
        (RES + "observation/o1", "^stikg:hasObservation", "Warning")
    ]


def test_violations_sort_before_warnings():
    extra = """
<Place/临港> a stikg:Place .
"""
    severities = [v.severity for v in validate(parse(VALID + extra))]
    assert severities == sorted(severities, key=["Violation", "Warning"].index)
    assert set(severities) == {"Violation", "Warning"}


def test_violation_text_shows_message_and_source():
    (found,) = violations_of(validate(edited("stikg:value 3534.78 ;", "")), "observation/o1")
    assert str(found).startswith("Violation: " + RES + "observation/o1 stikg:value")
    assert "xsd:decimal" in str(found) and str(found).endswith("[d1:30-46]")


def test_turtle_file_path_is_accepted(tmp_path):
    path = tmp_path / "graph.ttl"
    path.write_text(VALID.replace("stikg:value 3534.78 ;", ""), encoding="utf-8")
    assert [v.path for v in violations_of(validate(path), "observation/o1")] == ["stikg:value"]


def test_dataset_is_validated_as_the_union_of_its_graphs():
    graph = edited("stikg:value 3534.78 ;", "")
    dataset = Dataset()
    docs = dataset.graph(URIRef(RES + "graph/d1"))
    entities = dataset.graph(URIRef(RES + "graph/entities"))
    for s, p, o in graph:
        (entities if "/Agency/" in str(s) or "/Program/" in str(s) else docs).add((s, p, o))
    found = validate(dataset)
    assert [(v.focus, v.path) for v in found] == [(RES + "observation/o1", "stikg:value")]


def test_missing_shapes_file_is_a_clear_error(tmp_path):
    missing = tmp_path / "nope.ttl"
    with pytest.raises(FileNotFoundError, match="nope.ttl"):
        validate(parse(VALID), shapes_path=missing)


def test_unparsable_graph_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(ValueError, match="broken.ttl: cannot parse graph as turtle") as info:
        validate(path)
    assert "\n" not in str(info.value)
