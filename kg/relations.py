"""Relations: sentence-level rules over resolved mentions → typed edges with evidence.

``stikg_relation_rules_v1`` runs every registered rule family on each sentence state of
``doc._.discourse`` (the mentions of the sentence, the anaphors, the paragraph's topic
and agency, the heading) and stores ``doc._.relations``: ``(head key, rule, tail key,
sentence)``. Trigger words come from ``ontology/relations.toml``; a rule is registered
with :func:`rule` (name, relation, confidence), a family of rules with :func:`family`,
so :data:`RULES` — the list of rules — is derived, never hand-kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from kg.discourse import DELIVERABLE, ORG_LIKE, _Openers
from kg.model import Ref, Sentence, SentenceState, base_type
from kg.vocab import Vocabulary, alternation

__all__ = ["RULES", "RelationRules", "Rule", "family", "rule"]


@dataclass(frozen=True)
class Rule:
    """A named relation rule and the confidence of what it finds."""

    name: str
    relation: str
    confidence: float


_RULES: dict[str, Rule] = {}
_FAMILIES: list[Callable[[Ctx], Iterator[tuple[Ref, Rule, Ref]]]] = []


def rule(name: str, relation: str, confidence: float) -> Rule:
    """Register a rule under ``name`` (``relation:what``) and return it."""
    if not name.startswith(relation + ":"):
        raise ValueError(f"rule {name!r} must be named after its relation {relation!r}")
    _RULES[name] = Rule(name, relation, confidence)
    return _RULES[name]


def family(func: Callable[[Ctx], Iterator[tuple[Ref, Rule, Ref]]]) -> Callable[[Ctx], Iterator[tuple[Ref, Rule, Ref]]]:
    """Register a rule family: a function of a sentence context yielding ``(head, rule, tail)``."""
    _FAMILIES.append(func)
    return func


class Triggers:
    """The compiled trigger words of ``relations.toml``."""

    def __init__(self, vocab: Vocabulary) -> None:
        t = vocab.trigger
        self.publish = re.compile(f"(?:{t('publish_lead')})?(?:{t('publish')})(?:了)?")
        self.admin = re.compile(t("administer"))
        self.passive = re.compile(rf"\s*(?:{t('passive_by')})")
        self.passive_more = re.compile(rf"\s*(?:共同|联合|一起)?(?:{t('passive_by')})")
        self.join = re.compile(t("join"))
        self.partner_after = re.compile(t("partner_after"))
        self.partner_before = re.compile(f"(?:{t('partner_before')})$")
        self.spread = re.compile(rf"(?:{t('spread')})\s*$")
        self.hold = re.compile(t("hold"))
        self.host = re.compile(rf"\s*(?:已经|已)?(?:{t('host')})")
        self.found = re.compile(rf"^\s*等?[^，。；、]{{0,10}}?(?:携手|共同|联合)?(?:{t('found')})的?\s*$")
        self.sign = re.compile(rf"\s*(?:{t('sign')})")
        self.parts = re.compile(rf"(?:{t('parts')})\s*$")
        self.support = re.compile(rf"(?:{t('support')})\s*(?:了|的|[0-9]+\s*家)?\s*$")
        self.targets = re.compile(
            rf"(?:{t('targets')})(?:[^，。；、]{{0,20}}的)?\s*[0-9.]*\s*(?:余|多)?\s*[家户名个]?\s*$"
        )
        self.targets_for = re.compile(rf"(?:{t('targets_for')})[^，。；、]*$")
        self.deliver = t("targets_deliver")
        self.according = re.compile(rf"(?:{t('according')})$")
        self.regulation = re.compile(t("regulation"))
        self.object_of = re.compile(rf"(?:{alternation(vocab.relation_words['object_markers'])})\s*$")


@dataclass
class Ctx:
    """What a rule family sees: one sentence, its mentions (anaphors included) and its discourse state."""

    text: str
    sent: Sentence
    ms: list[Ref]
    state: SentenceState
    t: Triggers
    openers: _Openers
    names: dict[str, list[str]]
    types: dict[str, str]

    def between(self, a: Ref, b: Ref) -> str:
        return self.text[a.end : b.start]

    def opener(self, ms: Sequence[Ref] | None = None) -> Ref | None:
        """The name the sentence opens with, as its subject (of ``ms``: of all its mentions)."""
        return self.subject if ms is None else self.openers.opener(self.text, self.sent, ms)

    @cached_property
    def subject(self) -> Ref | None:
        """:meth:`opener` of all the sentence's mentions (found once, when first asked)."""
        return self.openers.opener(self.text, self.sent, self.ms)


