"""Write a synthetic ``graph.json`` of N nodes for scale tests of the explorer.

The graph has the shape of a real build: all nine types, hubs (agencies) with many
edges, a long tail of small organisations, evidence on every edge, observations with
years. Same arguments → byte-identical file.

Usage::

    python scripts/make_synthetic_graph.py --nodes 5000 --out build/synthetic/graph.json
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

__all__ = ["make_graph", "main"]

RES = "https://w3id.org/stikg/resource/"
# type, share of the nodes, name stem
TYPES = [
    ("Agency", 0.02, "管理委员会"),
    ("Program", 0.12, "专项贷"),
    ("Platform", 0.08, "服务平台"),
    ("Event", 0.05, "创新大会"),
    ("PolicyDocument", 0.06, "管理办法"),
    ("Organization", 0.45, "科技有限公司"),
    ("TargetGroup", 0.04, "企业群体"),
    ("Place", 0.08, "创新园区"),
    ("Person", 0.10, "研究员"),
]
# (head type, relation, tail type)
PATTERNS = [
    ("Program", "administeredBy", "Agency"),
    ("Platform", "administeredBy", "Agency"),
    ("Event", "administeredBy", "Agency"),
    ("PolicyDocument", "issuedBy", "Agency"),
    ("Program", "governedBy", "PolicyDocument"),
    ("Program", "targets", "TargetGroup"),
    ("Platform", "supports", "Organization"),
    ("Organization", "participatesIn", "Platform"),
    ("Organization", "participatesIn", "Event"),
    ("Organization", "partnerOf", "Organization"),
    ("Organization", "locatedIn", "Place"),
    ("Platform", "partOf", "Platform"),
    ("Person", "participatesIn", "Event"),
]


def make_graph(n_nodes: int, *, edges_per_node: float = 2.0, seed: int = 1) -> dict:
    """A synthetic graph.json index with ``n_nodes`` nodes and about ``edges_per_node`` × as many edges."""
    rng = random.Random(seed)
    docs = {
        f"syn_{d:03d}": {
            "path": f"syn_{d:03d}.txt",
            "number": f"沪科提复〔{2019 + d % 5}〕{d + 1}号",
            "date": f"{2019 + d % 5}-0{1 + d % 9}-1{d % 10}",
            "title": f"关于科技创新政策的建议（合成样例 {d}）",
            "agency": "上海市科学技术委员会",
        }
        for d in range(40)
    }
    doc_ids = sorted(docs)
    by_type: dict[str, list[str]] = {}
    nodes = []
    for t, share, stem in TYPES:
        for k in range(max(1, round(n_nodes * share))):
            if len(nodes) >= n_nodes:
                break
            label = f"{stem}{k:04d}" if t != "Person" else f"研究员{k:04d}号"
            node = {
                "id": f"{RES}{t}/{label}",
                "label": label,
                "type": t,
                "aliases": [f"{stem[:2]}{k}"] if k % 3 == 0 else [],
                "docs": sorted(rng.sample(doc_ids, 2)),
                "observations": [],
            }
            if t == "Program":
                for year in (2021, 2022, 2023):
                    doc = rng.choice(doc_ids)
                    value = round(rng.uniform(10, 900), 2)
                    text = f"{year}年{label}提供信贷支持{value}亿元。"
                    node["observations"].append({
                        "measure": "提供信贷支持", "value": value, "unit": "亿元", "year": year,
                        "evidence": {"doc": doc, "start": 0, "end": len(text), "text": text},
                    })
            nodes.append(node)
            by_type.setdefault(t, []).append(node["id"])
    labels = {n["id"]: n["label"] for n in nodes}
    edges: dict[tuple[str, str, str], dict] = {}
    target = int(n_nodes * edges_per_node)
    while len(edges) < target:
        head_t, rel, tail_t = rng.choice(PATTERNS)
        heads, tails = by_type.get(head_t), by_type.get(tail_t)
        if not heads or not tails:
            continue
        # preferential attachment on the tail side: hubs get many edges
        head = rng.choice(heads)
        tail = tails[min(int(rng.paretovariate(1.2)) - 1, len(tails) - 1)]
        if head == tail or (head, rel, tail) in edges:
            continue
        doc = rng.choice(doc_ids)
        text = f"{labels[head]}与{labels[tail]}相关（{rel}）。"
        edges[(head, rel, tail)] = {
            "source": head, "target": tail, "relation": rel,
            "evidence": [{"doc": doc, "start": 0, "end": len(text), "text": text,
                          "rule": f"{rel}:synthetic", "confidence": 0.5}],
        }
    return {
        "version": 1,
        "documents": docs,
        "nodes": sorted(nodes, key=lambda n: n["id"]),
        "edges": [edges[k] for k in sorted(edges)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges-per-node", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("build/synthetic/graph.json"))
    args = parser.parse_args()
    graph = make_graph(args.nodes, edges_per_node=args.edges_per_node, seed=args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(graph, ensure_ascii=False, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
