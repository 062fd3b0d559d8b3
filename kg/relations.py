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

from kg._context import (
    _ENUM,
    _M,
    DELIVERABLE,
    ORG_LIKE,
    _between,
    _clause_start,
    _Context,
    _continues_section,
    _group_after,
    _group_before,
    _is_heading,
    _subject,
    _with_anaphors,
)
from kg.model import Document, Mention, Relation, Sentence, base_type, in_sentence

__all__ = ["extract_relations", "RULES"]


_PUBLISH = re.compile(r"(?:研究|共同|联合)?(?:发布|印发|出台|制定|制订|起草|颁布|出版)(?:了)?")
_ADMIN = re.compile(
    r"建设|打造|主办|承办|牵头|指导|组织|举办|搭建|运营|设立|推出|实施|发起|建立|筹建|负责|构建|创建|"
    r"上线|开设|设置|创设|推动建设|开展"
)
_JOIN = re.compile(r"入驻|进场|参与|加入|参加|入选|登陆|挂牌|入库|上市")
_PARTNER = re.compile(r"签署|签订|合作|共建|联合|携手|共同")
_SPREAD = re.compile(r"(?:遍布|分布于|分布在|位于|落户|坐落于|设在)\s*$")
_HOLD = re.compile(r"召开|举办|举行|开幕|启动")
_PARTS = re.compile(r"集成|包括|包含|涵盖|下设")

RULES = (
    "issuedBy:publish-verb", "issuedBy:possessive", "governedBy:according-to", "governedBy:title-names",
    "administeredBy:agent-verb", "administeredBy:topic", "administeredBy:passive",
    "targets:trigger", "targets:for", "supports:trigger", "participatesIn:join",
    "partnerOf:with", "partOf:among", "partOf:name", "partOf:dash",
    "partOf:integrates", "locatedIn:verb", "locatedIn:held-in", "locatedIn:heading",
)


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
        (_M(k, base_type(entity_types.get(k, m.type)), m.start, m.end, m.text) for m, k in zip(mentions, keys, strict=True)),
        key=lambda x: (x.start, x.end),
    )
    out: list[Relation] = []
    ctx = _Context()
    para_end = -1
    j = 0
    for sent in sentences:
        heading = _is_heading(doc.clean, sent)
        if sent.start > para_end:  # a new paragraph: the topic ends with its paragraph
            nl = doc.clean.find("\n\n", sent.end)
            para_end = nl if nl >= 0 else len(doc.clean)
            if not heading and not _continues_section(doc, sent):
                ctx.topic = ctx.agency = ctx.recent = None
        while j < len(items) and items[j].start < sent.start:
            j += 1
        ms = in_sentence(items, j, sent)
        ms = _with_anaphors(doc.clean, sent, ms, ctx.last_platform)
        ev = doc.evidence(sent.start, sent.end)
        for h, rel, t, rule, conf in _rules(doc.clean, sent, ms, ctx, entity_names, entity_types):
            if h.key != t.key:
                out.append(Relation(h.key, rel, t.key, ev, rule, conf))
        ctx.update(doc.clean, sent, ms, heading)
    return out


Rel = tuple[_M, str, _M, str, float]


def _rules(text: str, sent: Sentence, ms: Sequence[_M], ctx: _Context, names: dict[str, list[str]],
           types: dict[str, str]) -> Iterator[Rel]:
    """Every rule family on one sentence."""
    yield from _issued_by(text, ms)
    yield from _governed_by(text, ms, names, types)
    yield from _administered_by(text, sent, ms, ctx.agency)
    yield from _targets(text, ms, ctx, sent)
    yield from _supports_list(text, sent, ms, ctx)
    yield from _participates(text, ms)
    yield from _partners(text, sent, ms, ctx.subject)
    yield from _part_of(text, ms)
    yield from _located(text, sent, ms, ctx)


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
                if re.fullmatch(r"[\s、和及与（）()A-Z0-9/—\-－.]*", _between(text, a, doc_m)):
                    continue  # 制定《A》(DB31/T…) 和《B》: both titles share the agent
                break
            if a.type not in ORG_LIKE and a.type != "Platform":
                continue
            gap = _between(text, a, doc_m)
            gap_text = re.sub(r"《[^》]*》|[（(][^）)]*[）)]", "", gap)
            pub = _PUBLISH.search(gap_text)
            if pub and len(gap_text) <= 40 and not re.search(r"[。；]", gap_text):
                # the verb must follow the agent closely: 市规资局研究制定了《…》
                if pub.start() <= 24:
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
                if key == p.key or base_type(types.get(key, "")) not in ("Program", "Platform"):
                    continue
                if any(len(n) >= 3 and n in p.text for n in ns):
                    yield _M(key, base_type(types[key]), p.start, p.end, ns[0]), "governedBy", p, "governedBy:title-names", 0.7


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
        clause_start = _clause_start(text, sent, ms, x.start)
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
                    # A 联合/会同/与 B 推出 X: both run it
                    if k > 0 and ms[k - 1].type in ORG_LIKE and re.fullmatch(
                        r"\s*(?:联合|会同|与|和|及|携手)\s*", _between(text, ms[k - 1], a)
                    ):
                        yield x, "administeredBy", ms[k - 1], "administeredBy:agent-verb", 0.8
                break
        if agent is not None:
            yield x, "administeredBy", agent, "administeredBy:agent-verb", 0.8
        elif topic is not None and topic.type in ORG_LIKE and _ENUM.match(text[sent.start : sent.end]):
            yield x, "administeredBy", topic, "administeredBy:topic", 0.6
        elif topic is not None and topic.type in ORG_LIKE and (
            text[sent.start : clause_start + 1].strip("，, ") == ""
            or not any(m.type in ORG_LIKE for m in ms)
        ):
            yield x, "administeredBy", topic, "administeredBy:topic", 0.55


