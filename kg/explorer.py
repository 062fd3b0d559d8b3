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
import unicodedata
from collections import deque
from pathlib import Path
from typing import Any

from kg.errors import EntityNotFound, GraphNotBuiltError, InputError, OutputError
from kg.model import RELATION_LABELS, SYMMETRIC_RELATIONS, TYPE_LABELS, base_type

__all__ = [
    "DEFAULT_TITLE",
    "TYPE_STYLES",
    "LARGE_GRAPH",
    "normalize_name",
    "read_index",
    "find_node",
    "subgraph",
    "page_data",
    "write_explorer",
]

DEFAULT_TITLE = "stikg 科技创新知识图谱 · Knowledge Graph Explorer"

#: Colour and vis-network shape of each entity type (shapes that scale with degree).
TYPE_STYLES: dict[str, tuple[str, str]] = {
    "Agency": ("#c8553d", "hexagon"),
    "Program": ("#2f6fb5", "dot"),
    "Platform": ("#1a998a", "square"),
    "Event": ("#e0a100", "star"),
    "PolicyDocument": ("#7b4fb0", "triangle"),
    "Organization": ("#4a9b3a", "diamond"),
    "TargetGroup": ("#d6457e", "triangleDown"),
    "Place": ("#8d6e63", "square"),
    "Person": ("#546e7a", "dot"),
}
_OTHER_STYLE = ("#9e9e9e", "dot")

#: Above this many nodes the page uses the cheaper layout settings (see docs/EXPLORER.md).
LARGE_GRAPH = 400

#: On large graphs, physics runs on screen for at most this long after the first frame.
SETTLE_MS = 20000

_ASSETS = Path(__file__).with_name("assets")
_DROP = re.compile(r"[\s《》〈〉“”‘’「」『』\"'`]+")
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def normalize_name(name: str) -> str:
    """The form names are compared in: NFKC, lower case, no spaces or quote marks.

    >>> normalize_name("《InnoMatch 平台》")
    'innomatch平台'
    """
    return _DROP.sub("", unicodedata.normalize("NFKC", name)).lower()


def read_index(graph: str | os.PathLike[str]) -> dict[str, Any]:
    """Load ``graph.json`` from a build directory (or the file itself)."""
    path = Path(graph)
    if path.is_dir() or not path.suffix:
        path = path / "graph.json"
    if not path.is_file():
        raise GraphNotBuiltError(str(path))
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a readable graph.json ({exc}); rebuild with `kg build`") from exc
    if not isinstance(index, dict) or not isinstance(index.get("nodes"), list):
        raise InputError(f"{path}: no 'nodes' list; rebuild with `kg build`")
    return index


def find_node(index: dict[str, Any], name: str) -> dict[str, Any]:
    """The node whose IRI, label or alias is ``name`` (after :func:`normalize_name`).

    Raises :class:`~kg.errors.EntityNotFound` with up to five close names.
    """
    key = normalize_name(name)
    exact: list[dict[str, Any]] = []
    near: list[tuple[int, str, dict[str, Any]]] = []
    for node in index["nodes"]:
        names = [node["label"], *node.get("aliases", [])]
        keys = [normalize_name(n) for n in names]
        if name == node["id"] or key in keys:
            exact.append(node)
        elif key and any(key in k or k in key for k in keys if k):
            near.append((len(node["label"]), node["id"], node))
    if exact:
        return min(exact, key=lambda n: n["id"])
    suggestions = [n["label"] for _, _, n in sorted(near, key=lambda t: t[:2])[:5]]
    raise EntityNotFound(name, suggestions)


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
    """Number of distinct neighbours of every node (parallel edges count once)."""
    neighbours: dict[str, set[str]] = {n["id"]: set() for n in index["nodes"]}
    for edge in index.get("edges", []):
        if edge["source"] != edge["target"]:
            neighbours.setdefault(edge["source"], set()).add(edge["target"])
            neighbours.setdefault(edge["target"], set()).add(edge["source"])
    return {k: len(v) for k, v in neighbours.items()}