class RelationRules:
    """spaCy component: every registered rule family on every sentence → ``doc._.relations``."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.triggers = Triggers(vocab)
        self.openers = _Openers(vocab)

    def __call__(self, doc: Any) -> Any:
        from kg.nlp import doc_text

        text = doc_text(doc)
        names = {e.key: [e.label, *e.aliases] for e in doc._.entities}
        types = {e.key: e.type for e in doc._.entities}
        found: list[tuple[str, str, str, Sentence]] = []
        found.extend(self._title_issuers(doc, text))
        for state in doc._.discourse:
            if not state.mentions and not state.anaphors:
                continue  # no name, no relation
            ms = sorted([*state.mentions, *state.anaphors], key=lambda x: (x.start, x.end))
            ctx = Ctx(text, state.sent, ms, state, self.triggers, self.openers, names, types)
            for fam in _FAMILIES:
                for head, r, tail in fam(ctx):
                    if head.key != tail.key:
                        found.append((head.key, r.name, tail.key, state.sent))
        doc._.relations = found
        return doc


    def _title_issuers(self, doc: Any, text: str) -> list[tuple[str, str, str, Sentence]]:
        """《A、B关于…的通知》: the agencies that open a title before 关于 issued it."""
        from kg.entities import NESTED

        info = doc._.mention_info or {}
        titles = [(s, e, v[3]) for (s, e), v in info.items() if v[0] == "pattern:title" and v[3]]
        if not titles:
            return []
        nested = sorted((s, e, v[3]) for (s, e), v in info.items() if v[0] == NESTED and v[3])
        sentences = [st.sent for st in doc._.discourse]
        out: list[tuple[str, str, str, Sentence]] = []
        for t_start, t_end, t_key in titles:
            about = text.find("关于", t_start, t_end)
            if about < 0:
                continue
            pos, issuers = t_start + 1, []
            for s, e, key in nested:  # only a run of agencies from the title's start: 《科技部财政部关于…》
                if t_start < s and e <= about and re.fullmatch(r"[\s、和与及]*", text[pos:s]):
                    issuers.append(key)
                    pos = e
            if issuers and re.fullmatch(r"\s*", text[pos:about]):
                sent = next((x for x in sentences if x.start <= t_start < x.end), None)
                if sent is not None:
                    out.extend((t_key, TITLE_ISSUER.name, key, sent) for key in issuers if key != t_key)
        return out


# --------------------------------------------------------------------------- helpers


_GROUP_SEP = re.compile(r"^\s*(?:、|和|与|及|以及|，|,|“|”|\s)*\s*$")


def _group_after(c: Ctx, i: int) -> list[Ref]:
    """The coordinated group that starts with ``ms[i]``: X、Y和Z."""
    ms = c.ms
    group = [ms[i]]
    for k in range(i + 1, len(ms)):
        gap = c.between(group[-1], ms[k])
        if (_GROUP_SEP.match(gap) and "，" not in gap) or gap.strip() in ("、", "和", "与", "及", "以及", "，", ""):
            if ms[k].type == group[0].type or {ms[k].type, group[0].type} <= ORG_LIKE:
                group.append(ms[k])
                continue
        break
    return group


def _group_before(c: Ctx, i: int, ms: Sequence[Ref] | None = None) -> list[Ref]:
    """The coordinated group that ends with ``ms[i]``."""
    ms = c.ms if ms is None else ms
    group = [ms[i]]
    for k in range(i - 1, -1, -1):
        gap = c.between(ms[k], group[0])
        if gap.strip() in ("、", "和", "与", "及", "以及", "") and (
            ms[k].type == group[-1].type or {ms[k].type, group[-1].type} <= ORG_LIKE
        ):
            group.insert(0, ms[k])
            continue
        break
    return group


def _clause_start(c: Ctx, at: int) -> int:
    """Start of the clause holding ``at``; a comma inside a list of names does not end it."""
    text, sent = c.text, c.sent
    pos = at
    while True:
        comma = max(text.rfind("，", sent.start, pos), text.rfind("；", sent.start, pos))
        if comma < 0:
            return sent.start
        listed = text[comma] == "，" and any(m.start == comma + 1 for m in c.ms) and any(m.end == comma for m in c.ms)
        if not listed:
            return comma
        pos = comma


def _agent(c: Ctx, before: Sequence[Ref], at: int, types: frozenset[str]) -> Ref | None:
    """Who does what the words before ``at`` say: the nearest fitting name in the clause.

    Names that are the object of 与/向/由/联合… are skipped; in a later comma clause
    (X 由 Y 运营，网点遍布 P) the sentence's opening subject wins.
    """
    opener = c.opener(before)
    for m in reversed(before):
        if re.search(r"[。；;]", c.text[m.end : at]):
            return None
        if m.type not in types or c.t.object_of.search(c.text[max(c.sent.start, m.start - 4) : m.start]):
            continue
        if opener is not None and opener.type in types and re.search(r"[，,]", c.text[m.end : at]):
            return opener
        return m
    return None


# --------------------------------------------------------------------------- issuedBy

PUBLISH = rule("issuedBy:publish-verb", "issuedBy", 0.85)
POSSESSIVE = rule("issuedBy:possessive", "issuedBy", 0.8)
TITLE_ISSUER = rule("issuedBy:title-agency", "issuedBy", 0.9)


@family
def issued_by(c: Ctx) -> Iterator[tuple[Ref, Rule, Ref]]:
    """A（、B）发布/印发/制定《P》; 国家发改委《…》."""
    ms = c.ms
    for i, doc_m in enumerate(ms):
        if doc_m.type != "PolicyDocument":
            continue
        if i > 0 and ms[i - 1].type in ORG_LIKE and ms[i - 1].end == doc_m.start:
            for g in _group_before(c, i - 1):  # 中办、国办《关于…》: every agency of the list
                if g.type in ORG_LIKE:
                    yield doc_m, POSSESSIVE, g
            continue
        for k in range(i - 1, -1, -1):
            a = ms[k]
            if a.type == "PolicyDocument":
                if re.fullmatch(r"[\s、和及与（）()A-Z0-9/—\-－.]*", c.between(a, doc_m)):
                    continue  # 制定《A》(DB31/T…) 和《B》: both titles share the agent
                break
            if a.type not in ORG_LIKE and a.type != "Platform":
                continue
            gap = c.between(a, doc_m)
            gap_text = re.sub(r"《[^》]*》|[（(][^）)]*[）)]", "", gap)
            pub = c.t.publish.search(gap_text)
            if pub and len(gap_text) <= 40 and not re.search(r"[。；]", gap_text):
                if pub.start() <= 24:  # the verb must follow the agent closely: 市规资局研究制定了《…》
                    for g in _group_before(c, k):
                        if g.type in ORG_LIKE or g.type == "Platform":
                            yield doc_m, PUBLISH, g
                break
            if len(gap) > 40:
                break


# --------------------------------------------------------------------------- governedBy

ACCORDING = rule("governedBy:according-to", "governedBy", 0.75)
TITLE_NAMES = rule("governedBy:title-names", "governedBy", 0.7)


@family
def governed_by(c: Ctx) -> Iterator[tuple[Ref, Rule, Ref]]:
    """根据《P》… X; a regulation whose title names a program (《上海市科技创新券管理办法》)."""
    text, ms = c.text, c.ms
    for i, p in enumerate(ms):
        if p.type != "PolicyDocument":
            continue
        if c.t.according.search(text[max(0, p.start - 6) : p.start]):
            for x in ms[i + 1 :]:
                if x.type in ("Program", "Platform"):
                    yield x, ACCORDING, p
                    break
        if c.t.regulation.search(p.text):
            for key, ns in c.names.items():
                if key == p.key or base_type(c.types.get(key, "")) not in ("Program", "Platform"):
                    continue
                if any(len(n) >= 3 and n in p.text for n in ns):
                    yield Ref(key, base_type(c.types[key]), p.start, p.end, ns[0]), TITLE_NAMES, p


# --------------------------------------------------------------------------- administeredBy

ADMIN_PASSIVE = rule("administeredBy:passive", "administeredBy", 0.85)
ADMIN_AGENT = rule("administeredBy:agent-verb", "administeredBy", 0.8)
ADMIN_TOPIC = rule("administeredBy:topic", "administeredBy", 0.6)
ADMIN_POSSESSIVE = rule("administeredBy:possessive", "administeredBy", 0.75)
ADMIN_DESCRIBED = rule("administeredBy:described", "administeredBy", 0.75)


_OF = re.compile(r"\s*的\s*[“\"]?")
_BY = re.compile(r"[\s“”]*由\s*")


@family
def administered_by(c: Ctx) -> Iterator[tuple[Ref, Rule, Ref]]:
    """X 由 A 主办/主管; A … 建设/打造/组织 … X; the paragraph's agency after 一是…."""
    text, ms, sent = c.text, c.ms, c.sent
    topic = c.state.agency
    for i, x in enumerate(ms):
        if x.type not in DELIVERABLE:
            continue
        # A 的 “X”: 中国银行的“高新贷”
        if i > 0 and ms[i - 1].type in ORG_LIKE and _OF.fullmatch(c.between(ms[i - 1], x)):
            yield x, ADMIN_POSSESSIVE, ms[i - 1]
            continue
        # X 由 A（、B）主办/运营/主管(，C、D 共同承办)
        if i + 1 < len(ms) and ms[i + 1].type in ORG_LIKE and _BY.fullmatch(c.between(x, ms[i + 1])):
            group = [g for g in _group_after(c, i + 1) if g.type in ORG_LIKE]
            verb = c.t.passive.match(text, group[-1].end)
            if verb:
                for g in group:
                    yield x, ADMIN_PASSIVE, g
                pos, k = verb.end(), i + 1 + len(group)
                while k < len(ms) and ms[k].type in ORG_LIKE and re.fullmatch(r"\s*[，,、]\s*", text[pos : ms[k].start]):
                    more = [g for g in _group_after(c, k) if g.type in ORG_LIKE]
                    nxt = c.t.passive_more.match(text, more[-1].end)
                    if not nxt:
                        break
                    for g in more:
                        yield x, ADMIN_PASSIVE, g
                    pos, k = nxt.end(), k + len(more)
                continue
        # X 是 A 和 B 共同打造的…: the agents of a relative clause that describes X
        if i + 1 < len(ms) and ms[i + 1].type in ORG_LIKE and re.fullmatch(r"[^。；;，,]{0,20}[，,]?\s*(?:是|系)\s*", c.between(x, ms[i + 1])):
            group = [g for g in _group_after(c, i + 1) if g.type in ORG_LIKE]
            described = re.match(rf"\s*(?:共同|联合|一起)?(?:{c.t.admin.pattern})的", text[group[-1].end : group[-1].end + 12])
            if described:
                for g in group:
                    yield x, ADMIN_DESCRIBED, g
                continue
        verb_end = None
        clause_start = _clause_start(c, x.start)
        lead = text[clause_start : x.start]
        if not c.t.admin.search(lead) or _modifies(c, i):
            continue
        for m in c.t.admin.finditer(lead):
            verb_end = clause_start + m.start()
        agent = None
        for k in range(i - 1, -1, -1):
            a = ms[k]
            if a.end <= (verb_end or x.start) and a.type in ORG_LIKE:
                gap = text[a.end : verb_end or x.start]
                if len(gap) <= 40 and not re.search(r"[。；]", gap):
                    agent = a
                    # A 联合/会同/与 B 推出 X: both run it
                    if k > 0 and ms[k - 1].type in ORG_LIKE and re.fullmatch(
                        r"\s*(?:联合|会同|与|和|及|携手)\s*", c.between(ms[k - 1], a)
                    ):
                        yield x, ADMIN_AGENT, ms[k - 1]
                break
        opener = c.opener()
        if agent is not None:
            yield x, ADMIN_AGENT, agent
        elif opener is not None and opener.type in ORG_LIKE and opener.end <= clause_start:
            yield x, ADMIN_TOPIC, opener  # 省科技厅统筹…，组织开展 X、Y: the sentence's own agent
        elif topic is not None and topic.type in ORG_LIKE and c.openers.enum.match(text[sent.start : sent.end]):
            yield x, ADMIN_TOPIC, topic
        elif topic is not None and topic.type in ORG_LIKE and (
            text[sent.start : clause_start + 1].strip("，, ") == "" or not any(m.type in ORG_LIKE for m in ms)
        ):
            yield x, ADMIN_TOPIC, topic


