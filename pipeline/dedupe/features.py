"""What dedupe compares of each item, computed from that item alone, and the key to cache it.

`ItemFeatures` holds an item's kind family, district block, guard values, vector rows
and candidate-search entries. None of it depends on other items (term weights are fixed,
columns are hashes), so features computed in one build are valid in the next as long as
the item's `item_key` and the dedupe version are unchanged. An item whose digest from
the build cache (`known_digest`) is the one it had then has the same key: it is not
hashed again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.dedupe.candidates import min_hashes
from pipeline.dedupe.concepts import (
    DISTRICT_PREFIX,
    Lexicon,
    actor_keys,
    facet_values,
    item_surface,
)
from pipeline.dedupe.similarity import ItemVector, Vectors, vectorise
from pipeline.dedupe.weights import TermWeights
from pipeline.records import AnnotatedItem, KnownItem

_SEPARATOR = "\x1e"  # between the lists of item_key


@dataclass(frozen=True)
class ItemGuards:
    """What the merge checks of an item besides its vector: family, block, guard values."""

    family: str | None  # kind family; None = never paired except by a must-link
    block: str  # the one district the item names; "" when it names none or several
    districts: frozenset[str]
    facets: dict[str, frozenset[str]]


@dataclass(frozen=True)
class ItemFeatures(ItemGuards):
    """One item's guards, vector rows and min-hash per signature term."""

    vector: ItemVector
    hashes: np.ndarray  # uint64, one per term of vector.signature, in its order


def item_key(item: AnnotatedItem) -> bytes:
    """A hash of everything dedupe reads of an item: id, text, language, kind, lemmas,
    districts and actors (name and registry id)."""
    annotation = item.annotation
    parts = [item.id, item.text, annotation.language, annotation.kind, *annotation.lemmas]
    parts += (_SEPARATOR, *annotation.districts, _SEPARATOR)
    for actor in annotation.actors:
        parts += (actor.name, actor.organization_id or "")
    return hashlib.blake2b("\x1d".join(parts).encode("utf-8"), digest_size=16).digest()


def known_digest(item: AnnotatedItem, known: Mapping[str, KnownItem]) -> str | None:
    """The build cache's fingerprint of the item and its annotation when its text and
    annotation (the very object) are the cached ones, else None. It hashes all that
    item_key does, and more (so it may change while the key does not)."""
    entry = known.get(item.id)
    if entry is None or entry.annotation is not item.annotation or entry.item.text != item.text:
        return None
    return entry.fingerprint


def actor_facet(item: AnnotatedItem, lex: Lexicon, settings: dict) -> dict[str, frozenset[str]]:
    """The item's actors as a facet, for kinds where who acts is part of the idea.

    A good practice is something an organisation does: the same activity run by a
    library and by a culture centre is two practices.
    """
    if item.annotation.kind not in settings["actor_kinds"]:
        return {}
    keys = actor_keys(item, lex, int(settings["actor_key_letters"]))
    return {"actors": keys} if keys else {}


def item_guards(item: AnnotatedItem, named: list[str], lex: Lexicon, settings: dict) -> ItemGuards:
    """The item's family, block and guard values, from the item and its terms."""
    districts = frozenset(term for term in named if term.startswith(DISTRICT_PREFIX))
    return ItemGuards(
        family=settings["kind_families"].get(item.annotation.kind),
        block=next(iter(districts)) if len(districts) == 1 else "",
        districts=districts,
        facets=facet_values(named, lex) | actor_facet(item, lex, settings),
    )


def compute_features(
    items: Sequence[AnnotatedItem],
    terms: Sequence[list[str]],
    lex: Lexicon,
    weights: TermWeights,
    settings: dict,
) -> tuple[list[ItemFeatures], Vectors]:
    """The features of items that all have terms, and their vectors (rows in item order)."""
    vectors = vectorise(terms, [item_surface(item, lex) for item in items], weights, settings)
    hashes = min_hashes(vectors.signature)
    features = []
    for index, (item, named) in enumerate(zip(items, terms, strict=True)):
        guards = item_guards(item, named, lex, settings)
        start, end = vectors.signature.indptr[index], vectors.signature.indptr[index + 1]
        features.append(
            ItemFeatures(
                family=guards.family,
                block=guards.block,
                districts=guards.districts,
                facets=guards.facets,
                vector=vectors.row(index),
                hashes=hashes[start:end].copy(),
            )
        )
    return features, vectors
