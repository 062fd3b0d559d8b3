"""DEV PLACEHOLDER — replaced by the lexicon branch. Not committed."""
from __future__ import annotations
import re, unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
SUBCLASS_OF={"LoanProduct":"Program","Voucher":"Program","TalentProgram":"Program","FundingProgram":"Program","University":"Organization","Enterprise":"Organization","Bank":"Organization","ResearchInstitute":"Organization","Association":"Organization","Exchange":"Platform"}
_STRIP=re.compile(r"[\s《》〈〉“”\"'‘’「」『』]")
def normalize_name(s): return _STRIP.sub("", unicodedata.normalize("NFKC", s)).lower()
@dataclass(frozen=True)
class LexiconEntry:
    type:str; base_type:str; label:str; aliases:tuple
class Lexicon:
    def __init__(self, entries):
        self.entries=entries; self._by={}
        for e in entries:
            for n in (e.label,)+e.aliases: self._by[normalize_name(n)]=e
    def by_name(self, name): return self._by.get(normalize_name(name))
    def names(self):
        ns=[(n,e) for e in self.entries for n in (e.label,)+e.aliases]
        return sorted(ns, key=lambda x:(-len(x[0]),x[0]))
    def jieba_words(self):
        return [(n,2000,"nz") for n,_ in self.names()]
@lru_cache(maxsize=4)
def load_lexicon(path=None):
    p=Path(path) if path else Path(__file__).resolve().parent.parent/"ontology"/"lexicon.tsv"
    es=[]
    for line in p.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"): continue
        cols=line.split("\t")
        t,l=cols[0],cols[1]; al=tuple(a for a in (cols[2].split("|") if len(cols)>2 else []) if a)
        es.append(LexiconEntry(t, SUBCLASS_OF.get(t,t), l, al))
    return Lexicon(es)
