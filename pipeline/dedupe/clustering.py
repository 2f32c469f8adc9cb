"""Joining items along similar pairs without chaining, under an analyst's overrides.

Edges are taken strongest first (ties by item order). An edge joins the two groups of
its items only if

* their average similarity (mean over all cross pairs, computed exactly from the sums of
  the groups' vectors) stays at or above `average_link_threshold` — the guard against
  chains where A≈B and B≈C pull in a C that is nothing like A;
* the groups do not name different districts, nor different values of a facet
  (audience: adults vs children), when both name one;
* no cannot-link pair would end up inside one group.

Must-link pairs are joined first and unconditionally: the analyst has the last word.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

logger = logging.getLogger(__name__)

MUST_LINK = "must_link"


@dataclass(frozen=True)
class Guards:
    """What each item names, for blocking merges: districts and facet values.

    `masks` has one 64-bit word per item and dimension (districts, then each facet) with
    one bit per value named (by CRC-32): items whose words are both non-zero and share no
    bit name different values, so pairs can be ruled out in bulk before any similarity.
    """

    districts: Sequence[frozenset[str]]
    facets: Sequence[dict[str, frozenset[str]]]
    cannot_link: dict[int, set[int]]
    masks: np.ndarray

    @classmethod
    def build(
        cls,
        districts: Sequence[frozenset[str]],
        facets: Sequence[dict[str, frozenset[str]]],
        cannot_link: dict[int, set[int]],
    ) -> Guards:
        names = sorted({name for item in facets for name in item})
        masks = np.zeros((len(districts), 1 + len(names)), dtype=np.uint64)
        for row, (named, values) in enumerate(zip(districts, facets, strict=True)):
            masks[row, 0] = _bits(named)
            for column, name in enumerate(names, start=1):
                masks[row, column] = _bits(values.get(name, frozenset()))
        return cls(districts, facets, cannot_link, masks)

    def compatible(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """For each pair, False when the two items name different values somewhere."""
        left, right = self.masks[rows], self.masks[columns]
        clash = (left != 0) & (right != 0) & ((left & right) == 0)
        return ~clash.any(axis=1)


def _bits(values: frozenset[str]) -> int:
    word = 0
    for value in values:
        word |= 1 << (zlib.crc32(value.encode("utf-8")) % 64)
    return word


@dataclass
class Group:
    """A growing cluster: its members, what they name, and the sum of their vectors."""

    members: list[int]
    districts: frozenset[str]
    facets: dict[str, frozenset[str]]
    indices: np.ndarray
    values: np.ndarray


@dataclass
class Merging:
    """Union-find over items with the groups kept at their roots, and the links taken."""

    matrix: sparse.csr_matrix
    guards: Guards
    average_thresholds: np.ndarray  # per item; a group takes its root item's
    parent: list[int] = field(init=False)
    groups: dict[int, Group] = field(init=False)
    links: list[tuple[int, int, float, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        size = self.matrix.shape[0]
        self.parent = list(range(size))
        self.groups = {}

    def root(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def group(self, root: int) -> Group:
        """The group whose root is `root`, created from the item on first use."""
        found = self.groups.get(root)
        if found is None:
            start, end = self.matrix.indptr[root], self.matrix.indptr[root + 1]
            found = Group(
                members=[root],
                districts=self.guards.districts[root],
                facets=self.guards.facets[root],
                indices=self.matrix.indices[start:end],
                values=self.matrix.data[start:end].astype(np.float64),
            )
            self.groups[root] = found
        return found

    def join(self, first: int, second: int, link: tuple[int, int, float, str]) -> None:
        """Join the groups rooted at `first` and `second`; `link` is the pair that did it."""
        keep, gone = (first, second) if first < second else (second, first)
        kept, removed = self.group(keep), self.group(gone)
        indices = np.concatenate([kept.indices, removed.indices])
        values = np.concatenate([kept.values, removed.values])
        unique, inverse = np.unique(indices, return_inverse=True)
        kept.indices = unique
        kept.values = np.bincount(inverse, weights=values, minlength=unique.size)
        kept.members.extend(removed.members)
        kept.districts = kept.districts | removed.districts
        kept.facets = {
            facet: kept.facets.get(facet, frozenset()) | removed.facets.get(facet, frozenset())
            for facet in set(kept.facets) | set(removed.facets)
        }
        del self.groups[gone]
        self.parent[gone] = keep
        self.links.append(link)

    def may_join(self, first: int, second: int, similarity: float) -> bool:
        """Whether the guards allow joining the groups rooted at `first` and `second`."""
        one, other = self.group(first), self.group(second)
        if one.districts and other.districts and not one.districts & other.districts:
            return False
        for facet, values in one.facets.items():
            theirs = other.facets.get(facet)
            if theirs and not values & theirs:
                return False
        if len(one.members) <= len(other.members):
            smaller, larger = one, second
        else:
            smaller, larger = other, first
        cannot_link = self.guards.cannot_link
        for member in smaller.members:
            if any(self.root(partner) == larger for partner in cannot_link.get(member, ())):
                return False
        threshold = float(self.average_thresholds[first])
        if len(one.members) == 1 and len(other.members) == 1:
            return similarity >= threshold
        return self.average_similarity(one, other) >= threshold

    @staticmethod
    def average_similarity(one: Group, other: Group) -> float:
        """Mean similarity over all cross pairs: the dot product of the sums over |A|·|B|."""
        if one.indices.size > other.indices.size:
            one, other = other, one
        if not one.indices.size:
            return 0.0
        # Both index arrays are sorted and unique: find each of the shorter in the longer.
        found = np.searchsorted(other.indices, one.indices).clip(max=other.indices.size - 1)
        shared = other.indices[found] == one.indices
        total = float(np.dot(one.values[shared], other.values[found[shared]]))
        return total / (len(one.members) * len(other.members))


def merge(
    matrix: sparse.csr_matrix,
    rows: np.ndarray,
    columns: np.ndarray,
    similarities: np.ndarray,
    must_link: Sequence[tuple[int, int]],
    guards: Guards,
    settings: dict,
    average_thresholds: np.ndarray,
) -> tuple[list[list[int]], list[tuple[int, int, float, str]]]:
    """Groups of item indices (each sorted, all items covered) and the links that made them.

    `rows`, `columns`, `similarities` are the pairs strong enough to be edges. Links are
    (item, item, similarity, method). `average_thresholds` has one average-link threshold
    per item (its kind family's).
    """
    merging = Merging(matrix, guards, average_thresholds)
    for first, second in sorted(must_link):
        one, other = merging.root(first), merging.root(second)
        if one != other:
            similarity = float(matrix[first].multiply(matrix[second]).sum())
            merging.join(one, other, (first, second, similarity, MUST_LINK))
    for first, partners in guards.cannot_link.items():
        for second in partners:
            if first < second and merging.root(first) == merging.root(second):
                logger.warning(
                    "must-link pairs join items %d and %d that a cannot-link pair separates",
                    first,
                    second,
                )
    low, high = np.minimum(rows, columns), np.maximum(rows, columns)
    method = str(settings["method"])
    for position in np.lexsort((high, low, -similarities)):
        first, second = int(low[position]), int(high[position])
        one, other = merging.root(first), merging.root(second)
        similarity = float(similarities[position])
        if one != other and merging.may_join(one, other, similarity):
            merging.join(one, other, (first, second, similarity, method))
    groups = [
        sorted(merging.groups[root].members) if root in merging.groups else [root]
        for root in range(matrix.shape[0])
        if merging.root(root) == root
    ]
    return groups, merging.links
