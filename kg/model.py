"""Plain data classes that flow through the pipeline.

documents → mentions → entities → relations/observations → graph → outputs.
Every stage takes and returns these classes; no stage imports another stage.
All character offsets are offsets into ``Document.text`` (the text as read,
after decoding, before any normalisation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "ENTITY_TYPES",
    "RELATIONS",
    "SYMMETRIC_RELATIONS",
    "SUBCLASS_OF",
    "base_type",
    "SUBTYPE_LABELS",
    "type_label",
    "in_sentence",
    "TYPE_LABELS",
    "RELATION_LABELS",
    "DocumentMeta",
    "Document",
    "Sentence",
    "SentenceState",
    "Ref",
    "Evidence",
    "Mention",
    "Entity",
    "Relation",
    "Observation",
    "Extraction",
    "Corpus",
]

#: The nine entity classes of SPEC.md, in display order.
ENTITY_TYPES: tuple[str, ...] = (
    "Agency",
    "Program",
    "Platform",
    "Event",
    "PolicyDocument",
    "Organization",
    "TargetGroup",
    "Place",
    "Person",
)

#: The nine relations of SPEC.md.
RELATIONS: tuple[str, ...] = (
    "administeredBy",
    "issuedBy",
    "governedBy",
    "targets",
    "supports",
    "partnerOf",
    "partOf",
    "participatesIn",
    "locatedIn",
)

SYMMETRIC_RELATIONS: frozenset[str] = frozenset({"partnerOf"})

#: Subclasses of the SPEC types (ontology/stikg.ttl declares the same rdfs:subClassOf links).
SUBCLASS_OF: dict[str, str] = {
    "LoanProduct": "Program",
    "Voucher": "Program",
    "TalentProgram": "Program",
    "FundingProgram": "Program",
    "University": "Organization",
    "Enterprise": "Organization",
    "Bank": "Organization",
    "ResearchInstitute": "Organization",
    "Association": "Organization",
    "Exchange": "Platform",
}


#: Display names (zh, en) of the subclasses.
SUBTYPE_LABELS: dict[str, tuple[str, str]] = {
    "LoanProduct": ("贷款产品", "loan product"),
    "Voucher": ("创新券", "voucher"),
    "TalentProgram": ("人才计划", "talent program"),
    "FundingProgram": ("资助计划", "funding program"),
    "University": ("高校", "university"),
    "Enterprise": ("企业", "enterprise"),
    "Bank": ("银行", "bank"),
    "ResearchInstitute": ("研究机构", "research institute"),
    "Association": ("社会团体", "association"),
    "Exchange": ("交易所", "exchange"),
}


def type_label(etype: str) -> tuple[str, str]:
    """(zh, en) display name of a type or subclass."""
    return TYPE_LABELS.get(etype) or SUBTYPE_LABELS.get(etype) or (etype, etype)


def base_type(etype: str) -> str:
    """The SPEC type of a type or subclass: LoanProduct → Program."""
    return SUBCLASS_OF.get(etype, etype)


#: Display names (zh, en) of the entity classes; ontology/stikg.ttl carries the same labels.
TYPE_LABELS: dict[str, tuple[str, str]] = {
    "Agency": ("政府机构", "agency"),
    "Program": ("项目计划", "program"),
    "Platform": ("平台", "platform"),
    "Event": ("活动", "event"),
    "PolicyDocument": ("政策文件", "policy document"),
    "Organization": ("组织", "organization"),
    "TargetGroup": ("支持对象", "target group"),
    "Place": ("地点", "place"),
    "Person": ("人物", "person"),
}

#: Display names (zh, en) of the relations; ontology/stikg.ttl carries the same labels.
RELATION_LABELS: dict[str, tuple[str, str]] = {
    "administeredBy": ("主管", "administered by"),
    "issuedBy": ("发布", "issued by"),
    "governedBy": ("依据", "governed by"),
    "targets": ("面向", "targets"),
    "supports": ("支持", "supports"),
    "partnerOf": ("合作", "partner of"),
    "partOf": ("组成部分", "part of"),
    "participatesIn": ("参与", "participates in"),
    "locatedIn": ("位于", "located in"),
}


@dataclass
class DocumentMeta:
    """What a document's header says; every field may be missing."""

    number: str | None = None  # 文号, e.g. 沪科提复〔2022〕8号
    date: str | None = None  # ISO date, e.g. 2022-06-06
    year: int | None = None  # year of the document (from date, or from its text)
    agency: str | None = None  # issuing agency as written in the header
    addressees: list[str] = field(default_factory=list)  # 市科协 / 姜雪峰、洪亮 …
    title: str | None = None  # title of the proposal answered, or the report title
    proposal_number: str | None = None  # 第0515号
    session: str | None = None  # 市政协十三届五次会议
    cc: list[str] = field(default_factory=list)  # offices in the 抄送 line
    kind: str | None = None  # "reply" or "report"
    publisher: str | None = None  # who published the page or file (<meta name="ContentSource">, the manifest)
    url: str | None = None  # where the document was published (the manifest's url)


