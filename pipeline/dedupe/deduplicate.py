"""cluster_items: annotated items → clusters of items that state the same thing."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from pipeline.config import section
from pipeline.dedupe.candidates import candidate_pairs
from pipeline.dedupe.canonical import choose_canonical
from pipeline.dedupe.clustering import Guards, merge
from pipeline.dedupe.concepts import (
    DISTRICT_PREFIX,
    Lexicon,
    actor_keys,
    facet_values,
    item_surface,
    item_terms,
    lexicon,
    readable,
)
from pipeline.dedupe.overrides import Overrides
from pipeline.dedupe.similarity import similar_pairs, vectorise
from pipeline.errors import RekomendacjeError
from pipeline.records import AnnotatedItem, Cluster, ClusterLink


def cluster_id(canonical_item_id: str) -> str:
    """The cluster id: "r-" and 8 hex digits of the SHA-1 of the canonical item's id."""
    return "r-" + hashlib.sha1(canonical_item_id.encode("utf-8")).hexdigest()[:8]


def _actor_facet(item: AnnotatedItem, lex: Lexicon, settings: dict) -> dict[str, frozenset[str]]:
    """The item's actors as a facet, for kinds where who acts is part of the idea.

    A good practice is something an organisation does: the same activity run by a
    library and by a culture centre is two practices.
    """
    if item.annotation.kind not in settings["actor_kinds"]:
        return {}
    keys = actor_keys(item, lex, int(settings["actor_key_letters"]))
    return {"actors": keys} if keys else {}


def _family_thresholds(
    items: Sequence[AnnotatedItem], settings: dict
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
    families = settings["kind_families"]
    chosen = [by_family.get(families.get(item.annotation.kind), default) for item in items]
    thresholds = np.array(chosen, dtype=np.float64).reshape(len(items), 2)
    return thresholds[:, 0], thresholds[:, 1]


def _override_indices(
    overrides: Overrides, ids: list[str]
) -> tuple[list[tuple[int, int]], dict[int, set[int]]]:
    """Must-link pairs and cannot-link partners as item positions.

    Pairs naming an item that is not in the input (a note was edited since the analyst
    wrote the pair) are left out: they cannot apply to this build.
    """
    position = {item_id: index for index, item_id in enumerate(ids)}
    must_link = [
        (position[item_a], position[item_b])
        for item_a, item_b in overrides.must_link
        if item_a in position and item_b in position
    ]
    cannot_link: dict[int, set[int]] = {}
    for item_a, item_b in overrides.cannot_link:
        if item_a in position and item_b in position:
            first, second = position[item_a], position[item_b]
            cannot_link.setdefault(first, set()).add(second)
            cannot_link.setdefault(second, set()).add(first)
    return must_link, cannot_link


def cluster_items(
    items: Sequence[AnnotatedItem],
    overrides: Overrides | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Cluster]:
    """Clusters covering every item exactly once, sorted by id.

    Items are compared only within a kind family (`dedupe.kind_families` in config;
    kinds not listed, such as `other`, are never merged except by a must-link). The
    result does not depend on the order of `items`: they are processed sorted by id.
    `progress` is called with numbers of items done, adding up to len(items).
    """
    settings = section("dedupe")
    ordered = sorted(items, key=lambda item: item.id)
    ids = [item.id for item in ordered]
    if len(set(ids)) != len(ids):
        duplicates = sorted(item_id for item_id, count in Counter(ids).items() if count > 1)[:3]
        raise RekomendacjeError(f"item ids must be unique; repeated: {', '.join(duplicates)}")
    lex = lexicon()
    terms_of = {item.id: item_terms(item, lex) for item in ordered}
    # An item with no term ("…", "a") has nothing to compare: it stands alone.
    alone = [
        Cluster(id=cluster_id(item.id), item_ids=(item.id,), canonical_item_id=item.id)
        for item in ordered
        if not terms_of[item.id]
    ]
    ordered = [item for item in ordered if terms_of[item.id]]
    ids = [item.id for item in ordered]
    if progress and alone:
        progress(len(alone))
    if not ordered:
        return sorted(alone, key=lambda cluster: cluster.id)
    terms = [terms_of[item.id] for item in ordered]
    vectors = vectorise(terms, [item_surface(item, lex) for item in ordered], settings)
    family_names = settings["kind_families"]
    family_codes = {name: code for code, name in enumerate(sorted(set(family_names.values())))}
    families = np.array(
        [family_codes.get(family_names.get(item.annotation.kind), -1) for item in ordered]
    )
    must_link, cannot_link = _override_indices(overrides or Overrides(), ids)
    guards = Guards.build(
        districts=[
            frozenset(term for term in item_terms_ if term.startswith(DISTRICT_PREFIX))
            for item_terms_ in terms
        ],
        facets=[
            facet_values(item_terms_, lex) | _actor_facet(entry, lex, settings)
            for entry, item_terms_ in zip(ordered, terms, strict=True)
        ],
        cannot_link=cannot_link,
    )
    rows, columns = candidate_pairs(
        vectors.signature, vectors.term_keys, families, guards.blocks(), settings, progress
    )
    allowed = guards.compatible(rows, columns)
    rows, columns = rows[allowed], columns[allowed]
    edge_thresholds, average_thresholds = _family_thresholds(ordered, settings)
    rows, columns, similarities = similar_pairs(vectors, rows, columns, settings, edge_thresholds)
    groups, links = merge(
        vectors.matrix, rows, columns, similarities, must_link, guards, settings, average_thresholds
    )
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
            members = [ordered[i] for i in group]
            chosen = group[choose_canonical(members, [terms[i] for i in group], max_chars)]
        clusters.append(
            Cluster(
                id=cluster_id(ids[chosen]),
                item_ids=tuple(ids[i] for i in group),
                canonical_item_id=ids[chosen],
                links=tuple(links_of.get(number, ())),
            )
        )
    return sorted(clusters + alone, key=lambda cluster: cluster.id)
