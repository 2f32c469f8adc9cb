"""Candidate pairs in linear time: sorted neighbourhoods over signature terms.

Every item has one entry per signature term. Entries are sorted by (kind family,
district block, term, a min-hash of the item's whole signature seeded by that term),
and each entry is paired with the next `window` entries of the same family, block and
term. Twins share most signature terms, so in at least one term's run they most likely
get the same min-hash and sit side by side, however long the run is: the work is
items × signature size × window, never items². Items naming no single district
(block -1) are sorted once more with blocks ignored, to meet items of any district.

The pairs found are then checked exactly: they must share `min_shared_terms` signature
terms (or all terms of the shorter signature), and each item keeps its
`max_candidates` strongest overlaps.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse

from pipeline.dedupe.pairs import distinct, row_dots, strongest_per_item

_MULTIPLIERS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def candidate_pairs(
    signature: sparse.csr_matrix,
    term_keys: np.ndarray,
    families: np.ndarray,
    blocks: np.ndarray,
    settings: dict,
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j) of items of one family, in compatible blocks, sharing terms.

    `families`: one integer per item, negative = never paired. `blocks`: one integer per
    item, items of two different non-negative blocks are never paired, -1 pairs with any.
    `signature`: the items' signature terms, 1 + a weight below 1 each (see similarity);
    `term_keys`: a stable non-negative hash per signature column, which seeds the min-hashes.
    `progress` is called with numbers of items done, adding up to the number of items.
    """
    size = signature.shape[0]
    all_items = np.repeat(np.arange(size, dtype=np.int32), np.diff(signature.indptr))
    all_terms = signature.indices.astype(np.int32)
    window = int(settings["window"])
    found_rows, found_columns = [], []
    if progress:
        progress(int((families < 0).sum()))
    # One family at a time: pairs never cross families, and memory stays per family.
    for family in np.unique(families[families >= 0]):
        in_family = families[all_items] == family
        items, terms = all_items[in_family], all_terms[in_family]
        hashes = _seeded_min_hashes(signature, term_keys, items, terms)
        codes = [_neighbours(items, terms, hashes, blocks[items], window, size)]
        if (blocks[items] < 0).any():
            # Items without a district meet the others: sorted again with blocks
            # ignored, keeping only the pairs that involve such an item.
            found = _neighbours(items, terms, hashes, np.zeros_like(items), window, size)
            low, high = found // size, found % size
            codes.append(found[(blocks[low] < 0) | (blocks[high] < 0)])
        pairs = distinct(np.concatenate(codes))
        rows, columns = _best_overlaps(signature, pairs // size, pairs % size, settings)
        found_rows.append(rows)
        found_columns.append(columns)
        if progress:
            progress(int((families == family).sum()))
    if not found_rows:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(found_rows), np.concatenate(found_columns)


def _seeded_min_hashes(
    signature: sparse.csr_matrix, term_keys: np.ndarray, items: np.ndarray, terms: np.ndarray
) -> np.ndarray:
    """For each entry (item, term): min over the item's terms u of hash(key u, key term)."""
    lengths = np.diff(signature.indptr)
    width = max(int(lengths.max(initial=0)), 1)
    padded = np.full((signature.shape[0], width), -1, dtype=np.int64)
    rows = np.repeat(np.arange(signature.shape[0]), lengths)
    positions = np.arange(signature.indices.size) - signature.indptr[rows]
    padded[rows, positions] = term_keys[signature.indices]
    members = padded[items]  # entries × width
    with np.errstate(over="ignore"):
        mixed = members.astype(np.uint64) * _MULTIPLIERS[0] + (
            term_keys[terms].astype(np.uint64)[:, None] * _MULTIPLIERS[1]
        )
        mixed ^= mixed >> np.uint64(29)
        mixed *= _MIX
        mixed ^= mixed >> np.uint64(32)
    mixed[members < 0] = np.iinfo(np.uint64).max
    return mixed.min(axis=1)


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
        apart = first != second
        first, second = first[apart], second[apart]
        low = np.minimum(first, second).astype(np.int64)
        found.append(low * size + np.maximum(first, second))
    return distinct(np.concatenate(found))


def _best_overlaps(
    signature: sparse.csr_matrix, rows: np.ndarray, columns: np.ndarray, settings: dict
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs sharing enough signature terms, at most `max_candidates` per item."""
    # Signature entries are 1 + a weight below 1/(4 · size): a product's integer part
    # counts the shared terms, its fraction ranks pairs with equal counts.
    overlap = row_dots(signature, rows, columns, int(settings["similarity_batch_size"]))
    lengths = np.diff(signature.indptr)
    needed = np.minimum(
        int(settings["min_shared_terms"]), np.minimum(lengths[rows], lengths[columns])
    )
    enough = np.floor(overlap) >= needed
    rows, columns, overlap = rows[enough], columns[enough], overlap[enough]
    kept = strongest_per_item(rows, columns, overlap, int(settings["max_candidates"]))
    return rows[kept], columns[kept]