def _targets(text: str, ms: Sequence[_M], ctx: _Context, sent: Sentence) -> Iterator[Rel]:
    """Who a program or platform is for: a TargetGroup (or a list of them, T、U和V).

    Covers 面向/向/为/针对 T 的/发放/提供 X; X 为/向 (N 家) T 提供/发放 …; and
    X 主要支持/面向/惠及/服务/覆盖 (N 家) T. X is the last program or platform of
    the same ；-part before the group, unless it is the object of 向/与/对 (向 X 推荐 T).
    """
    for j, t in enumerate(ms):
        if t.type != "TargetGroup" or (j > 0 and _group_before(text, ms, j)[0] is not t):
            continue
        group = [g for g in _group_after(text, ms, j) if g.type == "TargetGroup"]
        lead = text[max(sent.start, t.start - 22) : t.start]
        after = ms[j + len(group) :]
        if re.search(r"(?:面向|向|为|针对)[^，。；、]*$", lead):  # 面向 T 的 X / 向 T 发放…的 X
            y = next((y for y in after if y.type in ("Program", "Platform")), None)
            gap = _between(text, group[-1], y) if y else ""
            if y is not None and len(gap) <= 30 and not re.search(r"[。；;、]", gap) and re.search(r"的|发放|提供", gap):
                for g in group:
                    yield y, "targets", g, "targets:for", 0.75
                continue
        if re.search(r"(?:为|向)[^，。；]*$", lead) and re.match(r"[^，。；]{0,12}(?:提供|发放)", text[group[-1].end : group[-1].end + 16]):
            rule, conf = "targets:for", 0.7  # X 为 N 家 T 提供 …
        elif re.search(
            r"(?:主要支持|重点支持|支持|面向|服务于|服务|惠及|覆盖|扶持|资助|帮助)"
            r"(?:[^，。；、]{0,20}的)?\s*[0-9.]*\s*(?:余|多)?\s*[家户名个]?\s*$", lead
        ) and text[group[-1].end : group[-1].end + 1] != "的":
            rule, conf = "targets:trigger", 0.8
        else:
            continue
        subj = _deliverer(text, sent, ms[:j], t.start)
        if subj is None and rule == "targets:for" and not any(m.type in DELIVERABLE for m in ms):
            subj = ctx.recent  # 加大对“高企贷”支持力度。全年…为 N 家高新技术企业提供…
        if subj is not None:
            for x in _group_before(text, ms, ms.index(subj)) if subj in ms else [subj]:
                if x.type in ("Program", "Platform"):
                    for g in group:
                        yield x, "targets", g, rule, conf


def _deliverer(text: str, sent: Sentence, before: Sequence[_M], at: int) -> _M | None:
    """The last program, platform or event of ``before`` in the ；-part of ``at``, as a subject."""
    part = max(text.rfind("；", sent.start, at), text.rfind(";", sent.start, at), sent.start)
    for m in reversed(before):
        if m.start < part:
            return None
        if m.type in DELIVERABLE:
            clause = _clause_start(text, sent, before, m.start)
            if re.search(r"(?:向|与|对|给|同)[^，。；]*$", text[clause : m.start]):
                return None  # 向市金融局、上交所推荐…: an addressee, not the subject
            return m
    return None


