"""Terminal output of ``kg connect`` and ``kg show`` (a helper of :mod:`kg.cli`, which alone prints).

Every hop is printed with its kind — a typed relation as ``—主管 administeredBy→``, the
document layer as ``—同句 in one sentence—``, ``—同段 in one paragraph—``, ``—同文 in one
document—``, ``—提及 mentions→``, ``—发文 issued by→`` — and the evidence under it: the
sentences, and for a document hop each document's 文号, issuer and date.
"""

from __future__ import annotations

from typing import Any

from kg._links import KIND_LABELS
from kg.model import RELATION_LABELS
from kg.paths import Card, Hop, Index, Path, document_json, shorten, source_of, url_of

__all__ = ["arrow", "print_paths", "print_card", "source_text"]

#: Evidence items printed per hop (the rest are counted).
SHOWN = 2


def source_text(number: str, date: str | None, url: str | None = None) -> str:
    """``文号, date`` (or just the 文号 / file id), then the document's URL when it is known."""
    text = f"{number}, {date}" if date else number
    return f"{text} {url}" if url else text


def _source(index: Index, doc_id: str) -> str:
    return source_text(*source_of(index, doc_id), url_of(index, doc_id))


def arrow(relation: str, forward: bool) -> str:
    """A typed edge as ``—主管 administeredBy→`` (or ``←…—`` against the path)."""
    zh = RELATION_LABELS.get(relation, (relation,))[0]
    return f"—{zh} {relation}→" if forward else f"←{zh} {relation}—"


def _kind_arrow(hop: Hop, index: Index) -> str:
    """``—同句 in one sentence—``; for a document at one end ``—提及 mentions→`` / ``←发文 issued by—``."""
    zh, en = KIND_LABELS[hop.kind]
    if hop.kind in ("mention", "issued"):
        en = "mentions" if hop.kind == "mention" else "issued by"
        forward = index.document_id(hop.start) is not None
        return f"—{zh} {en}→" if forward else f"←{zh} {en}—"
    return f"—{zh} {en}—"


def _names(index: Index, *node_ids: str) -> list[str]:
    names: list[str] = []
    for node_id in node_ids:
        names.append(index.label(node_id))
        names += (index.nodes.get(node_id) or {}).get("aliases", [])
    return names


def _kinds(path: Path) -> str:
    return " + ".join(f"{KIND_LABELS[h.kind][0]} {h.kind}" for h in path.hops)


def print_paths(console: Any, index: Index, found: list[Path]) -> None:
    """Print the paths of ``kg connect``: a header per path, then each hop with its evidence."""
    from rich.markup import escape

    first, last = index.label(found[0].nodes[0]), index.label(found[0].nodes[-1])
    console.print(f"[bold]{escape(first)}[/] → [bold]{escape(last)}[/]: "
                  f"{len(found)} path{'s' if len(found) != 1 else ''}")
    for number, path in enumerate(found, 1):
        console.print()
        hops = len(path.hops)
        console.print(f"[bold]Path {number}[/]  ({hops} hop{'s' if hops != 1 else ''}: {_kinds(path)}; "
                      f"weight {path.weight:.2f}): " + escape(" · ".join(index.label(n) for n in path.nodes)))
        for hop in path.hops:
            _print_hop(console, index, hop)


