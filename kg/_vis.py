"""vis-network records of the explorer page: node and edge styles, layout seeds, options.

A helper of :mod:`kg.explorer`. Node ids are positions: entities (sorted by IRI) first, then
documents (sorted by IRI), the order of :class:`kg._links.Links`. Edge ids: the typed edges
in page order, then the document links (提及 mentions, 发文 issued by). What is not in the
first view (nodes outside the connected core, documents and their links) starts hidden and
out of the physics simulation; the page's script brings it in.
"""

from __future__ import annotations

import json
import math
from collections import deque
from typing import Any

__all__ = [
    "TYPE_STYLES",
    "OTHER_STYLE",
    "RELATION_COLORS",
    "OTHER_RELATION_COLOR",
    "KIND_COLORS",
    "DOCUMENT_STYLE",
    "LABEL_THRESHOLD",
    "FONT_SIZE",
    "HUB_FONT_SIZE",
    "LARGE_GRAPH",
    "vis_network",
]

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
OTHER_STYLE = ("#9e9e9e", "dot")

#: Edge colour of each relation (the legend's swatches use the same).
RELATION_COLORS: dict[str, str] = {
    "administeredBy": "#d1495b",
    "issuedBy": "#8e6cc4",
    "governedBy": "#a07855",
    "targets": "#ef8a17",
    "supports": "#3a7fc1",
    "partnerOf": "#2bb3a3",
    "partOf": "#c9a227",
    "participatesIn": "#5aa33f",
    "locatedIn": "#a1887f",
}
OTHER_RELATION_COLOR = "#9aa5b1"

#: Colour of each hop kind of the document layer (path highlights, document links).
KIND_COLORS: dict[str, str] = {
    "sentence": "#0f9fb5",
    "paragraph": "#7a9a01",
    "document": "#9c6b3f",
    "mention": "#d7c4a8",
    "issued": "#8d7b68",
}

#: How a source document is drawn (the "documents" layer).
DOCUMENT_STYLE = {"color": "#f3e9d8", "border": "#9c6b3f", "shape": "box"}

#: Labels are drawn when font size × zoom reaches this many pixels (vis ``drawThreshold``).
LABEL_THRESHOLD = 9
FONT_SIZE = 14
HUB_FONT_SIZE = 19
DOCUMENT_FONT_SIZE = 28

#: Above this many nodes the page uses the cheaper layout settings (see docs/EXPLORER.md).
LARGE_GRAPH = 400

_FONT = '"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", "Source Han Sans SC", sans-serif'


def seed_layout(n: int, edges: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """Starting positions for large graphs, so physics needs few iterations: the biggest hubs
    on a sunflower spiral, every other node next to the neighbour it was reached from."""
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for s, t in edges:
        neighbours[s].append(t)
        neighbours[t].append(s)
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


def vis_network(data: dict[str, Any]) -> tuple[list[dict], list[dict], dict[str, Any]]:
    """vis-network nodes, edges and options for the page data, assembled with pyvis."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    entities, documents = data["nodes"], data["doc_nodes"]
    n = len(entities) + len(documents)
    large = n > LARGE_GRAPH
    core, hubs = set(data["core"]), set(data["hubs"])
    net = Network(directed=True, cdn_resources="in_line")
    local_degree = [0] * n
    for edge in data["edges"]:
        local_degree[edge["s"]] += 1
        local_degree[edge["t"]] += 1
    pairs = [(e["s"], e["t"]) for e in data["edges"]] + [(u, v) for u, v, _ in data["doc_edges"]]
    seeds = seed_layout(n, pairs) if large else None
    for i, node in enumerate(entities):
        style = data["types"][node["type"]]
        extra: dict[str, Any] = {"x": seeds[i][0], "y": seeds[i][1]} if seeds else {}
        if i not in core:
            extra |= {"hidden": True, "physics": False}
        size = HUB_FONT_SIZE if i in hubs else FONT_SIZE
        net.add_node(i, label=node["label"], shape=style["shape"], color=style["color"],
                     value=local_degree[i] + 1, title=f"{node['label']}\n{style['zh']} · {style['en']}",
                     font={"size": size}, **extra)
    for k, doc in enumerate(documents):
        i = len(entities) + k
        extra = {"x": seeds[i][0], "y": seeds[i][1]} if seeds else {}
        net.add_node(i, label=doc["label"], shape=DOCUMENT_STYLE["shape"], hidden=True, physics=False,
                     color={"background": DOCUMENT_STYLE["color"], "border": DOCUMENT_STYLE["border"]},
                     title=f"{doc['label']}\n文件 · source document", font={"size": DOCUMENT_FONT_SIZE},
                     **extra)
    seen: dict[tuple[int, int], int] = {}
    # Network.add_edge scans the node list per edge (slow at 5,000 nodes); the ids are ours.
    for j, edge in enumerate(data["edges"]):
        rel = data["relations"][edge["relation"]]
        pair = (min(edge["s"], edge["t"]), max(edge["s"], edge["t"]))
        nth = seen[pair] = seen.get(pair, -1) + 1
        options: dict[str, Any] = {
            "id": j,
            "label": rel["zh"],
            "title": f"{rel['zh']} · {rel['en']}",
            "color": {"color": rel["color"], "highlight": rel["color"], "hover": rel["color"]},
            "arrows": {"to": {"enabled": not rel["symmetric"]}},
        }
        if edge["s"] not in core or edge["t"] not in core:
            options["hidden"] = True
        if nth and not large:
            options["smooth"] = {"type": "curvedCW", "roundness": 0.3 * nth}
        net.edges.append(Edge(edge["s"], edge["t"], directed=True, **options).options)
    base = len(data["edges"])
    for k, (u, v, kind) in enumerate(data["doc_edges"]):
        issued = kind == "issued"
        color = KIND_COLORS[kind]
        options = {
            "id": base + k, "hidden": True, "physics": False, "dashes": not issued, "width": 0.8,
            "color": {"color": color, "highlight": color, "hover": color},
            "title": "发文 · issued by" if issued else "提及 · mentioned in",
            "arrows": {"to": {"enabled": issued}},
        }
        if issued:
            options["label"] = "发文"
        net.edges.append(Edge(v, u, directed=True, **options).options)
    net.options = _options(large)
    nodes, edges, _heading, _h, _w, options_json = net.get_network_data()
    return nodes, edges, json.loads(options_json)


def _options(large: bool) -> dict[str, Any]:
    """vis-network options: physics that settles, then the page switches it off."""
    return {
        "autoResize": True,
        "layout": {"improvedLayout": not large, "randomSeed": 7},
        "nodes": {
            "font": {"face": _FONT, "size": FONT_SIZE, "color": "#1f2933", "strokeWidth": 3,
                     "strokeColor": "#ffffff"},
            "borderWidth": 1,
            "scaling": {"min": 8, "max": 36,
                        "label": {"enabled": False, "drawThreshold": LABEL_THRESHOLD}},
        },
        "edges": {
            "color": {"color": OTHER_RELATION_COLOR, "highlight": "#ef8a17", "hover": "#7b8794",
                      "inherit": False},
            "font": {"face": _FONT, "size": 11, "color": "#52606d", "strokeWidth": 3, "align": "middle"},
            "arrows": {"to": {"scaleFactor": 0.55}},
            "width": 1.4,
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
                "gravitationalConstant": -40 if large else -90,
                "centralGravity": 0.01,
                "springLength": 90 if large else 170,
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