@dataclass
class Document:
    """A source document: its original text and a cleaned view for analysis.

    ``clean`` is ``text`` with markup removed and page breaks inside sentences
    joined; ``offsets[i]`` is the index in ``text`` of ``clean[i]``, so any span
    found in ``clean`` maps back to the original text with :meth:`to_original`.
    """

    id: str
    path: str
    text: str
    clean: str
    offsets: Sequence[int]  # an array('q') when read by kg.documents
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    sha256: str = ""
    format: str = "text"  # the kg.readers.Format value of the reader that produced ``text``
    notes: list[str] = field(default_factory=list)  # what the build should tell (manifest conflicts)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``clean`` to a span of ``text``."""
        if end <= start:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.text)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for a span of ``clean``: offsets into ``text``, and the span as readable text.

        The offsets point into the original ``text`` (markup and all); the evidence text is
        ``clean[start:end]``, the same words without Markdown emphasis and heading marks,
        HTML tags and entities, and with page breaks joined, as a reader wants to see them.

        >>> doc = Document("d", "d.md", "**8家**银行", "8家银行", [2, 3, 6, 7])
        >>> doc.evidence(0, 4)
        Evidence(doc='d', start=2, end=8, text='8家银行')
        """
        ostart, oend = self.to_original(start, end)
        return Evidence(self.id, ostart, oend, self.clean[start:end])


@dataclass(frozen=True)
class Sentence:
    """A sentence (or bullet) of ``Document.clean``: ``[start, end)`` in clean offsets."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Ref:
    """A mention resolved to its entity, as the relation and observation rules see it."""

    key: str
    type: str  # the SPEC base type
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SentenceState:
    """A sentence and what the text before it has established (``doc._.discourse``).

    ``topic``: the organisation or platform that opened an earlier sentence of the
    paragraph as its subject; ``agency``: the last agency that did so (the implicit agent
    of 一是…/二是…); ``recent``: the program or platform the previous sentence was about;
    ``section``/``place``: the thing and the place the last heading named; ``local``: what a
    figure without a named subject is about (the paragraph's opening entity, else the
    section's); ``anaphors``: clause-initial 平台/该平台/大会… resolved to the entity named
    before; ``year``: the year the sentence speaks of or that is in force, ``carried_year``:
    the period year an earlier sentence of the paragraph gave.
    """

    sent: Sentence
    mentions: tuple[Ref, ...]
    anaphors: tuple[Ref, ...] = ()
    heading: bool = False
    bullet: bool = False
    new_line: bool = False
    topic: Ref | None = None
    agency: Ref | None = None
    recent: Ref | None = None
    section: Ref | None = None
    place: Ref | None = None
    local: Ref | None = None
    year: int | None = None
    carried_year: int | None = None

    @property
    def subject(self) -> Ref | None:
        """The paragraph's topic, else the section's."""
        return self.topic or self.section


def in_sentence(items: Sequence[Any], first: int, sent: Sentence) -> list[Any]:
    """The spans from ``items[first]`` on (sorted by ``start``) that lie inside ``sent``."""
    out = []
    k = first
    while k < len(items) and items[k].start < sent.end:
        if items[k].end <= sent.end:
            out.append(items[k])
        k += 1
    return out