def _print_hop(console: Any, index: Index, hop: Hop) -> None:
    from rich.markup import escape

    def line(text: str, indent: int = 6) -> None:
        console.print(" " * indent + f"[dim]{escape(text)}[/]")

    def quote(ev: dict[str, Any], names: list[str], *, who: bool, source: bool = True) -> str:
        if ev.get("entity"):
            names = _names(index, ev["entity"])
        text = f"“{shorten(ev.get('text', ''), names)}”"
        if who and ev.get("entity"):
            text = f"{index.label(ev['entity'])}: {text}"
        if source:
            text += " — " + _source(index, ev.get("doc", ""))
        return text

    for step in hop.steps:
        left, right = (step.source, step.target) if step.forward else (step.target, step.source)
        console.print(f"  {escape(index.label(left))} [cyan]{arrow(step.relation, step.forward)}[/] "
                      f"{escape(index.label(right))}")
        names = _names(index, step.source, step.target)
        for ev in step.evidence[:SHOWN]:
            line(quote(ev, names, who=False))
        if len(step.evidence) > SHOWN:
            line(f"(+{len(step.evidence) - SHOWN} more)")
    if hop.kind == "relation":
        return
    console.print(f"  {escape(index.label(hop.start))} [magenta]{_kind_arrow(hop, index)}[/] "
                  f"{escape(index.label(hop.end))}")
    names = _names(index, hop.start, hop.end)
    if hop.kind == "sentence":
        for ev in hop.evidence[:SHOWN]:
            line(quote(ev, names, who=False))
        if len(hop.evidence) > SHOWN:
            line(f"(+{len(hop.evidence) - SHOWN} more sentences)")
    elif hop.kind == "paragraph":
        pair = sorted(hop.evidence[:2], key=lambda ev: ev.get("entity") != hop.start)
        for ev in pair:
            line(quote(ev, names, who=True, source=ev is pair[-1]))
        if len(hop.evidence) > 2:
            line(f"(+{(len(hop.evidence) - 2) // 2} more paragraphs)")
    else:
        docs = hop.documents or ((hop.document,) if hop.document else ())
        for doc_id in docs[:SHOWN]:
            doc = document_json(index, doc_id)
            line(" · ".join(str(x) for x in (doc["number"] or doc_id, doc["issuer"], doc["date"], url_of(index, doc_id)) if x))
            for ev in hop.evidence:
                if ev.get("doc") == doc_id:
                    line(quote(ev, names, who=True, source=False), 8)
        if len(docs) > SHOWN:
            line(f"(+{len(docs) - SHOWN} more documents)")


def print_card(console: Any, index: Index, entity: Card) -> None:
    """Print the card of ``kg show``: type, IRI, aliases, relations, observations, documents."""
    from rich.markup import escape
    from rich.table import Table

    from kg.model import type_label

    node = entity.node
    console.print(f"[bold]{escape(node['label'])}[/]  {node.get('type', '')} {type_label(node.get('type', ''))[0]}")
    console.print(f"IRI      {escape(node['id'])}")
    console.print(f"aliases  {escape('、'.join(node.get('aliases', [])) or '—')}")
    names = [node["label"], *node.get("aliases", [])]
    for title, edges in (("Relations out", entity.outgoing), ("Relations in", entity.incoming)):
        if not edges:
            continue
        console.print()
        console.print(f"[bold]{title}[/] ({len(edges)})")
        for edge in edges:
            forward = edge["source"] == node["id"]
            other = edge["target"] if forward else edge["source"]
            console.print(f"  {escape(node['label'])} [cyan]{arrow(edge['relation'], forward)}[/] "
                          f"{escape(index.label(other))}")
            for ev in edge.get("evidence", []):
                src = _source(index, ev.get("doc", ""))
                text = shorten(ev.get("text", ""), names + [index.label(other)])
                console.print(f"      [dim]“{escape(text)}” — {escape(src)}[/]")
    if entity.observations:
        console.print()
        table = Table("year", "measure", "value", "unit", "source", title="Observations",
                      title_justify="left")
        for obs in entity.observations:
            value = f"{obs.get('qualifier') or ''}{obs['value']:g}"
            src = _source(index, obs.get("evidence", {}).get("doc", ""))
            table.add_row(str(obs.get("year") or "—"), escape(obs.get("measure", "")), value,
                          escape(obs.get("unit", "")), escape(src))
        console.print(table)
    if entity.documents:
        console.print()
        table = Table("文号", "date", "title", "file", "url", title="Mentioned in", title_justify="left")
        for doc in entity.documents:
            table.add_row(escape(doc["number"] or "—"), doc["date"] or "—",
                          escape(doc["title"] or ""), escape(doc["id"]), escape(url_of(index, doc["id"]) or "—"))
        console.print(table)