def _modifies(c: Ctx, i: int) -> bool:
    """Is ``ms[i]`` one of the items that describe a later name (集成 A、B 等的 N), not an object itself?"""
    for y in c.ms[i + 1 :]:
        gap = c.between(c.ms[i], y)
        if len(gap) > 40 or re.search(r"[。；;]", gap):
            return False
        if y.type in DELIVERABLE and re.search(r"等?的\s*[“\"]?$", gap):
            return True
    return False


# --------------------------------------------------------------------------- targets

TARGETS_TRIGGER = rule("targets:trigger", "targets", 0.8)
TARGETS_FOR = rule("targets:for", "targets", 0.75)


_FOR_BEFORE = re.compile(r"(?:为|向)[^，。；]*$")


@family
def targets(c: Ctx) -> Iterator[tuple[Ref, Rule, Ref]]:
    """Who a program or platform is for: 面向 T 的 X; X 为 N 家 T 提供; X 主要支持/惠及 T."""
    text, ms, sent = c.text, c.ms, c.sent
    deliver = c.t.deliver
    for j, t in enumerate(ms):
        if t.type != "TargetGroup" or (j > 0 and _group_before(c, j)[0] is not t):
            continue
        group = [g for g in _group_after(c, j) if g.type == "TargetGroup"]
        lead = text[max(sent.start, t.start - 22) : t.start]
        after = ms[j + len(group) :]
        if c.t.targets_for.search(lead):  # 面向 T 的 X / 向 T 发放…的 X
            y = next((y for y in after if y.type in ("Program", "Platform")), None)
            gap = c.between(group[-1], y) if y else ""
            if y is not None and len(gap) <= 30 and not re.search(r"[。；;、]", gap) and re.search(rf"的|{deliver}", gap):
                for g in group:
                    yield y, TARGETS_FOR, g
                continue
        if _FOR_BEFORE.search(lead) and re.match(rf"[^，。；]{{0,12}}(?:{deliver})", text[group[-1].end : group[-1].end + 16]):
            r = TARGETS_FOR  # X 为 N 家 T 提供 …
        elif c.t.targets.search(lead) and text[group[-1].end : group[-1].end + 1] != "的":
            r = TARGETS_TRIGGER
        else:
            continue
        subj = _deliverer(c, ms[:j], t.start)
        if subj is None and r is TARGETS_FOR and not any(m.type in DELIVERABLE for m in ms):
            subj = c.state.recent  # 加大对“高企贷”支持力度。全年…为 N 家高新技术企业提供…
        if subj is not None:
            for x in _group_before(c, ms.index(subj)) if subj in ms else [subj]:
                if x.type in ("Program", "Platform"):
                    for g in group:
                        yield x, r, g


