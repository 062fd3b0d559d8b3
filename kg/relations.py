"""Relations: sentence-level rules over typed mentions → typed edges with evidence.

Each rule looks at one sentence (or bullet): the entities mentioned in it, in
order, and the trigger words between them. A governing agency that a sentence
leaves implicit (``一是联合苏浙皖科技部门，组织…挑战赛``) is the *topic* of the
paragraph: the last organisation that opened a sentence as its subject. A bare
``平台`` / ``该平台`` opening a clause refers to the last platform named.

Every relation carries the sentence as evidence (offsets into the original
text), the rule that produced it and a confidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kg.model import Document, Mention, Relation, Sentence

__all__ = ["extract_relations", "RULES"]

_BASE = {
    "LoanProduct": "Program", "Voucher": "Program", "TalentProgram": "Program",
    "FundingProgram": "Program", "University": "Organization", "Enterprise": "Organization",
    "Bank": "Organization", "ResearchInstitute": "Organization", "Association": "Organization",
    "Exchange": "Platform",
}

ORG_LIKE = {"Agency", "Organization"}
DELIVERABLE = {"Program", "Platform", "Event"}

_PUBLISH = re.compile(r"(?:研究|共同|联合)?(?:发布|印发|出台|制定|制订|起草|颁布|出版)(?:了)?")
_ADMIN = re.compile(
    r"建设|打造|主办|承办|牵头|指导|组织|举办|搭建|运营|设立|推出|实施|发起|建立|筹建|负责|构建|创建|"
    r"上线|开设|设置|创设|推动建设|开展"
)
_ADMIN_PASSIVE = re.compile(r"^\s*由\s*$")
_TARGET = re.compile(r"主要支持|重点支持|支持|面向|服务于|服务|惠及|覆盖|针对|扶持|资助|帮助|为|向")
_SUPPORT = re.compile(r"支持|资助|扶持|推动建设|培育|服务于|服务|帮助|助力|赋能|增加|加大|扩大")
_JOIN = re.compile(r"入驻|进场|参与|加入|参加|入选|登陆|挂牌|入库|上市")
_PARTNER = re.compile(r"签署|签订|合作|共建|联合|携手|共同")
_LOCATE = re.compile(r"落户|位于|坐落|设在|落地|遍布|分布|在$|覆盖")
_HOLD = re.compile(r"召开|举办|举行|开幕|启动")
_PARTS = re.compile(r"集成|包括|包含|涵盖|下设")
_GROUP_SEP = re.compile(r"^\s*(?:、|和|与|及|以及|，|,|“|”|\s)*\s*$")
_ENUM = re.compile(r"^\s*(?:[一二三四五六七八九十]+是|另一方面|一方面|同时|此外|另外|[0-9]+[.、])\s*[，,]?\s*")
_ANAPHOR = re.compile(r"(?:^|[，,；;。])\s*(该平台|平台|该交易所|交易所|大会|大赛|该中心)")
_SUFFIX_OF_ANAPHOR = {"平台": "Platform", "交易所": "Platform", "大会": "Event", "大赛": "Event", "中心": "Platform"}

RULES = (
    "issuedBy:publish-verb", "issuedBy:possessive", "governedBy:according-to", "governedBy:title-names",
    "administeredBy:agent-verb", "administeredBy:topic", "administeredBy:passive",
    "targets:trigger", "targets:for", "supports:trigger", "participatesIn:join",
    "partnerOf:with", "partnerOf:joint", "partOf:among", "partOf:name", "partOf:dash",
    "partOf:integrates", "locatedIn:verb", "locatedIn:held-in",
)


@dataclass(frozen=True)
class _M:
    """A mention resolved to its entity, as the rules see it."""

    key: str
    type: str  # base type
    start: int
    end: int
    text: str


def _base(t: str) -> str:
    return _BASE.get(t, t)


def extract_relations(
    doc: Document,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    keys: Sequence[str],
    entity_types: dict[str, str],
    entity_names: dict[str, list[str]],
) -> list[Relation]:
    """All relations the rules find in a document, in text order.

    ``keys[i]`` is the entity key of ``mentions[i]``; ``entity_types`` maps
    keys to types and ``entity_names`` keys to every name of the entity.
    """
    items = sorted(
        (_M(k, _base(entity_types.get(k, m.type)), m.start, m.end, m.text) for m, k in zip(mentions, keys, strict=True)),
        key=lambda x: (x.start, x.end),
    )
    out: list[Relation] = []
    topic: _M | None = None
    last_platform: _M | None = None
    para_end = -1
    j = 0
    for sent in sentences:
        if sent.start > para_end:  # a new paragraph: the topic ends with its paragraph
            nl = doc.clean.find("\n\n", sent.end)
            para_end = nl if nl >= 0 else len(doc.clean)
            if not _is_heading(sent):
                topic = topic if _continues_section(doc, sent) else None
        while j < len(items) and items[j].start < sent.start:
            j += 1
        ms = [m for m in items[j:] if m.end <= sent.end]
        ms = _with_anaphors(doc.clean, sent, ms, last_platform)
        ev = doc.evidence(sent.start, sent.end)

        def emit(h: _M, rel: str, t: _M, rule: str, conf: float) -> None:
            if h.key != t.key:
                out.append(Relation(h.key, rel, t.key, ev, rule, conf))

        for rel in _rules(doc.clean, sent, ms, topic, entity_names, entity_types):
            emit(*rel)
        subj = _subject(doc.clean, sent, ms)
        if subj is not None and subj.type in ORG_LIKE | {"Platform"}:
            topic = subj
        for m in ms:
            if m.type == "Platform":
                last_platform = m
    return out


def _is_heading(sent: Sentence) -> bool:
    return len(sent.text) <= 30 and not re.search(r"[。；！？]$", sent.text)


def _continues_section(doc: Document, sent: Sentence) -> bool:
    """A paragraph that opens with an enumerator or a bullet continues the previous topic."""
    line_start = doc.clean.rfind("\n", 0, sent.start) + 1
    lead = doc.clean[line_start : sent.start + 4]
    return bool(_ENUM.match(sent.text) or re.match(r"^\s*[-•◆▶»]", lead) or len(sent.text) < 60)


def _subject(text: str, sent: Sentence, ms: Sequence[_M]) -> _M | None:
    """The entity a sentence opens with, as its subject (after 近年来，/一是 …)."""
    if not ms:
        return None
    head = text[sent.start : ms[0].start]
    head = _ENUM.sub("", head)
    head = re.sub(r"^(?:近年来|近几年|目前|截至目前|同时|另外|此外|下阶段|20\d\d\s*年)[，,]?\s*", "", head)
    if len(head.strip(" “”*")) <= 2:
        return ms[0]
    return None


def _with_anaphors(text: str, sent: Sentence, ms: list[_M], last: _M | None) -> list[_M]:
    """Add a mention for a bare 平台 / 该平台 that refers to the last platform named."""
    if last is None:
        return ms
    extra = []
    for m in _ANAPHOR.finditer(text, sent.start, sent.end):
        s, e = m.span(1)
        if any(x.start <= s < x.end for x in ms):
            continue
        word = m.group(1).removeprefix("该")
        if _SUFFIX_OF_ANAPHOR.get(word) == last.type and last.text.endswith(word[-2:]) or word == "平台" and last.type == "Platform":
            extra.append(_M(last.key, last.type, s, e, m.group(1)))
    return sorted(ms + extra, key=lambda x: (x.start, x.end)) if extra else ms


def _between(text: str, a: _M, b: _M) -> str:
    return text[a.end : b.start]


def _group_after(text: str, ms: Sequence[_M], i: int) -> list[_M]:
    """The coordinated group that starts with ``ms[i]``: X、Y和Z."""
    group = [ms[i]]
    for k in range(i + 1, len(ms)):
        gap = _between(text, group[-1], ms[k])
        if _GROUP_SEP.match(gap) and "，" not in gap or gap.strip() in ("、", "和", "与", "及", "以及", "，", ""):
            if ms[k].type == group[0].type or {ms[k].type, group[0].type} <= ORG_LIKE:
                group.append(ms[k])
                continue
        break
    return group


def _group_before(text: str, ms: Sequence[_M], i: int) -> list[_M]:
    """The coordinated group that ends with ``ms[i]``."""
    group = [ms[i]]
    for k in range(i - 1, -1, -1):
        gap = _between(text, ms[k], group[0])
        if gap.strip() in ("、", "和", "与", "及", "以及", "") and (
            ms[k].type == group[-1].type or {ms[k].type, group[-1].type} <= ORG_LIKE
        ):
            group.insert(0, ms[k])
            continue
        break
    return group


Rel = tuple[_M, str, _M, str, float]


def _rules(
    text: str,
    sent: Sentence,
    ms: Sequence[_M],
    topic: _M | None,
    names: dict[str, list[str]],
    types: dict[str, str],
) -> Iterator[Rel]:
    yield from _issued_by(text, ms)
    yield from _governed_by(text, ms, names, types)
    yield from _administered_by(text, sent, ms, topic)
    yield from _targets_supports(text, ms, topic, sent)
    yield from _participates(text, ms)
    yield from _partners(text, sent, ms, topic)
    yield from _part_of(text, ms)
    yield from _located(text, ms)


def _issued_by(text: str, ms: Sequence[_M]) -> Iterator[Rel]:
    for i, doc_m in enumerate(ms):
        if doc_m.type != "PolicyDocument":
            continue
        # 国家发改委《…》: an agency right before the title
        if i > 0 and ms[i - 1].type in ORG_LIKE and ms[i - 1].end == doc_m.start:
            yield doc_m, "issuedBy", ms[i - 1], "issuedBy:possessive", 0.8
            continue
        # A（、B）… 发布/印发/制定 《P》
        for k in range(i - 1, -1, -1):
            a = ms[k]
            if a.type == "PolicyDocument":
                break
            if a.type not in ORG_LIKE and a.type != "Platform":
                continue
            gap = _between(text, a, doc_m)
            pub = _PUBLISH.search(gap)
            if pub and len(gap) <= 40 and not re.search(r"[。；]", gap) and "《" not in gap:
                # the verb must follow the agent closely: 市规资局研究制定了《…》
                if pub.start() <= 16:
                    for g in _group_before(text, ms, k):
                        if g.type in ORG_LIKE or g.type == "Platform":
                            yield doc_m, "issuedBy", g, "issuedBy:publish-verb", 0.85
                break
            if len(gap) > 40:
                break


def _governed_by(
    text: str, ms: Sequence[_M], names: dict[str, list[str]], types: dict[str, str]
) -> Iterator[Rel]:
    for i, p in enumerate(ms):
        if p.type != "PolicyDocument":
            continue
        before = text[max(0, p.start - 6) : p.start]
        if re.search(r"(?:根据|依据|按照|基于|依照)$", before):
            for x in ms[i + 1 :]:
                if x.type in ("Program", "Platform"):
                    yield x, "governedBy", p, "governedBy:according-to", 0.75
                    break
        # a regulation whose title names a program: 《上海市科技创新券管理办法》 governs 科技创新券
        if re.search(r"(?:办法|细则|通知|意见|方案|规定|指南|规范|条例|规则)", p.text):
            for key, ns in names.items():
                if key == p.key or _base(types.get(key, "")) not in ("Program", "Platform"):
                    continue
                if any(len(n) >= 3 and n in p.text for n in ns):
                    yield _M(key, _base(types[key]), p.start, p.end, ns[0]), "governedBy", p, "governedBy:title-names", 0.7


def _administered_by(text: str, sent: Sentence, ms: Sequence[_M], topic: _M | None) -> Iterator[Rel]:
    for i, x in enumerate(ms):
        if x.type not in DELIVERABLE:
            continue
        # X 由 A 主办/运营
        if i + 1 < len(ms) and ms[i + 1].type in ORG_LIKE:
            gap = _between(text, x, ms[i + 1])
            after = text[ms[i + 1].end : ms[i + 1].end + 8]
            if re.fullmatch(r"\s*由\s*", gap) and re.match(r"\s*(?:主办|承办|运营|建设|牵头|负责|管理|组织)", after):
                yield x, "administeredBy", ms[i + 1], "administeredBy:passive", 0.85
                continue
        # A … 建设/打造/组织 … X: the nearest agent before the verb
        verb_end = None
        clause_start = max(text.rfind("，", sent.start, x.start), text.rfind("；", sent.start, x.start), sent.start)
        lead = text[clause_start : x.start]
        if not _ADMIN.search(lead):
            continue
        for m in _ADMIN.finditer(lead):
            verb_end = clause_start + m.start()
        agent = None
        for k in range(i - 1, -1, -1):
            a = ms[k]
            if a.end <= (verb_end or x.start) and a.type in ORG_LIKE:
                gap = text[a.end : verb_end or x.start]
                if len(gap) <= 40 and not re.search(r"[。；]", gap):
                    agent = a
                break
        if agent is not None:
            yield x, "administeredBy", agent, "administeredBy:agent-verb", 0.8
        elif topic is not None and topic.type in ORG_LIKE and _ENUM.match(text[sent.start : sent.end]):
            yield x, "administeredBy", topic, "administeredBy:topic", 0.6
        elif topic is not None and topic.type in ORG_LIKE and text[sent.start : clause_start + 1].strip("，, ") == "":
            yield x, "administeredBy", topic, "administeredBy:topic", 0.55


def _targets_supports(text: str, ms: Sequence[_M], topic: _M | None, sent: Sentence) -> Iterator[Rel]:
    for i, x in enumerate(ms):
        for j in range(i + 1, len(ms)):
            t = ms[j]
            gap = _between(text, x, t)
            if len(gap) > 30 or re.search(r"[。；;]", gap):
                break
            if x.type in DELIVERABLE and t.type == "TargetGroup":
                trig = _TARGET.search(gap)
                if trig and not re.search(r"[，,]", gap[: trig.start()]):
                    for g in _group_after(text, ms, j):
                        if g.type == "TargetGroup":
                            yield x, "targets", g, "targets:trigger", 0.8
                    break
            if x.type in DELIVERABLE | ORG_LIKE and t.type in {"Organization", "Program", "Platform", "Event"}:
                trig = _SUPPORT.search(gap)
                if trig and len(gap) <= 16 and not re.search(r"[，,]", gap):
                    for g in _group_after(text, ms, j):
                        if g.type in {"Organization", "Program", "Platform", "Event"} and g.key != x.key:
                            yield x, "supports", g, "supports:trigger", 0.7
                    break
        # 面向/向/为 T … 的/发放/提供 X : X targets T
        if x.type == "TargetGroup":
            pre = text[max(sent.start, x.start - 12) : x.start]
            if re.search(r"(?:面向|向|为|针对)[^，。；]*$", pre):
                for y in ms[ms.index(x) + 1 :]:
                    gap = _between(text, x, y)
                    if len(gap) > 30 or re.search(r"[。；;]", gap):
                        break
                    if y.type in ("Program", "Platform") and re.search(r"的|发放|提供", gap):
                        yield y, "targets", x, "targets:for", 0.75
                        break
        # X 为 N 家 T 提供 …
        if x.type in DELIVERABLE:
            m = re.match(r"[^，。；]{0,8}?为\s*[0-9.]*\s*(?:余|多)?\s*[家个户名]?", text[x.end : x.end + 20])
            if m:
                for y in ms[ms.index(x) + 1 :]:
                    if y.start - x.end > 24:
                        break
                    if y.type == "TargetGroup":
                        yield x, "targets", y, "targets:for", 0.8
                        break


def _participates(text: str, ms: Sequence[_M]) -> Iterator[Rel]:
    for i, x in enumerate(ms):
        if x.type != "Organization":
            continue
        group = _group_after(text, ms, i)
        if group[0] is not x:
            continue
        last = group[-1]
        after = text[last.end : last.end + 16]
        verb = _JOIN.search(after)
        if not verb or re.search(r"[。；，]", after[: verb.start()]):
            continue
        # the platform: named after the verb, else the one before the group (平台吸引 X 入驻)
        target = next((m for m in ms if m.start >= last.end + verb.end() and m.type in DELIVERABLE and m.start - last.end < 30), None)
        if target is None:
            target = next((m for m in reversed(ms[:i]) if m.type in DELIVERABLE and x.start - m.end < 30), None)
        if target is not None:
            for g in group:
                yield g, "participatesIn", target, "participatesIn:join", 0.7


def _partners(text: str, sent: Sentence, ms: Sequence[_M], topic: _M | None) -> Iterator[Rel]:
    org_like = ORG_LIKE | {"Platform"}
    for i, x in enumerate(ms):
        if x.type not in org_like:
            continue
        pre = text[max(sent.start, x.start - 6) : x.start]
        # (topic) 联合 X / 与 X 合作 / 与 X 签署
        if re.search(r"(?:联合|携手|会同)$", pre) or (
            re.search(r"与$", pre) and _PARTNER.search(text[x.end : x.end + 20] or "")
        ):
            subj = next((m for m in reversed(ms[:i]) if m.type in org_like and not re.search(r"[。；]", _between(text, m, x))), None)
            subj = subj or topic
            if subj is not None and subj.type in org_like:
                for g in _group_after(text, ms, i):
                    if g.type in org_like:
                        yield subj, "partnerOf", g, "partnerOf:with", 0.65


def _part_of(text: str, ms: Sequence[_M]) -> Iterator[Rel]:
    for i, x in enumerate(ms):
        # Y …，其中，X
        pre = text[max(0, x.start - 6) : x.start]
        if re.search(r"其中[，,]?\s*$", pre):
            y = next((m for m in reversed(ms[:i]) if m.type == x.type and m.key != x.key), None)
            if y is not None:
                yield x, "partOf", y, "partOf:among", 0.7
        # 技术服务类科技创新券 ⊂ 科技创新券
        for y in ms:
            if y.key != x.key and y.type == x.type and len(x.text) > len(y.text) + 1 and x.text.endswith(y.text):
                if re.search(r"[类型]$", x.text[: len(x.text) - len(y.text)]):
                    yield x, "partOf", y, "partOf:name", 0.7
                    break
        # 浦江创新论坛——全球技术转移大会
        if i + 1 < len(ms) and x.type == ms[i + 1].type == "Event" and re.fullmatch(r"\s*[—－-]{1,2}\s*", _between(text, x, ms[i + 1])):
            yield ms[i + 1], "partOf", x, "partOf:dash", 0.6
        # Y 集成/包括 X、Z 等 / 集成 X、Z 等的 Y
        if i > 0 and re.search(_PARTS.pattern + r"\s*$", _between(text, ms[i - 1], x)):
            group = _group_after(text, ms, i)
            nxt = ms[i + len(group)] if i + len(group) < len(ms) else None
            if nxt is not None and re.fullmatch(r"\s*等?的\s*", _between(text, group[-1], nxt)):
                for g in group:
                    yield g, "partOf", nxt, "partOf:integrates", 0.7
            elif ms[i - 1].type in DELIVERABLE:
                for g in group:
                    yield g, "partOf", ms[i - 1], "partOf:integrates", 0.6


def _located(text: str, ms: Sequence[_M]) -> Iterator[Rel]:
    for i, x in enumerate(ms):
        if x.type == "Place":
            continue
        for j in range(i + 1, len(ms)):
            p = ms[j]
            gap = _between(text, x, p)
            if len(gap) > 40 or re.search(r"[。；;]", gap):
                break
            if p.type != "Place":
                continue
            if _LOCATE.search(gap) and not re.search(r"[，,]", gap[:-2] if gap.endswith("在") else gap):
                for g in _group_after(text, ms, j):
                    if g.type == "Place":
                        yield x, "locatedIn", g, "locatedIn:verb", 0.7
                break
            if re.fullmatch(r"\s*在\s*", gap) and _HOLD.match(text[p.end : p.end + 4]):
                yield x, "locatedIn", p, "locatedIn:held-in", 0.8
                break