def _type_info(types: list[str]) -> dict[str, dict[str, str]]:
    """Legend entries (zh, en, colour, shape) for the types present, model types first."""
    order = [t for t in TYPE_LABELS if t in types] + sorted(t for t in types if t not in TYPE_LABELS)
    info = {}
    for t in order:
        zh, en = TYPE_LABELS.get(t, (t, t))
        color, shape = TYPE_STYLES.get(t, _OTHER_STYLE)
        info[t] = {"zh": zh, "en": en, "color": color, "shape": shape}
    return info


def page_data(
    index: dict[str, Any], *, degrees: dict[str, int] | None = None
) -> dict[str, Any]:
    """What the page's script reads: nodes sorted by IRI (their position is the vis id),
    edges by ``(source, relation, target)`` with node positions, documents, legend."""
    degrees = degrees if degrees is not None else _degrees(index)
    nodes = sorted(index["nodes"], key=lambda n: n["id"])
    position = {n["id"]: i for i, n in enumerate(nodes)}
    edges = [e for e in index.get("edges", []) if e["source"] in position and e["target"] in position]
    edges.sort(key=lambda e: (e["source"], e["relation"], e["target"]))
    relations = [r for r in RELATION_LABELS if any(e["relation"] == r for e in edges)]
    relations += sorted({e["relation"] for e in edges} - set(relations))
    types = _type_info(sorted({base_type(n["type"]) for n in nodes}))
    return {
        "documents": index.get("documents", {}),
        "type_order": list(types),
        "relation_order": relations,
        "types": types,
        "relations": {
            r: {
                "zh": RELATION_LABELS.get(r, (r, r))[0],
                "en": RELATION_LABELS.get(r, (r, r))[1],
                "symmetric": r in SYMMETRIC_RELATIONS,
            }
            for r in relations
        },
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
        "focus": position.get(index.get("focus", ""), None),
        "large": len(nodes) > LARGE_GRAPH,
        "settle_ms": SETTLE_MS,
    }


def _seed_layout(data: dict[str, Any]) -> list[tuple[float, float]]:
    """Starting positions for large graphs, so physics needs few iterations: the biggest hubs
    on a sunflower spiral, every other node next to the neighbour it was reached from."""
    n = len(data["nodes"])
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for edge in data["edges"]:
        neighbours[edge["s"]].append(edge["t"])
        neighbours[edge["t"]].append(edge["s"])
    order = sorted(range(n), key=lambda i: (-len(neighbours[i]), i))
    golden = math.pi * (3 - math.sqrt(5))
    pos: dict[int, tuple[float, float]] = {}
    hubs = order[: max(1, int(math.sqrt(n) / 2))]
    for k, i in enumerate(hubs):
        r = 420 * math.sqrt(k + 0.5)
        pos[i] = (r * math.cos(k * golden), r * math.sin(k * golden))
    queue = deque(hubs)
    while queue:
        parent = queue.popleft()
        px, py = pos[parent]
        children = [c for c in sorted(set(neighbours[parent])) if c not in pos]
        for k, c in enumerate(children):
            r = 50 + 14 * math.sqrt(k)
            a = k * golden + parent
            pos[c] = (px + r * math.cos(a), py + r * math.sin(a))
            queue.append(c)
    rest = [i for i in order if i not in pos]
    outer = 420 * math.sqrt(len(hubs) + 1)
    for k, i in enumerate(rest):
        r = outer + 30 * math.sqrt(k + 1)
        pos[i] = (r * math.cos(k * golden), r * math.sin(k * golden))
    return [(round(pos[i][0], 1), round(pos[i][1], 1)) for i in range(n)]