def _deliverer(c: Ctx, before: Sequence[Ref], at: int) -> Ref | None:
    """The last program, platform or event of ``before`` in the ；-part of ``at``, as a subject."""
    text, sent = c.text, c.sent
    part = max(text.rfind("；", sent.start, at), text.rfind(";", sent.start, at), sent.start)
    for m in reversed(before):
        if m.start < part:
            return None
        if m.type in DELIVERABLE:
            clause = _clause_start(c, m.start)
            if re.search(r"(?:向|与|对|给|同)[^，。；]*$", text[clause : m.start]):
                return None  # 向市金融局、上交所推荐…: an addressee, not the subject
            return m
    return None


# --------------------------------------------------------------------------- supports

SUPPORTS = rule("supports:trigger", "supports", 0.7)
_OBJECT_BEFORE = re.compile(r"(?:向|与|对|为|和|给|在)\s*$")
_SUPPORTABLE = frozenset({"Organization", "Program", "Platform", "Event"})


@family
def supports(c: Ctx) -> Iterator[tuple[Ref, Rule, Ref]]:
    """A 推动建设/支持/服务于/资助/孵化 B、C…: support for organisations, programs, platforms.

    The supporter is the agency or organisation that opens the sentence, else the nearest
    one named before the trigger in the same clause, else what the section heading named.
    """
    text, ms, sent = c.text, c.ms, c.sent
    for j, t in enumerate(ms):
        if t.type not in _SUPPORTABLE or (j > 0 and _group_before(c, j)[0] is not t):
            continue
        lead = text[max(sent.start, t.start - 12) : t.start]
        trig = c.t.support.search(lead)
        if not trig:
            continue
        at = t.start - len(lead) + trig.start()
        subj: Ref | None
        opener = c.opener()
        if opener is not None and opener.type in ORG_LIKE and opener.end <= at:
            subj = opener
        else:
            subj = next(
                (m for m in reversed([m for m in ms if m.end <= at])
                 if m.type in ORG_LIKE | DELIVERABLE and not re.search(r"[，,。；;]", text[m.end : at])
                 and not _OBJECT_BEFORE.search(text[max(sent.start, m.start - 2) : m.start])),
                None,
            )
            if subj is None and not [m for m in ms if m.end <= at]:
                subj = c.state.section
        if subj is None:
            continue
        for g in _group_after(c, j):
            if g.type in _SUPPORTABLE and g.key != subj.key and (g.type != "Organization" or subj.type != "Organization"):
                yield subj, SUPPORTS, g