def _supports_list(text: str, sent: Sentence, ms: Sequence[_M], ctx: _Context) -> Iterator[Rel]:
    """A 推动建设/支持/服务于/资助/增加/孵化 B、C…: support for organisations, programs, platforms.

    The supporter is the agency or organisation that opens the sentence, else
    the nearest one named before the trigger in the same clause, else what the
    section heading named (智能制造平台 … 技术支撑孵化的智邦、治臻).
    """
    supportable = {"Organization", "Program", "Platform", "Event"}
    opener = _subject(text, sent, ms)
    for j, t in enumerate(ms):
        if t.type not in supportable or (j > 0 and _group_before(text, ms, j)[0] is not t):
            continue
        lead = text[max(sent.start, t.start - 12) : t.start]
        trig = re.search(
            r"(?:推动建设了?|支持|资助|扶持|服务于|服务|帮助|助力|赋能|增加|加大|扩大|培育|支撑孵化|孵化)"
            r"\s*(?:了|的|[0-9]+\s*家)?\s*$",
            lead,
        )
        if not trig:
            continue
        at = t.start - len(lead) + trig.start()
        if opener is not None and opener.type in ORG_LIKE and opener.end <= at:
            subj: _M | None = opener
        else:
            subj = next(
                (m for m in reversed([m for m in ms if m.end <= at])
                 if m.type in ORG_LIKE | DELIVERABLE and not re.search(r"[，,。；;]", text[m.end : at])
                 and not _OBJECT_BEFORE.search(text[max(sent.start, m.start - 2) : m.start])),
                None,
            )
            if subj is None and not [m for m in ms if m.end <= at]:
                subj = ctx.section
        if subj is None:
            continue
        for g in _group_after(text, ms, j):
            if g.type in supportable and g.key != subj.key and (g.type != "Organization" or subj.type != "Organization"):
                yield subj, "supports", g, "supports:trigger", 0.7


_OBJECT_BEFORE = re.compile(r"(?:向|与|对|为|和|给|在)\s*$")


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


def _agent(text: str, sent: Sentence, before: Sequence[_M], at: int, types: set[str]) -> _M | None:
    """Who does what the words before ``at`` say: the nearest fitting name in the clause.

    Names that are the object of 与/向/由/联合… are skipped; in a later comma
    clause (X 由 Y 运营，网点遍布 P) the sentence's opening subject wins.
    """
    opener = _subject(text, sent, before)
    for m in reversed(before):
        if re.search(r"[。；;]", text[m.end : at]):
            return None
        if m.type not in types or _OBJECT_OF.search(text[max(sent.start, m.start - 4) : m.start]):
            continue
        if opener is not None and opener.type in types and re.search(r"[，,]", text[m.end : at]):
            return opener
        return m
    return None


_OBJECT_OF = re.compile(r"(?:与|同|和|向|对|由|给|联合|会同|携手|、)\s*$")


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
            subj = _agent(text, sent, ms[:i], x.start, org_like) or topic
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
            group = [x]
            for m in ms[i + 1 :]:
                if m.type in DELIVERABLE and re.fullmatch(r"\s*[、，,和及与]\s*", _between(text, group[-1], m)):
                    group.append(m)
                else:
                    break
            nxt = ms[i + len(group)] if i + len(group) < len(ms) else None
            if nxt is not None and re.fullmatch(r"\s*等?的\s*", _between(text, group[-1], nxt)):
                for g in group:
                    yield g, "partOf", nxt, "partOf:integrates", 0.7
            elif ms[i - 1].type in DELIVERABLE:
                for g in group:
                    yield g, "partOf", ms[i - 1], "partOf:integrates", 0.6


def _located(text: str, sent: Sentence, ms: Sequence[_M], ctx: _Context) -> Iterator[Rel]:
    """X 落户/位于/遍布 P、Q (含 R)…; X 在 P 召开/举办; a list under a place heading 落户/入驻."""
    for j, p in enumerate(ms):
        if p.type != "Place" or (j > 0 and ms[j - 1].type == "Place" and re.fullmatch(r"[\s、（(含）)]*", _between(text, ms[j - 1], p))):
            continue
        lead = text[max(sent.start, p.start - 4) : p.start]
        places = [p]
        for q in ms[j + 1 :]:
            if q.type == "Place" and re.fullmatch(r"[\s、，,（(含）)和及]*", _between(text, places[-1], q)):
                places.append(q)
            else:
                break
        if _SPREAD.search(lead):
            subj = _agent(text, sent, ms[:j], p.start, DELIVERABLE | ORG_LIKE)
            if subj is not None:
                for q in places:
                    yield subj, "locatedIn", q, "locatedIn:verb", 0.7
        elif re.search(r"在\s*$", lead) and _HOLD.match(text[places[-1].end : places[-1].end + 4]) and j > 0:
            x = ms[j - 1]
            if x.type != "Place" and re.fullmatch(r"\s*在\s*", _between(text, x, p)):
                yield x, "locatedIn", p, "locatedIn:held-in", 0.8
    # 宁德时代未来能源研究院、…等龙头企业创新中心落户 (under a place heading)
    if ctx.place is not None and re.search(r"(?:落户|入驻|落地)\s*$", sent.text) and not any(m.type == "Place" for m in ms):
        for m in ms:
            if m.type in ORG_LIKE | {"Platform"}:
                yield m, "locatedIn", ctx.place, "locatedIn:heading", 0.6
