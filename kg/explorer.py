"""The HTML explorer: one self-contained page (vis-network via pyvis, everything inlined).

The page shows the graph of a ``graph.json`` index (see docs/ARCHITECTURE.md) with a
legend, search by label or alias, type and relation filters, a side panel with the
evidence behind every fact, and a path mode that finds the same paths as ``kg connect``.
It fetches nothing: vis-network's JavaScript and CSS and the page's own script and style
are written into the file, so it opens offline by double-click.

Example::

    >>> from kg.explorer import read_index, write_explorer
    >>> index = read_index("build")                          # doctest: +SKIP
    >>> write_explorer(index, "build/explorer.html", focus="市科委", hops=2)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections import deque
from pathlib import Path
from typing import Any

from kg._vis import (
    KIND_COLORS,
    LABEL_THRESHOLD,
    LARGE_GRAPH,
    OTHER_RELATION_COLOR,
    OTHER_STYLE,
    RELATION_COLORS,
    TYPE_STYLES,
    vis_network,
)
from kg.errors import InputError, OutputError
from kg.model import RELATION_LABELS, SYMMETRIC_RELATIONS, TYPE_LABELS, base_type

__all__ = [
    "DEFAULT_TITLE",
    "TYPE_STYLES",
    "RELATION_COLORS",
    "LARGE_GRAPH",
    "read_index",
    "find_node",
    "subgraph",
    "core_and_hubs",
    "page_data",
    "render_html",
    "write_explorer",
]

DEFAULT_TITLE = "stikg 科技创新知识图谱 · Knowledge Graph Explorer"

#: On large graphs, physics runs on screen for at most this long after the first frame.
SETTLE_MS = 20000

_ASSETS = Path(__file__).with_name("assets")
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def read_index(graph: str | os.PathLike[str]) -> dict[str, Any]:
    """Load ``graph.json`` from a build directory (or the file itself); see :func:`kg.graph.read_index`."""
    from kg.graph import read_index as read

    return read(graph)


def find_node(index: dict[str, Any], name: str) -> dict[str, Any]:
    """The node whose IRI, label or alias is ``name`` (:func:`kg.paths.lookup`, the lookup of
    ``kg connect`` and ``kg show``).

    Raises :class:`~kg.errors.EntityNotFound` with up to five close names.
    """
    from kg.paths import Index, lookup

    graph = Index.from_dict(index)
    return graph.nodes[lookup(graph, name).id]


def subgraph(index: dict[str, Any], focus: str, hops: int = 2) -> dict[str, Any]:
    """The part of ``index`` within ``hops`` undirected hops of the node named ``focus``."""
    if hops < 0:
        raise InputError(f"--hops {hops}: must be 0 or more")
    start = find_node(index, focus)["id"]
    neighbours: dict[str, set[str]] = {}
    for edge in index.get("edges", []):
        neighbours.setdefault(edge["source"], set()).add(edge["target"])
        neighbours.setdefault(edge["target"], set()).add(edge["source"])
    seen = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if seen[node] == hops:
            continue
        for other in sorted(neighbours.get(node, ())):
            if other not in seen:
                seen[other] = seen[node] + 1
                queue.append(other)
    nodes = [n for n in index["nodes"] if n["id"] in seen]
    edges = [e for e in index.get("edges", []) if e["source"] in seen and e["target"] in seen]
    docs = {d for n in nodes for d in n.get("docs", [])}
    docs |= {ev["doc"] for e in edges for ev in e.get("evidence", [])}
    documents = {k: v for k, v in index.get("documents", {}).items() if k in docs}
    return {**index, "documents": documents, "nodes": nodes, "edges": edges, "focus": start}


def _degrees(index: dict[str, Any]) -> dict[str, int]:
    """Number of distinct neighbours of every node over typed edges (parallel edges count once)."""
    neighbours: dict[str, set[str]] = {n["id"]: set() for n in index["nodes"]}
    for edge in index.get("edges", []):
        if edge["source"] != edge["target"]:
            neighbours.setdefault(edge["source"], set()).add(edge["target"])
            neighbours.setdefault(edge["target"], set()).add(edge["source"])
    return {k: len(v) for k, v in neighbours.items()}


def core_and_hubs(nodes: list[str], edges: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The first view: the largest connected part of the typed graph, and its hubs.

    The core is the largest connected component over typed edges (ties: the one holding the
    first node); a graph whose largest component is a single node shows everything. Hubs are
    the ``max(3, √core)`` core nodes of highest degree (at least 2), labelled large.

    >>> core_and_hubs(["a", "b", "c", "d"], [("a", "b"), ("b", "c")])
    (['a', 'b', 'c'], ['b'])
    """
    neighbours: dict[str, set[str]] = {n: set() for n in nodes}
    for s, t in edges:
        if s != t and s in neighbours and t in neighbours:
            neighbours[s].add(t)
            neighbours[t].add(s)
    seen: set[str] = set()
    best: list[str] = []
    for start in nodes:
        if start in seen:
            continue
        part, queue = {start}, deque([start])
        while queue:
            for other in neighbours[queue.popleft()]:
                if other not in part:
                    part.add(other)
                    queue.append(other)
        seen |= part
        if len(part) > len(best):
            best = sorted(part)
    if len(best) < 2:
        best = sorted(nodes)
    ranked = sorted(best, key=lambda n: (-len(neighbours[n]), n))
    hubs = [n for n in ranked[: max(3, round(math.sqrt(len(best))))] if len(neighbours[n]) >= 2]
    return best, sorted(hubs)