@dataclass(frozen=True)
class Evidence:
    """A span of a document that supports a fact.

    ``start``/``end`` are offsets into ``Document.text`` (the text as read); ``text`` is
    that span as a reader sees it, with markup removed (see :meth:`Document.evidence`).
    """

    doc: str
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Mention:
    """A name found in a document.

    ``start``/``end`` are offsets into ``Document.clean``; ``text`` is the
    surface form with page breaks removed; ``rule`` says what found it
    (``lexicon``, ``pattern:quoted``, ``pattern:suffix`` …).
    """

    doc: str
    start: int
    end: int
    text: str
    type: str
    rule: str
    canonical: str | None = None  # the lexicon's canonical name, if known


@dataclass
class Entity:
    """One real-world thing, with every name it goes by.

    ``key`` is the stable identifier entities are merged by (``浙江/创新券`` for a scoped name);
    ``mentions`` are ``(doc id, start, end)`` in *original* offsets; ``scope`` is the short name
    of the jurisdiction whose thing a name many jurisdictions use is (``创新券`` of 浙江).
    """

    key: str
    label: str
    type: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[str, int, int]] = field(default_factory=list)
    scope: str | None = None  # whose it is, for names many jurisdictions use: 浙江 (创新券)

    @property
    def display_label(self) -> str:
        """The label as the graph shows it: ``创新券 (浙江)`` for a scoped name."""
        return f"{self.label} ({self.scope})" if self.scope else self.label


@dataclass(frozen=True)
class Relation:
    """A typed edge ``head —relation→ tail`` between entity keys, with its evidence."""

    head: str
    relation: str
    tail: str
    evidence: Evidence
    rule: str
    confidence: float


@dataclass(frozen=True)
class Observation:
    """A number about an entity: ``value`` in ``unit`` (亿/万 multipliers kept in the unit)."""

    subject: str
    measure: str
    value: float
    unit: str
    year: int | None
    evidence: Evidence
    rule: str
    qualifier: str | None = None  # 超 / 近 / 余 / 约 … as written


@dataclass
class Extraction:
    """Everything extracted from one document, entities resolved within it."""

    doc: Document
    entities: list[Entity]
    relations: list[Relation]
    observations: list[Observation]

    def to_json(self) -> dict[str, Any]:
        """The SPEC extraction JSON for this document (ids local to the document)."""
        ids = {e.key: f"e{i}" for i, e in enumerate(self.entities, 1)}
        meta = asdict(self.doc.meta)
        doc = {"id": self.doc.id, "path": self.doc.path, "format": self.doc.format, **meta}
        return {
            "doc": doc,
            "entities": [
                {
                    "id": ids[e.key],
                    "type": e.type,
                    "label": e.label,
                    "aliases": list(e.aliases),
                    "mentions": [[s, t] for _, s, t in e.mentions],
                }
                for e in self.entities
            ],
            "relations": [
                {
                    "head": ids[r.head],
                    "relation": r.relation,
                    "tail": ids[r.tail],
                    "evidence": r.evidence.to_json(),
                    "rule": r.rule,
                    "confidence": r.confidence,
                }
                for r in _first_statement_of_each_edge(self.relations)
                if r.head in ids and r.tail in ids
            ],
            "observations": [
                {
                    "subject": ids[o.subject],
                    "measure": o.measure,
                    "value": o.value,
                    "unit": o.unit,
                    "year": o.year,
                    **({"qualifier": o.qualifier} if o.qualifier else {}),
                    "evidence": o.evidence.to_json(),
                    "rule": o.rule,
                }
                for o in self.observations
                if o.subject in ids
            ],
        }


def _first_statement_of_each_edge(relations: list[Relation]) -> list[Relation]:
    """One relation per edge (head, relation, tail), with the first sentence that states it."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for r in relations:
        head, tail = sorted((r.head, r.tail)) if r.relation in SYMMETRIC_RELATIONS else (r.head, r.tail)
        edge = (head, tail, r.relation)
        if edge not in seen:
            seen.add(edge)
            out.append(r)
    return out


@dataclass
class Corpus:
    """The resolved result of a whole build: one entity per real thing across documents."""

    documents: list[Document]
    entities: list[Entity]
    relations: list[Relation]
    observations: list[Observation]
