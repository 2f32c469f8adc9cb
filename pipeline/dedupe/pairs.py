"""Vectorised helpers on pairs of item indices: dot products of rows, strongest pairs per item."""

from __future__ import annotations

import numpy as np
from scipy import sparse


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (faster than np.unique for large integer arrays)."""
    values = np.sort(values)
    keep = np.ones(values.size, dtype=bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


def row_dots(
    matrix: sparse.csr_matrix, rows: np.ndarray, columns: np.ndarray, batch_size: int
) -> np.ndarray:
    """The dot product of each pair of rows, in batches to bound memory."""
    dots = np.empty(rows.size, dtype=np.float64)
    for start in range(0, rows.size, batch_size):
        end = start + batch_size
        left = matrix[rows[start:end]]
        right = matrix[columns[start:end]]
        dots[start:end] = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    return dots


def strongest_per_item(
    rows: np.ndarray, columns: np.ndarray, strength: np.ndarray, count: int, mutual: bool = False
) -> np.ndarray:
    """Indices of the pairs among the `count` strongest of one of their items (of both
    when `mutual`).

    `strength` is any non-negative score. Equal strengths keep the order of the pairs
    (sorted by item index), so the choice does not depend on the input order.
    """
    ends = np.concatenate([rows, columns]).astype(np.int64)
    # One 64-bit sort key: the item in the high half, the strength relative to the
    # strongest (descending, in 2^-31 steps) in the low half.
    relative = strength / max(float(strength.max(initial=0.0)), 1e-12)
    weakness = np.round((1.0 - relative) * (2**31 - 1)).astype(np.int64)
    keys = (ends << 32) | np.concatenate([weakness, weakness])
    order = np.argsort(keys, kind="stable")
    sorted_ends = ends[order]
    rank = np.arange(order.size) - np.searchsorted(sorted_ends, sorted_ends, side="left")
    pairs = order % rows.size
    chosen = np.sort(pairs[rank < count])
    if not mutual:
        return distinct(chosen)
    # A pair chosen by both of its items appears twice.
    return chosen[1:][chosen[1:] == chosen[:-1]]