# --------------------------------------------------------------------------- participatesIn

JOINS = rule("participatesIn:join", "participatesIn", 0.7)
FOUNDS = rule("participatesIn:founder", "participatesIn", 0.7)


@family
def participates(c: Ctx) -> Iterator[tuple[Ref, Rule, Ref]]:
    """X（、Y）入驻/参与/加入 Z; Z 吸引 X、Y 入驻."""
    text, ms = c.text, c.ms
    for i, x in enumerate(ms):
        if x.type != "Organization":
            continue
        group = _group_after(c, i)
        if group[0] is not x or text[x.start - 1 : x.start] == "、":
            continue  # (a later member of a list that began with another kind of name signs with it)
        last = group[-1]
        nxt = next((m for m in ms[i + len(group) :] if m.type != "TargetGroup"), None)  # (等领军企业 is a class)
        if nxt is not None and nxt.type in ("Organization", "Platform") and c.t.found.match(c.between(last, nxt)):
            for g in group:  # X、Y 等领军企业携手组建的 Z: the founders are its members
                yield g, FOUNDS, nxt
            continue
        after = text[last.end : last.end + 16]
        verb = c.t.join.search(after)
        if not verb or re.search(r"[。；，]", after[: verb.start()]):
            continue
        target = next((m for m in ms if m.start >= last.end + verb.end() and m.type in DELIVERABLE and m.start - last.end < 30), None)
        if target is None:
            target = next((m for m in reversed(ms[:i]) if m.type in DELIVERABLE and x.start - m.end < 30), None)
        if target is not None:
            for g in group:
                yield g, JOINS, target


