"""Pairs of items: which are strong (similar enough), and which strong pairs are edges.

Both steps are defined on single pairs and single items: a pair is strong by its two
items alone; a strong pair is an edge when it is among the `max_neighbours` strongest
pairs of both its items (each item ranks its own pairs only). So the edges of a set of
items change only around the items that change (incremental.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.dedupe.candidates import NO_BLOCK, enough_shared, window_pairs
from pipeline.dedupe.clustering import Guards
from pipeline.dedupe.features import ItemFeatures
from pipeline.dedupe.grouping import family_thresholds
from pipeline.dedupe.similarity import Vectors, strong_pairs


def candidates(
    features: Sequence[ItemFeatures], vectors: Vectors, settings: dict
) -> tuple[np.ndarray, np.ndarray]:
    """All candidate pairs (i < j) of the items: neighbours in some run (candidates.py)."""
    family_names = sorted({entry.family for entry in features if entry.family is not None})
    family_code = {name: code for code, name in enumerate(family_names)}
    families = np.array([family_code.get(entry.family, -1) for entry in features], dtype=np.int64)
    block_names = sorted({entry.block for entry in features if entry.block})
    block_code = {name: code for code, name in enumerate(block_names)}
    blocks = np.array([block_code.get(entry.block, NO_BLOCK) for entry in features], dtype=np.int64)
    hashes = np.concatenate([np.empty(0, dtype=np.uint64), *(entry.hashes for entry in features)])
    return window_pairs(vectors.signature, hashes, families, blocks, int(settings["window"]))


def strong_among(
    features: Sequence[ItemFeatures],
    vectors: Vectors,
    rows: np.ndarray,
    columns: np.ndarray,
    settings: dict,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs that are strong, with their similarities.

    A pair must share enough signature terms, name no different districts or facet
    values, and reach its family's edge threshold.
    """
    guards = Guards.build([e.districts for e in features], [e.facets for e in features], {})
    allowed = enough_shared(vectors.signature, rows, columns, settings) & guards.compatible(
        rows, columns
    )
    edge_thresholds, _ = family_thresholds([entry.family for entry in features], settings)
    return strong_pairs(vectors, rows[allowed], columns[allowed], settings, edge_thresholds)


def strongest(partners: Sequence[tuple[str, float]], count: int) -> set[str]:
    """An item's `count` strongest partners, equal similarities by the partner's id
    (as pairs.mutual_strongest ranks them)."""
    ranked = sorted(partners, key=lambda partner: (-partner[1], partner[0]))
    return {partner for partner, _ in ranked[:count]}
