"""The ontology declares every class and relation of the data model, with labels and alignments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from kg import model
from kg.validate import ONTOLOGY_PATH, SHAPES_PATH

STIKG = Namespace("https://w3id.org/stikg/ontology#")
SH = Namespace("http://www.w3.org/ns/shacl#")

# Copied from the evaluator (eval/score.py): it reads subclass links with this regex,
# not with an RDF parser, so the ontology must stay readable this way.
BASE_TYPES = set(model.ENTITY_TYPES)


def superclass_map(ttl: str | None) -> dict[str, str]:
    """Map each subclass local name to its base class, read from rdfs:subClassOf lines."""
    if not ttl or not Path(ttl).exists():
        return {}
    parent: dict[str, str] = {}
    text = Path(ttl).read_text(encoding="utf-8")
    for stmt in re.split(r"\.\s*\n", text):
        head = re.match(r"\s*(?:stikg:|<[^>]*[#/])(\w+)", stmt)
        for sup in re.findall(r"rdfs:subClassOf\s+(?:stikg:|<[^>]*[#/])(\w+)", stmt):
            if head:
                parent.setdefault(head.group(1), sup)

    def base(t: str) -> str:
        seen = set()
        while t not in BASE_TYPES and t in parent and t not in seen:
            seen.add(t)
            t = parent[t]
        return t

    return {t: base(t) for t in parent}


SUBCLASSES = model.SUBCLASS_OF  # the ontology must declare exactly the code's subclass table

DATA_PROPERTIES = (
    "mentionedIn", "evidenceText", "startOffset", "endOffset", "rule", "confidence",
    "subject", "hasObservation", "measure", "value", "unit", "year", "qualifier",
    "addressee", "proposalNumber", "session", "sha256",
)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def labels(graph: Graph, term: URIRef) -> dict[str | None, str]:
    return {o.language: str(o) for o in graph.objects(term, RDFS.label) if isinstance(o, Literal)}


def base_class(graph: Graph, name: str) -> str | None:
    """The one of the nine base classes above ``name``, following rdfs:subClassOf."""
    bases = {STIKG[b] for b in model.ENTITY_TYPES}
    for sup in graph.transitive_objects(STIKG[name], RDFS.subClassOf):
        if sup in bases:
            return str(sup).rsplit("#", 1)[1]
    return None


def test_ontology_has_header_with_title_and_version(ontology):
    (header,) = ontology.subjects(RDF.type, OWL.Ontology)
    assert ontology.value(header, OWL.versionInfo) is not None
    assert {t.language for t in ontology.objects(header, URIRef("http://purl.org/dc/terms/title"))} >= {"zh", "en"}


@pytest.mark.parametrize("name", model.ENTITY_TYPES, ids=model.ENTITY_TYPES)
def test_entity_class_has_model_labels_and_comment(ontology, name):
    cls = STIKG[name]
    assert (cls, RDF.type, OWL.Class) in ontology
    zh, en = model.TYPE_LABELS[name]
    assert labels(ontology, cls) == {"zh": zh, "en": en}
    assert ontology.value(cls, RDFS.comment) is not None


@pytest.mark.parametrize("name", model.RELATIONS, ids=model.RELATIONS)
def test_relation_has_model_labels_and_comment(ontology, name):
    prop = STIKG[name]
    assert (prop, RDF.type, OWL.ObjectProperty) in ontology
    zh, en = model.RELATION_LABELS[name]
    assert labels(ontology, prop) == {"zh": zh, "en": en}
    assert ontology.value(prop, RDFS.comment) is not None


@pytest.mark.parametrize("name", model.RELATIONS, ids=model.RELATIONS)
def test_relation_is_symmetric_exactly_when_the_model_says_so(ontology, name):
    symmetric = (STIKG[name], RDF.type, OWL.SymmetricProperty) in ontology
    assert symmetric == (name in model.SYMMETRIC_RELATIONS)


@pytest.mark.parametrize("name", model.RELATIONS, ids=model.RELATIONS)
def test_relation_range_is_declared(ontology, name):
    assert ontology.value(STIKG[name], RDFS.range) is not None


@pytest.mark.parametrize("name", DATA_PROPERTIES, ids=DATA_PROPERTIES)
def test_graph_property_is_declared_with_labels_comment_and_range(ontology, name):
    prop = STIKG[name]
    kinds = set(ontology.objects(prop, RDF.type))
    assert kinds & {OWL.DatatypeProperty, OWL.ObjectProperty}
    assert set(labels(ontology, prop)) == {"zh", "en"}
    assert ontology.value(prop, RDFS.comment) is not None
    assert ontology.value(prop, RDFS.range) is not None


@pytest.mark.parametrize("name,base", sorted(SUBCLASSES.items()), ids=sorted(SUBCLASSES))
def test_evaluator_regex_maps_subclass_to_base(name, base):
    assert superclass_map(str(ONTOLOGY_PATH))[name] == base


def test_evaluator_regex_agrees_with_rdf_for_every_entity_class(ontology):
    below_entity = {
        str(c).rsplit("#", 1)[1]
        for c in ontology.transitive_subjects(RDFS.subClassOf, STIKG.Entity)
        if c != STIKG.Entity
    }
    regex = superclass_map(str(ONTOLOGY_PATH))
    assert {n: regex.get(n, n) for n in below_entity} == {n: base_class(ontology, n) for n in below_entity}


@pytest.mark.parametrize("name", sorted(SUBCLASSES), ids=sorted(SUBCLASSES))
def test_subclass_has_labels_and_comment(ontology, name):
    assert set(labels(ontology, STIKG[name])) == {"zh", "en"}
    assert ontology.value(STIKG[name], RDFS.comment) is not None


@pytest.mark.parametrize(
    "name,superclass",
    [
        ("SourceDocument", "http://www.w3.org/ns/prov#Entity"),
        ("Assertion", str(RDF.Statement)),
        ("Observation", "http://www.w3.org/ns/prov#Entity"),
    ],
    ids=["SourceDocument", "Assertion", "Observation"],
)
def test_provenance_class_is_a_prov_entity_or_statement(ontology, name, superclass):
    assert (STIKG[name], RDFS.subClassOf, URIRef(superclass)) in ontology


def test_provenance_classes_are_not_entity_classes(ontology):
    below_entity = set(ontology.transitive_subjects(RDFS.subClassOf, STIKG.Entity))
    assert not below_entity & {STIKG.SourceDocument, STIKG.Assertion, STIKG.Observation, STIKG.Mention}


def test_shapes_accept_exactly_the_model_relations_as_assertion_predicates():
    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    allowed = [
        set(Collection(shapes, lst))
        for prop in shapes.subjects(SH.path, RDF.predicate)
        for lst in shapes.objects(prop, SH["in"])
    ]
    assert allowed == [{STIKG[r] for r in model.RELATIONS}]


@pytest.mark.parametrize("name", model.RELATIONS, ids=model.RELATIONS)
def test_shapes_check_every_relation(name):
    shapes = Graph().parse(SHAPES_PATH, format="turtle")
    assert any(shapes.subjects(SH.targetSubjectsOf, STIKG[name]))