# --------------------------------------------------------------------------- partnerOf

PARTNERS = rule("partnerOf:with", "partnerOf", 0.65)
SIGNS = rule("partnerOf:signing", "partnerOf", 0.65)
_ORG_OR_PLATFORM = ORG_LIKE | {"Platform"}


@family
def partners(c: Ctx) -> Iterator[tuple[Ref, Rule, Ref]]:
    """(A) 联合/携手/会同 X; A 与 X 合作/签署."""
    text, ms, sent = c.text, c.ms, c.sent
    for i, x in enumerate(ms):
        if x.type not in _ORG_OR_PLATFORM:
            continue
        if i == 0 or c.between(ms[i - 1], x).strip() not in ("、", "和", "与", "及"):
            signers = [x]  # X、Y、Z 战略合作签约仪式: the first signs with each of the others
            for m in ms[i + 1 :]:
                if m.type not in _ORG_OR_PLATFORM or c.between(signers[-1], m).strip() not in ("、", "和", "与", "及"):
                    break
                signers.append(m)
            if len(signers) > 1 and c.t.sign.match(text, signers[-1].end):
                for g in signers[1:]:
                    yield x, SIGNS, g
        pre = text[max(sent.start, x.start - 6) : x.start]
        if c.t.partner_before.search(pre) or (pre.endswith("与") and c.t.partner_after.search(text[x.end : x.end + 20] or "")):
            subj = _agent(c, ms[:i], x.start, _ORG_OR_PLATFORM) or c.state.subject
            if subj is not None and subj.type in _ORG_OR_PLATFORM:
                for g in _group_after(c, i):
                    if g.type in _ORG_OR_PLATFORM:
                        yield subj, PARTNERS, g


