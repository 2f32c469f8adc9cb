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
    """The dot product of each pair of rows, in batches to bound memory.

    Each pair's figure depends on its two rows only, not on the batch it is in.
    """
    dots = np.empty(rows.size, dtype=np.float64)
    for start in range(0, rows.size, batch_size):
        end = start + batch_size
        left = matrix[rows[start:end]]
        right = matrix[columns[start:end]]
        dots[start:end] = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    return dots


def mutual_strongest(
    rows: np.ndarray, columns: np.ndarray, strength: np.ndarray, count: int
) -> np.ndarray:
    """Indices of the pairs among the `count` strongest of both of their items.

    An item ranks its own pairs by strength, equal strengths by the other item's index,
    so the choice of an item depends on its own pairs only, never on the input order.
    """
    ends = np.concatenate([rows, columns]).astype(np.int64)
    partners = np.concatenate([columns, rows]).astype(np.int64)
    strengths = np.concatenate([strength, strength])
    order = np.lexsort((partners, -strengths, ends))
    sorted_ends = ends[order]
    rank = np.arange(order.size) - np.searchsorted(sorted_ends, sorted_ends, side="left")
    chosen = np.sort(order[rank < count] % max(rows.size, 1))
    # A pair chosen by both of its items appears twice.
    return chosen[1:][chosen[1:] == chosen[:-1]]
