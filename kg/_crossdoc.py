"""Resolution across documents: the entities of many documents → one entity per real thing.

:class:`CorpusResolver` takes the entities of one document after another and keeps only what
resolution reads, once per document-level key, so a streaming build resolves a corpus of any
length on a compact index; :func:`resolve_corpus` is the same for entities in memory and also
merges their mentions. Within one document, :mod:`kg.resolve` groups the mentions; both are
re-exported there.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from kg.model import Entity
from kg.names import name_key

__all__ = ["CorpusResolver", "resolve_corpus"]


class _Groups:
    """Union-find over name keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller key becomes the root: deterministic whatever the order of calls
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


def _label_rank(name: str) -> tuple[int, bool, str]:
    """Which of several names is the label: the longest, a 《title》 over the bare title."""
    return len(name_key(name)), name.startswith("《"), name


class CorpusResolver:
    """Cross-document resolution on a compact index: entities are added document by document
    and only what resolution reads is kept, once per document-level key — how many documents
    use the key, its labels, types, names and scope — so memory grows with the distinct
    entities, not with the documents or their mentions.

    >>> r = CorpusResolver()
    >>> r.add([Entity("东部中心", "东部中心", "Platform", ["国家技术转移东部中心"])])
    >>> r.add([Entity("国家技术转移东部中心", "国家技术转移东部中心", "Platform")])
    >>> [e.label for e in r.resolve()[0]]
    ['国家技术转移东部中心']
    """

    def __init__(self) -> None:
        self._seq = 0
        self._keys: dict[str, _KeyFacts] = {}

    def add(self, entities: Iterable[Entity]) -> None:
        """Add the entities of one document (in document order)."""
        for e in entities:
            facts = self._keys.get(e.key)
            if facts is None:
                facts = self._keys[e.key] = _KeyFacts()
            facts.count += 1
            facts.labels.add(e.label)
            facts.types[e.type] += 1
            facts.names.update((e.scope, n) for n in [e.label, *e.aliases])
            if e.scope and facts.scope is None:
                facts.scope = (self._seq, e.scope)
            self._seq += 1

    def resolve(self, local: Callable[[str], bool] | None = None) -> tuple[list[Entity], dict[str, str]]:
        """The merged entities (sorted by key, without mentions) and the map from each
        document-level key to its merged key; see :func:`resolve_corpus`."""
        groups = _Groups()
        for key, facts in self._keys.items():
            groups.find(key)
            for scope, n in sorted(facts.names, key=lambda sn: (sn[0] or "", sn[1])):
                if scope:
                    groups.union(key, f"{scope}/{name_key(n)}")
                elif local is None or not local(n):
                    groups.union(key, name_key(n))
        members: dict[str, list[str]] = defaultdict(list)
        for key in self._keys:
            members[groups.find(key)].append(key)
        merged: list[Entity] = []
        remap: dict[str, str] = {}
        for _root, keys in sorted(members.items()):
            group = [self._keys[k] for k in keys]
            counts = {k: f.count for k, f in zip(keys, group, strict=True)}
            key = sorted(counts, key=lambda k: (-counts[k], -len(k), k))[0]
            labels = {n for f in group for n in f.labels}
            exact = [n for n in labels if name_key(n) == key]
            label = max(exact or labels, key=_label_rank)
            types: Counter[str] = Counter()
            for f in group:
                types.update(f.types)
            named = self._keys[key].types  # a tie goes to the type of the name it keeps
            etype = sorted(types.items(), key=lambda kv: (-kv[1], -named[kv[0]], kv[0]))[0][0]
            aliases = sorted({n for f in group for _, n in f.names} - {label})
            dedup: dict[str, str] = {}
            for a in aliases:
                if name_key(a) != name_key(label):
                    dedup.setdefault(name_key(a), a)
            scopes = sorted(f.scope for f in group if f.scope is not None)
            scope = scopes[0][1] if scopes else None
            merged.append(Entity(key=key, label=label, type=etype, aliases=list(dedup.values()), mentions=[],
                                 scope=scope))
            for k in keys:
                remap[k] = key
        merged.sort(key=lambda e: e.key)
        return merged, remap


class _KeyFacts:
    """What resolution needs of the entities that share one document-level key."""

    __slots__ = ("count", "labels", "types", "names", "scope")

    def __init__(self) -> None:
        self.count = 0
        self.labels: set[str] = set()
        self.types: Counter[str] = Counter()
        self.names: set[tuple[str | None, str]] = set()
        self.scope: tuple[int, str] | None = None  # (order of the first scoped entity, its scope)


def resolve_corpus(
    per_doc: Sequence[Sequence[Entity]], *, local: Callable[[str], bool] | None = None
) -> tuple[list[Entity], dict[str, str]]:
    """Merge the entities of many documents: one entity per real thing.

    Entities that share any name (after :func:`name_key`) become one, within their scope
    (the 创新券 of 浙江 and that of 上海 stay two); a name that ``local`` says many
    jurisdictions use (市科委, 创新券) joins nothing across documents unless the entity is
    scoped. The label is the lexicon's canonical name when there is one, else the longest
    name, the type the most frequent. Returns the merged entities (sorted by key) and a map
    from each document-level key to the merged key. The work is done by
    :class:`CorpusResolver`; this adds the mentions.
    """
    resolver = CorpusResolver()
    for ents in per_doc:
        resolver.add(ents)
    merged, remap = resolver.resolve(local)
    mentions: dict[str, set[tuple[str, int, int]]] = defaultdict(set)
    for ents in per_doc:
        for e in ents:
            mentions[remap[e.key]].update(e.mentions)
    for e in merged:
        e.mentions = sorted(mentions[e.key])
    return merged, remap