# --------------------------------------------------------------------------- partOf

PART_AMONG = rule("partOf:among", "partOf", 0.7)
PART_NAME = rule("partOf:name", "partOf", 0.7)
PART_DASH = rule("partOf:dash", "partOf", 0.6)
PART_INTEGRATES = rule("partOf:integrates", "partOf", 0.7)
_AMONG_BEFORE = re.compile(r"其中[，,]?\s*$")


@family
def part_of(c: Ctx) -> Iterator[tuple[Ref, Rule, Ref]]:
    """Y …，其中 X; 技术服务类科技创新券 ⊂ 科技创新券; 论坛——大会; Y 集成/包括 X、Z."""
    text, ms = c.text, c.ms
    for i, x in enumerate(ms):
        if _AMONG_BEFORE.search(text[max(0, x.start - 6) : x.start]):
            y = next((m for m in reversed(ms[:i]) if m.type == x.type and m.key != x.key), None)
            if y is not None:
                yield x, PART_AMONG, y
        for y in ms:
            if y.key != x.key and y.type == x.type and len(x.text) > len(y.text) + 1 and x.text.endswith(y.text):
                if re.search(r"[类型]$", x.text[: len(x.text) - len(y.text)]):
                    yield x, PART_NAME, y
                    break
        if i + 1 < len(ms) and x.type == ms[i + 1].type == "Event" and re.fullmatch(r"\s*[—－-]{1,2}\s*", c.between(x, ms[i + 1])):
            yield ms[i + 1], PART_DASH, x
        if i > 0 and c.t.parts.search(c.between(ms[i - 1], x)):
            group = [x]
            for m in ms[i + 1 :]:
                if m.type in DELIVERABLE and re.fullmatch(r"\s*[、，,和及与]\s*", c.between(group[-1], m)):
                    group.append(m)
                else:
                    break
            nxt = ms[i + len(group)] if i + len(group) < len(ms) else None
            if nxt is not None and re.fullmatch(r"\s*等?的\s*", c.between(group[-1], nxt)):
                for g in group:
                    yield g, PART_INTEGRATES, nxt
            elif ms[i - 1].type in DELIVERABLE:
                for g in group:
                    yield g, PART_INTEGRATES, ms[i - 1]