def _type_info(types: list[str]) -> dict[str, dict[str, str]]:
    """Legend entries (zh, en, colour, shape) for the types present, model types first."""
    order = [t for t in TYPE_LABELS if t in types] + sorted(t for t in types if t not in TYPE_LABELS)
    info = {}
    for t in order:
        zh, en = TYPE_LABELS.get(t, (t, t))
        color, shape = TYPE_STYLES.get(t, OTHER_STYLE)
        info[t] = {"zh": zh, "en": en, "color": color, "shape": shape}
    return info


def page_data(index: dict[str, Any], *, whole: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the page's script reads.

    Nodes sorted by IRI (their position is the vis id), then the documents (positions after
    the nodes: the order of :class:`kg._links.Links`); typed edges by ``(source, relation,
    target)`` with node positions; the path graph of ``kg connect`` (``links``: ``[u, v,
    kind, weight, span, refs]``) over it; the first view (``core``, ``hubs``); legend
    entries; ``counts`` (:func:`kg.graph.graph_counts` of ``whole``); the name normaliser of
    :mod:`kg.names`. ``whole`` is the index ``index`` was cut from (hub penalties and counts
    come from it; default ``index``).
    """
    from kg._links import KIND_LABELS, KINDS, build_links, page_links
    from kg.graph import graph_counts
    from kg.names import DROP_PATTERN, casefold_table

    whole = whole if whole is not None else index
    full = build_links(whole["nodes"], whole.get("edges", []), whole.get("documents", {}))
    degrees = _degrees(whole)
    nodes = sorted(index["nodes"], key=lambda n: n["id"])
    documents = index.get("documents", {})
    links = build_links(nodes, index.get("edges", []), documents, hub=full.hub)
    position = links.rank
    edges = [e for e in index.get("edges", []) if e["source"] in position and e["target"] in position]
    edges.sort(key=lambda e: (e["source"], e["relation"], e["target"]))
    relations = [r for r in RELATION_LABELS if any(e["relation"] == r for e in edges)]
    relations += sorted({e["relation"] for e in edges} - set(relations))
    types = _type_info(sorted({base_type(n["type"]) for n in nodes}))
    ids = [n["id"] for n in nodes]
    if index.get("focus"):
        core, hubs = ids, core_and_hubs(ids, [(e["source"], e["target"]) for e in edges])[1]
    else:
        core, hubs = core_and_hubs(ids, [(e["source"], e["target"]) for e in edges])
    path_graph = page_links(links)
    kinds = {k: i for i, k in enumerate(KINDS)}
    return {
        "documents": documents,
        "doc_nodes": [{"id": d, "doc": links.documents[d], "label": documents[links.documents[d]].get("number")
                       or links.documents[d]} for d in links.order[len(nodes):]],
        "type_order": list(types),
        "relation_order": relations,
        "types": types,
        "relations": {
            r: {
                "zh": RELATION_LABELS.get(r, (r, r))[0],
                "en": RELATION_LABELS.get(r, (r, r))[1],
                "symmetric": r in SYMMETRIC_RELATIONS,
                "color": RELATION_COLORS.get(r, OTHER_RELATION_COLOR),
            }
            for r in relations
        },
        "kinds": {k: {"zh": KIND_LABELS[k][0], "en": KIND_LABELS[k][1], "color": KIND_COLORS.get(k, "")}
                  for k in KINDS},
        "nodes": [
            {
                "id": n["id"],
                "label": n["label"],
                "type": base_type(n["type"]),
                "subtype": n["type"] if n["type"] != base_type(n["type"]) else None,
                "aliases": sorted(n.get("aliases", [])),
                "docs": sorted(n.get("docs", [])),
                "observations": n.get("observations", []),
                "deg": degrees.get(n["id"], 0),
            }
            for n in nodes
        ],
        "edges": [
            {
                "s": position[e["source"]],
                "t": position[e["target"]],
                "relation": e["relation"],
                "evidence": e.get("evidence", []),
            }
            for e in edges
        ],
        "links": path_graph["links"],
        "max_scan": path_graph["max_scan"],
        "doc_edges": [[u, v, KINDS[k]] for u, v, k, _w, span, _r in path_graph["links"]
                      if span == 1 and k in (kinds["mention"], kinds["issued"])],
        "core": [position[n] for n in core],
        "hubs": [position[n] for n in hubs],
        "counts": graph_counts(whole),
        "names": {"drop": DROP_PATTERN, "fold": casefold_table()},
        "label_threshold": LABEL_THRESHOLD,
        "focus": position.get(index.get("focus", ""), None),
        "large": len(nodes) + len(documents) > LARGE_GRAPH,
        "settle_ms": SETTLE_MS,
    }


def _script_json(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``<``, ``>``, ``&``)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _html_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS as shipped inside pyvis (nothing else of pyvis's)."""
    import pyvis

    lib = Path(pyvis.__file__).with_name("lib") / "vis-9.1.2"
    return (
        (lib / "vis-network.min.js").read_text(encoding="utf-8"),
        (lib / "vis-network.css").read_text(encoding="utf-8"),
    )


def render_html(index: dict[str, Any], *, title: str = DEFAULT_TITLE, whole: dict[str, Any] | None = None) -> str:
    """The whole page as one string (``whole``: see :func:`page_data`)."""
    data = page_data(index, whole=whole)
    vis_nodes, vis_edges, options = vis_network(data)
    vis_js, vis_css = _vis_assets()
    focus = ""
    if data["focus"] is not None:
        focus = data["nodes"][data["focus"]]["label"]
    parts = {
        "TITLE": _html_text(title),
        "SUBTITLE": _html_text(f"以「{focus}」为中心 · centred on {focus}" if focus else ""),
        "VIS_CSS": vis_css,
        "APP_CSS": (_ASSETS / "explorer.css").read_text(encoding="utf-8"),
        "VIS_JS": re.sub(r"//# sourceMappingURL=\S*", "", vis_js).replace("</script", "<\\/script"),
        "APP_JS": "\n".join((_ASSETS / name).read_text(encoding="utf-8") for name in ("paths.js", "explorer.js")),
        "DATA": _script_json(data),
        "VIS": _script_json({"nodes": vis_nodes, "edges": vis_edges, "options": options}),
    }
    template = (_ASSETS / "explorer.html").read_text(encoding="utf-8")
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], template)


def write_explorer(
    index: dict[str, Any],
    out_path: str | os.PathLike[str],
    *,
    focus: str | None = None,
    hops: int = 2,
    title: str = DEFAULT_TITLE,
) -> Path:
    """Write the explorer page for ``index`` (a loaded ``graph.json``) to ``out_path``.

    Args:
        index: the ``graph.json`` index, e.g. from :func:`read_index`.
        out_path: the HTML file to write; written to a temporary file, then renamed.
        focus: a label, alias or IRI; only nodes within ``hops`` of it are shown.
        hops: how far from ``focus`` to go.
        title: the page title.

    Returns the path written. Path-finding weights use hub penalties of the whole index,
    so a focused page finds the same paths ``kg connect`` ranks first.
    """
    shown = subgraph(index, focus, hops) if focus else index
    html = render_html(shown, title=title, whole=index)
    out = Path(out_path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(html)
            os.chmod(tmp, 0o644)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the explorer ({exc.strerror or exc}); choose another --out") from exc
    return out
