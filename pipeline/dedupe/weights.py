"""Term weights that do not depend on the items being clustered.

A term's inverse document frequency comes from the training texts under
pipeline/data/training/ (read with the concept lexicon, as an item without lemmas is),
not from the corpus of the build: an item's vector then depends on the item alone, so it
can be cached and compared with vectors computed in earlier builds (see store.py). A term
the training texts never use takes the weight of a term seen once less: it is rare.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache

from pipeline.dedupe.concepts import item_terms, lexicon
from pipeline.records import AnnotatedItem, Annotation
from pipeline.vocabulary import data_path

TRAINING_FOLDER = "training"


@dataclass(frozen=True)
class TermWeights:
    """Document frequencies of terms over a fixed reference collection of `documents`."""

    frequencies: dict[str, int]
    documents: int

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency, as scikit-learn's TfidfVectorizer computes it."""
        found = self.frequencies.get(term, 0)
        return math.log((1 + self.documents) / (1 + found)) + 1.0

    def digest(self) -> str:
        """A hash of the table, part of the version of cached vectors."""
        text = json.dumps([self.documents, sorted(self.frequencies.items())])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def training_weights() -> TermWeights:
    """Document frequencies of the terms of every training text (read once per process)."""
    lex = lexicon()
    folder = data_path(TRAINING_FOLDER)
    frequencies: Counter[str] = Counter()
    documents = 0
    for path in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if not path.name.endswith(".jsonl"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            text = json.loads(line)["text"]
            entry = AnnotatedItem("", text, Annotation(language="", kind="", themes=[]))
            frequencies.update(set(item_terms(entry, lex)))
            documents += 1
    return TermWeights(dict(frequencies), documents)
