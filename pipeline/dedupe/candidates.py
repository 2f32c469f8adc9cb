"""Candidate pairs in linear time: sorted neighbourhoods over signature terms.

Every item has one *entry* per signature term: the term and a min-hash of the item's
whole signature seeded by that term. A *run* is the entries of one kind family and one
term, sorted by (min-hash, item id); each entry is paired with the `window` entries on
either side. Twins share most signature terms, so in at least one term's run they most
likely get the same min-hash and sit side by side, however long the run is: the work is
items × signature size × window, never items².

Runs come in two passes. Pass 1 splits each run by *block* (the one district an item
names; items naming none or several form a block of their own), so that items of
different districts never meet; pass 2 takes the whole run and keeps only the pairs
with an item of no single district, so that such an item meets items of any district.

Which pairs a run yields depends only on the entries of that run, in an order that
depends only on each entry's own item: an item added or removed changes the pairs of
its `window` neighbours in its runs, nowhere else (incremental.py relies on it).

The pairs found are then checked exactly: they must share `min_shared_terms` signature
terms (or all terms of the shorter signature).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from pipeline.dedupe.pairs import distinct, row_dots

_MULTIPLIERS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
_MIX = np.uint64(0xBF58476D1CE4E5B9)
NO_BLOCK = -1


def min_hashes(signature: sparse.csr_matrix) -> np.ndarray:
    """Per signature entry (item, term), in CSR order: the min over the item's terms u of
    hash(u, term). Depends on the item's own signature only."""
    lengths = np.diff(signature.indptr)
    width = max(int(lengths.max(initial=0)), 1)
    padded = np.full((signature.shape[0], width), -1, dtype=np.int64)
    rows = np.repeat(np.arange(signature.shape[0]), lengths)
    positions = np.arange(signature.indices.size) - signature.indptr[rows]
    padded[rows, positions] = signature.indices
    members = padded[rows]  # entries × width
    with np.errstate(over="ignore"):
        mixed = members.astype(np.uint64) * _MULTIPLIERS[0] + (
            signature.indices.astype(np.uint64)[:, None] * _MULTIPLIERS[1]
        )
        mixed ^= mixed >> np.uint64(29)
        mixed *= _MIX
        mixed ^= mixed >> np.uint64(32)
    mixed[members < 0] = np.iinfo(np.uint64).max
    return mixed.min(axis=1)


def window_pairs(
    signature: sparse.csr_matrix,
    hashes: np.ndarray,
    families: np.ndarray,
    blocks: np.ndarray,
    window: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) that sit at most `window` apart in some run of either pass.

    Items are indexed in id order (so the index breaks ties as the id does).
    `families`: one integer per item, negative = never paired; `blocks`: one integer per
    item, NO_BLOCK for items naming no single district; `hashes`: from min_hashes.
    """
    size = signature.shape[0]
    all_items = np.repeat(np.arange(size, dtype=np.int64), np.diff(signature.indptr))
    all_terms = signature.indices.astype(np.int64)
    found = [np.empty(0, dtype=np.int64)]
    # One family at a time: pairs never cross families, and memory stays per family.
    for family in np.unique(families[families >= 0]):
        chosen = families[all_items] == family
        items, terms, seeded = all_items[chosen], all_terms[chosen], hashes[chosen]
        found.append(_neighbours(items, terms, seeded, blocks[items], window, size))
        if (blocks[items] == NO_BLOCK).any():
            whole = _neighbours(items, terms, seeded, np.zeros_like(items), window, size)
            low, high = whole // size, whole % size
            found.append(whole[(blocks[low] == NO_BLOCK) | (blocks[high] == NO_BLOCK)])
    pairs = distinct(np.concatenate(found))
    return pairs // size, pairs % size


def _neighbours(
    items: np.ndarray,
    terms: np.ndarray,
    hashes: np.ndarray,
    blocks: np.ndarray,
    window: int,
    size: int,
) -> np.ndarray:
    """Pairs (coded low × size + high) of entries at most `window` apart in one run
    (same block and term), entries sorted by block, term, min-hash and item."""
    order = np.lexsort((items, hashes, terms, blocks))
    item, term, block = items[order], terms[order], blocks[order]
    found = []
    for distance in range(1, window + 1):
        same = (term[distance:] == term[:-distance]) & (block[distance:] == block[:-distance])
        first, second = item[:-distance][same], item[distance:][same]
        found.append(np.minimum(first, second) * size + np.maximum(first, second))
    return distinct(np.concatenate(found))


def enough_shared(
    signature: sparse.csr_matrix, rows: np.ndarray, columns: np.ndarray, settings: dict
) -> np.ndarray:
    """For each pair, whether it shares `min_shared_terms` signature terms (or all the
    terms of the shorter signature)."""
    shared = row_dots(signature, rows, columns, int(settings["similarity_batch_size"]))
    lengths = np.diff(signature.indptr)
    needed = np.minimum(
        int(settings["min_shared_terms"]), np.minimum(lengths[rows], lengths[columns])
    )
    return np.rint(shared) >= needed
