"""cluster_items: annotated items → clusters of items that state the same thing.

The steps, each defined on single items or single pairs so that a build can redo only
what a changed item touches (incremental.py):

1. features of each item (features.py): vectors with fixed term weights, signature;
2. candidate pairs: neighbours in the runs of signature terms (candidates.py), sharing
   enough terms, not naming different districts or facet values;
3. strong pairs: similarity at or above the family's edge threshold (similarity.py);
4. edges: the strong pairs among the `max_neighbours` strongest of both their items;
5. components of the edges and must-links, each merged on its own (grouping.py).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from pipeline.config import section
from pipeline.dedupe.concepts import CONCEPTS_FILE, item_terms, lexicon
from pipeline.dedupe.edges import candidates, strong_among
from pipeline.dedupe.features import compute_features, item_key, known_digest
from pipeline.dedupe.grouping import Members, cluster_id, clusters_of, override_indices, single
from pipeline.dedupe.incremental import update
from pipeline.dedupe.overrides import Overrides
from pipeline.dedupe.pairs import mutual_strongest
from pipeline.dedupe.store import DedupeStore, Partners, entries_of, vector_blob
from pipeline.dedupe.weights import TRAINING_FOLDER, training_weights
from pipeline.errors import RekomendacjeError
from pipeline.records import AnnotatedItem, Cluster, KnownItem
from pipeline.vocabulary import data_path

__all__ = ["cluster_id", "cluster_items"]


def dedupe_version(settings: dict, code: str) -> str:
    """What cached features and pairs were computed with: the settings, the concept
    lexicon, the training texts that fix term weights, and the code version."""
    hasher = hashlib.sha256(json.dumps(settings, sort_keys=True).encode("utf-8"))
    hasher.update(code.encode("utf-8"))
    hasher.update(data_path(CONCEPTS_FILE).read_bytes())
    folder = data_path(TRAINING_FOLDER)
    for path in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if path.name.endswith(".jsonl"):
            hasher.update(path.name.encode("utf-8"))
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


def cluster_items(
    items: Sequence[AnnotatedItem],
    overrides: Overrides | None = None,
    progress: Callable[[int], None] | None = None,
    store: DedupeStore | None = None,
    known: Mapping[str, KnownItem] | None = None,
) -> list[Cluster]:
    """Clusters covering every item exactly once, sorted by id.

    Items are compared only within a kind family (`dedupe.kind_families` in config;
    kinds not listed, such as `other`, are never merged except by a must-link). The
    result does not depend on the order of `items`: they are processed sorted by id.
    With a `store` holding an earlier run, only what the changed items touch is
    computed again; the result is the same as without. `known` (the build cache's items)
    spares the store hashing the items whose annotation is the cached one
    (features.known_digest). `progress` is called with numbers of items done, adding up
    to len(items).
    """
    settings = section("dedupe")
    ordered = sorted(items, key=attrgetter("id"))
    by_id = dict(zip(map(attrgetter("id"), ordered), ordered, strict=True))
    if len(by_id) != len(ordered):
        ids = [item.id for item in ordered]
        duplicates = sorted(item_id for item_id, count in Counter(ids).items() if count > 1)[:3]
        raise RekomendacjeError(f"item ids must be unique; repeated: {', '.join(duplicates)}")
    overrides = overrides or Overrides()
    version = dedupe_version(settings, store.code) if store is not None else ""
    known = known or {}
    if store is not None and store.version() == version:
        clusters = update(store, by_id, overrides, settings, known)
        if clusters is not None:
            if progress:
                progress(len(ordered))
            return clusters
    clusters = _full_run(ordered, overrides, settings, progress, store, version, known)
    return sorted(clusters, key=lambda cluster: cluster.id)


def _full_run(
    ordered: list[AnnotatedItem],
    overrides: Overrides,
    settings: dict,
    progress: Callable[[int], None] | None,
    store: DedupeStore | None,
    version: str,
    known: Mapping[str, KnownItem],
) -> list[Cluster]:
    """Every step on every item; the state left in `store` when one is given."""
    lex = lexicon()
    terms_of = {item.id: item_terms(item, lex) for item in ordered}
    # An item with no term ("…", "a") has nothing to compare: it stands alone.
    alone = [single(item.id) for item in ordered if not terms_of[item.id]]
    ordered = [item for item in ordered if terms_of[item.id]]
    if progress and alone:
        progress(len(alone))
    terms = [terms_of[item.id] for item in ordered]
    weights = training_weights()
    features, vectors = compute_features(ordered, terms, lex, weights, settings)
    rows, columns = candidates(features, vectors, settings)
    rows, columns, similarities = strong_among(features, vectors, rows, columns, settings)
    kept = mutual_strongest(rows, columns, similarities, int(settings["max_neighbours"]))
    edges = (rows[kept], columns[kept], similarities[kept])
    members = Members(ordered, terms, features, vectors.matrix)
    clusters = clusters_of(members, edges, overrides, settings)
    if progress:
        progress(len(ordered))
    if store is not None:
        ids = [item.id for item in ordered]
        component = _components(ids, edges, overrides)
        by_component: dict[str, list[Cluster]] = {}
        for cluster in clusters:
            name = component[cluster.item_ids[0]]
            if name is not None:
                by_component.setdefault(name, []).append(cluster)
        partners: list[Partners] = [[] for _ in ids]
        for row, column, similarity in zip(
            rows.tolist(), columns.tolist(), similarities.tolist(), strict=True
        ):
            partners[row].append((ids[column], similarity))
            partners[column].append((ids[row], similarity))
        store.replace(
            version,
            weights,
            overrides,
            (
                (
                    item.id,
                    item_key(item),
                    known_digest(item, known),
                    component[item.id],
                    entries_of(item.id, entry),
                    sorted(partners[index]),
                    vector_blob(vectors.matrix, index),
                )
                for index, (item, entry) in enumerate(zip(ordered, features, strict=True))
            ),
            by_component.items(),
        )
    return clusters + alone


def _components(
    ids: list[str], edges: tuple[np.ndarray, np.ndarray, np.ndarray], overrides: Overrides
) -> dict[str, str | None]:
    """Item id → the smallest id of its connected component of edges and must-links;
    None for an item with neither."""
    must_link, _ = override_indices(overrides, ids)
    rows = np.concatenate([edges[0], np.array([a for a, _ in must_link], dtype=np.int64)])
    columns = np.concatenate([edges[1], np.array([b for _, b in must_link], dtype=np.int64)])
    graph = sparse.coo_matrix(
        (np.ones(rows.size), (rows, columns)), shape=(len(ids), len(ids))
    ).tocsr()
    _, labels = connected_components(graph, directed=False)
    linked = np.zeros(len(ids), dtype=bool)
    linked[rows] = linked[columns] = True
    first: dict[int, str] = {}
    for index, label in enumerate(labels.tolist()):
        first.setdefault(label, ids[index])  # ids are sorted: the first is the smallest
    return {
        item_id: first[label] if linked[index] else None
        for index, (item_id, label) in enumerate(zip(ids, labels.tolist(), strict=True))
    }