def _vis_network(data: dict[str, Any]) -> tuple[list[dict], list[dict], dict[str, Any]]:
    """vis-network nodes, edges and options, assembled with pyvis."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    large = len(data["nodes"]) > LARGE_GRAPH
    net = Network(directed=True, cdn_resources="in_line")
    local_degree = [0] * len(data["nodes"])
    for edge in data["edges"]:
        local_degree[edge["s"]] += 1
        local_degree[edge["t"]] += 1
    seeds = _seed_layout(data) if large else None
    for i, node in enumerate(data["nodes"]):
        t = style = data["types"][node["type"]]
        extra = {"x": seeds[i][0], "y": seeds[i][1]} if seeds else {}
        net.add_node(
            i,
            label=node["label"],
            shape=style["shape"],
            color=style["color"],
            value=local_degree[i] + 1,
            title=f"{node['label']}\n{t['zh']} · {t['en']}",
            **extra,
        )
    pairs: dict[tuple[int, int], int] = {}
    # Network.add_edge scans the node list per edge (slow at 5,000 nodes); the ids are ours.
    for j, edge in enumerate(data["edges"]):
        rel = data["relations"][edge["relation"]]
        pair = (min(edge["s"], edge["t"]), max(edge["s"], edge["t"]))
        nth = pairs[pair] = pairs.get(pair, -1) + 1
        options: dict[str, Any] = {
            "id": j,
            "label": rel["zh"],
            "title": f"{rel['zh']} · {rel['en']}",
            "arrows": {"to": {"enabled": not rel["symmetric"]}},
        }
        if nth and not large:
            options["smooth"] = {"type": "curvedCW", "roundness": 0.3 * nth}
        net.edges.append(Edge(edge["s"], edge["t"], directed=True, **options).options)
    net.options = _options(large)
    nodes, edges, _heading, _h, _w, options_json = net.get_network_data()
    return nodes, edges, json.loads(options_json)


def _options(large: bool) -> dict[str, Any]:
    """vis-network options: physics that settles, then the page switches it off."""
    font = '"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif'
    return {
        "autoResize": True,
        "layout": {"improvedLayout": not large, "randomSeed": 7},
        "nodes": {
            "font": {"face": font, "size": 14, "color": "#1f2933", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidth": 1,
            "scaling": {"min": 8, "max": 36, "label": {"enabled": False, "drawThreshold": 6}},
        },
        "edges": {
            "color": {"color": "#b8c2cc", "highlight": "#ef8a17", "hover": "#7b8794", "inherit": False},
            "font": {"face": font, "size": 11, "color": "#52606d", "strokeWidth": 3, "align": "middle"},
            "arrows": {"to": {"scaleFactor": 0.55}},
            "width": 1.2,
            "selectionWidth": 2,
            "smooth": False if large else {"type": "continuous", "roundness": 0.2},
        },
        "interaction": {
            "hover": not large,
            "tooltipDelay": 250,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "navigationButtons": False,
            "keyboard": False,
        },
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -40 if large else -70,
                "centralGravity": 0.01,
                "springLength": 90 if large else 130,
                "springConstant": 0.06,
                "avoidOverlap": 0.2 if large else 0.5,
            },
            "minVelocity": 1.5,
            "stabilization": {
                "enabled": True,
                "iterations": 10 if large else 400,
                "updateInterval": 10,
                "fit": True,
            },
        },
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


def render_html(index: dict[str, Any], *, title: str = DEFAULT_TITLE, degrees: dict[str, int] | None = None) -> str:
    """The whole page as one string."""
    data = page_data(index, degrees=degrees)
    vis_nodes, vis_edges, options = _vis_network(data)
    vis_js, vis_css = _vis_assets()
    focus = ""
    if data["focus"] is not None:
        focus = data["nodes"][data["focus"]]["label"]
    parts = {
        "TITLE": _html_text(title),
        "SUBTITLE": _html_text(
            f"以「{focus}」为中心 · centred on {focus}" if focus else "全图 · whole graph"
        ),
        "VIS_CSS": vis_css,
        "APP_CSS": (_ASSETS / "explorer.css").read_text(encoding="utf-8"),
        "VIS_JS": re.sub(r"//# sourceMappingURL=\S*", "", vis_js).replace("</script", "<\\/script"),
        "APP_JS": (_ASSETS / "explorer.js").read_text(encoding="utf-8"),
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

    Returns the path written. Path-finding weights use degrees in the whole index,
    so a focused page finds the same paths ``kg connect`` ranks first.
    """
    degrees = _degrees(index)
    shown = subgraph(index, focus, hops) if focus else index
    html = render_html(shown, title=title, degrees=degrees)
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
