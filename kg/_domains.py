"""The domain and range of each relation, read from the ontology (``ontology/stikg.ttl``) — its one owner.

The trained relation classifier predicts only what they admit, and the build drops an edge
whose endpoints, once resolved across documents, no longer fit (a name one document typed as
a platform and another as a place resolves to one node of one type).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from kg.model import base_type

__all__ = ["ONTOLOGY", "admits", "allowed_type_pairs"]

#: The shipped ontology.
ONTOLOGY = str(Path(__file__).resolve().parent.parent / "ontology" / "stikg.ttl")


@functools.lru_cache(maxsize=4)
def allowed_type_pairs(ontology: str | None = None) -> dict[str, frozenset[str]]:
    """Per relation, the ``Head>Tail`` base-type pairs it admits, from the domains and ranges of the ontology."""
    from rdflib import OWL, RDFS, Graph, Namespace
    from rdflib.collection import Collection

    from kg.model import ENTITY_TYPES, RELATIONS, SYMMETRIC_RELATIONS

    ns = Namespace("https://w3id.org/stikg/ontology#")
    g = Graph().parse(str(ontology or ONTOLOGY))

    def classes(node: Any) -> set[str]:
        union = g.value(node, OWL.unionOf)
        members = list(Collection(g, union)) if union is not None else [node]
        out: set[str] = set()
        for m in members:
            name = str(m).rsplit("#", 1)[-1]
            out.update(ENTITY_TYPES if name == "Entity" else {name})
        return out

    out = {}
    for rel in RELATIONS:
        pairs = set()
        domain, range_ = g.value(ns[rel], RDFS.domain), g.value(ns[rel], RDFS.range)
        for h in classes(domain) if domain is not None else ENTITY_TYPES:
            for t in classes(range_) if range_ is not None else ENTITY_TYPES:
                pairs.add(f"{h}>{t}")
                if rel in SYMMETRIC_RELATIONS:
                    pairs.add(f"{t}>{h}")
        out[rel] = frozenset(pairs)
    return out


def admits(relation: str, head_type: str, tail_type: str) -> bool:
    """Does ``relation`` admit a head and a tail of these types (or of their subclasses)?

    >>> admits("targets", "LoanProduct", "TargetGroup"), admits("targets", "Place", "TargetGroup")
    (True, False)
    """
    pairs = allowed_type_pairs().get(relation)
    return pairs is None or f"{base_type(head_type)}>{base_type(tail_type)}" in pairs