# --------------------------------------------------------------------------- locatedIn

LOCATED = rule("locatedIn:verb", "locatedIn", 0.7)
HELD_IN = rule("locatedIn:held-in", "locatedIn", 0.8)
UNDER_HEADING = rule("locatedIn:heading", "locatedIn", 0.6)
HOSTS = rule("locatedIn:hosts", "locatedIn", 0.7)


@family
def located(c: Ctx) -> Iterator[tuple[Ref, Rule, Ref]]:
    """X 落户/位于/遍布 P、Q (含 R)…; X 在 P 召开/举办; a list under a place heading 落户/入驻."""
    text, ms, sent = c.text, c.ms, c.sent
    for j, p in enumerate(ms):
        if p.type != "Place" or (j > 0 and ms[j - 1].type == "Place" and re.fullmatch(r"[\s、（(含）)]*", c.between(ms[j - 1], p))):
            continue
        lead = text[max(sent.start, p.start - 4) : p.start]
        places = [p]
        for q in ms[j + 1 :]:
            if q.type == "Place" and re.fullmatch(r"[\s、，,（(含）)和及]*", c.between(places[-1], q)):
                places.append(q)
            else:
                break
        host = c.t.host.match(text, p.end)
        if host and len(places) == 1:  # P 已集聚 X、Y 等: what gathers in a place is located there
            hosted = [m for m in ms[j + 1 :] if m.start >= host.end()]
            if hosted and hosted[0].start - host.end() <= 2 and hosted[0].type in DELIVERABLE | ORG_LIKE:
                group = [hosted[0]]
                for m in hosted[1:]:
                    if m.type in DELIVERABLE | ORG_LIKE and c.between(group[-1], m).strip() in ("、", "和", "与", "及"):
                        group.append(m)
                    else:
                        break
                for g in group:
                    yield g, HOSTS, p
        if c.t.spread.search(lead):
            subj = _agent(c, ms[:j], p.start, DELIVERABLE | ORG_LIKE)
            if subj is not None:
                for q in places:
                    yield subj, LOCATED, q
        elif re.search(r"在\s*$", lead) and c.t.hold.match(text[places[-1].end : places[-1].end + 4]) and j > 0:
            x = ms[j - 1]
            if x.type != "Place" and re.fullmatch(r"\s*在\s*", c.between(x, p)):
                yield x, HELD_IN, p
    if c.state.place is not None and re.search(r"(?:落户|入驻|落地)\s*$", sent.text) and not any(m.type == "Place" for m in ms):
        for m in ms:
            if m.type in _ORG_OR_PLATFORM:
                yield m, UNDER_HEADING, c.state.place


#: Every registered rule, by name (derived from the registrations above).
RULES: tuple[str, ...] = tuple(_RULES)


def rules() -> dict[str, Rule]:
    """The registered rules by name."""
    return dict(_RULES)
