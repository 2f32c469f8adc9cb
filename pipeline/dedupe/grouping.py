"""From edges to clusters: the merge of clustering.py run on a set of items, and its clusters.

A full run gives it every item and every edge; an incremental run (incremental.py) one
connected component of the edge graph at a time. The merge takes edges strongest first
(ties by item order) and edges never cross components, so both give the same clusters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from pipeline.dedupe.canonical import choose_canonical
from pipeline.dedupe.clustering import Guards, merge
from pipeline.dedupe.concepts import readable
from pipeline.dedupe.features import ItemGuards
from pipeline.dedupe.overrides import Overrides
from pipeline.records import AnnotatedItem, Cluster, ClusterLink


def cluster_id(canonical_item_id: str) -> str:
    """The cluster id: "r-" and 8 hex digits of the SHA-1 of the canonical item's id."""
    return "r-" + hashlib.sha1(canonical_item_id.encode("utf-8")).hexdigest()[:8]


def single(item_id: str) -> Cluster:
    """The cluster of an item that joined no other."""
    return Cluster(id=cluster_id(item_id), item_ids=(item_id,), canonical_item_id=item_id)


def family_thresholds(
    families: Sequence[str | None], settings: dict
) -> tuple[np.ndarray, np.ndarray]:
    """Per item, the edge and average-link thresholds of its kind family.

    A recommendation or a problem is an idea that many groups word differently; a good
    practice, partnership or task is one organisation's activity or one agreement, and
    looser matching mostly joins different actors doing similar things.
    """
    default = (float(settings["edge_threshold"]), float(settings["average_link_threshold"]))
    by_family = {
        family: (float(edge), float(average))
        for family, (edge, average) in (settings.get("family_thresholds") or {}).items()
    }
    chosen = [by_family.get(family, default) for family in families]
    thresholds = np.array(chosen, dtype=np.float64).reshape(len(families), 2)
    return thresholds[:, 0], thresholds[:, 1]


def override_indices(
    overrides: Overrides, ids: Sequence[str]
) -> tuple[list[tuple[int, int]], dict[int, set[int]]]:
    """Must-link pairs and cannot-link partners as positions in `ids`.

    Pairs naming an item that is not among `ids` (a note was edited since the analyst
    wrote the pair) are left out: they cannot apply here.
    """
    position = {item_id: index for index, item_id in enumerate(ids)}
    must_link = sorted(
        (position[item_a], position[item_b])
        for item_a, item_b in overrides.must_link
        if item_a in position and item_b in position
    )
    cannot_link: dict[int, set[int]] = {}
    for item_a, item_b in overrides.cannot_link:
        if item_a in position and item_b in position:
            first, second = position[item_a], position[item_b]
            cannot_link.setdefault(first, set()).add(second)
            cannot_link.setdefault(second, set()).add(first)
    return must_link, cannot_link


@dataclass(frozen=True)
class Members:
    """The items of one merge, in id order, with their terms, guards and vectors."""

    items: Sequence[AnnotatedItem]
    terms: Sequence[list[str]]
    features: Sequence[ItemGuards]
    matrix: sparse.csr_matrix  # combined vectors, one row per item


def clusters_of(
    members: Members,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    overrides: Overrides,
    settings: dict,
) -> list[Cluster]:
    """The clusters covering `members` that the merge makes along `edges`.

    `edges`: rows, columns and similarities, as positions in `members`.
    """
    ids = [item.id for item in members.items]
    must_link, cannot_link = override_indices(overrides, ids)
    guards = Guards.build(
        districts=[entry.districts for entry in members.features],
        facets=[entry.facets for entry in members.features],
        cannot_link=cannot_link,
    )
    _, average_thresholds = family_thresholds(
        [entry.family for entry in members.features], settings
    )
    rows, columns, similarities = edges
    groups, links = merge(
        members.matrix, rows, columns, similarities, must_link, guards, settings, average_thresholds
    )
    terms = members.terms
    links_of: dict[int, list[ClusterLink]] = {}
    group_of = {member: number for number, group in enumerate(groups) for member in group}
    for first, second, similarity, method in links:
        shared = sorted({readable(term) for term in set(terms[first]) & set(terms[second])})
        links_of.setdefault(group_of[first], []).append(
            ClusterLink(ids[first], ids[second], round(similarity, 4), tuple(shared), method)
        )
    max_chars = int(settings["canonical_max_chars"])
    clusters = []
    for number, group in enumerate(groups):
        chosen = group[0]
        if len(group) > 1:
            chosen_items = [members.items[index] for index in group]
            chosen = group[choose_canonical(chosen_items, [terms[i] for i in group], max_chars)]
        clusters.append(
            Cluster(
                id=cluster_id(ids[chosen]),
                item_ids=tuple(ids[index] for index in group),
                canonical_item_id=ids[chosen],
                links=tuple(links_of.get(number, ())),
            )
        )
    return clusters
