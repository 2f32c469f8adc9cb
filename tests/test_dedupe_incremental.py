"""Incremental dedupe: a run from an earlier run's store gives exactly a full run's clusters."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, replace

import numpy as np
import pytest
from dedupe_phrases import TARGETS

import pipeline.dedupe.deduplicate as deduplicate
import pipeline.dedupe.incremental as incremental
from pipeline.config import section
from pipeline.dedupe import DedupeStore, Overrides, cluster_items
from pipeline.dedupe.concepts import item_terms, lexicon
from pipeline.dedupe.features import compute_features
from pipeline.dedupe.weights import training_weights
from pipeline.publish.fingerprints import Hasher
from pipeline.records import Actor, AnnotatedItem, Annotation, Item, KnownItem

VERBS = [("Należy utworzyć", "utworzyć"), ("Trzeba uruchomić", "uruchomić"), ("Warto", "")]
AUDIENCES = [("dla dorosłych", "dorosły"), ("dla dzieci", "dziecko"), ("", "")]
PLACES = [("", ""), ("na Woli", "Wola"), ("na Bemowie", "Bemowo")]
EXTRAS = [("", ""), ("od września", "wrzesień"), ("pilnie", "pilnie"), ("w weekendy", "weekend")]
KINDS = ["recommendation", "recommendation", "problem", "good_practice"]
ACTORS = [(), (Actor("Biblioteka Publiczna", "public"),), (Actor("Fundacja Ocalenie", "ngo"),)]


def make_item(number: int, rng: random.Random) -> AnnotatedItem:
    """One wording of an idea; ideas repeat, so near-duplicates abound."""
    verb, target, audience, place = (
        rng.choice(VERBS),
        rng.choice(TARGETS),
        rng.choice(AUDIENCES),
        rng.choice(PLACES),
    )
    extra = rng.choice(EXTRAS)
    parts = [verb, target, audience, place, extra]
    return AnnotatedItem(
        id=f"i-{number:04d}",
        text=" ".join(text for text, _ in parts if text) + ".",
        annotation=Annotation(
            language="pl",
            kind=rng.choice(KINDS),
            themes=["other"],
            districts=[place[1].lower()] if place[1] else [],
            actors=list(rng.choice(ACTORS)),
            lemmas=" ".join(lemmas for _, lemmas in parts if lemmas).split(),
        ),
        group="g",
    )


def corpus(size: int, seed: int) -> list[AnnotatedItem]:
    rng = random.Random(seed)
    return [make_item(number, rng) for number in range(size)]


def edit(items: list[AnnotatedItem], rng: random.Random, start: int) -> list[AnnotatedItem]:
    """Some items removed, some reworded under their id, some under a new id, some added."""
    edited = list(items)
    for _ in range(3):
        edited.pop(rng.randrange(len(edited)))
    for _ in range(3):
        index = rng.randrange(len(edited))
        fresh = make_item(start, rng)
        edited[index] = replace(fresh, id=edited[index].id)
    index = rng.randrange(len(edited))
    edited[index] = replace(edited[index], id=edited[index].id + "-v2")
    edited += [make_item(start + 1 + number, rng) for number in range(4)]
    rng.shuffle(edited)
    return edited


@pytest.fixture
def small_windows(monkeypatch):
    # Narrow runs and few neighbours: every change moves which pairs meet and which
    # pairs are edges, the cases the incremental run must follow.
    monkeypatch.setitem(section("dedupe"), "window", 2)
    monkeypatch.setitem(section("dedupe"), "max_neighbours", 2)


@dataclass
class Runs:
    """What the runs of a test did: full runs, and items whose features were computed by
    incremental runs."""

    full: int = 0
    computed: int = 0


@pytest.fixture
def recorded(monkeypatch) -> Runs:
    runs = Runs()
    full_run, compute_features = deduplicate._full_run, incremental.compute_features

    def counted_full_run(*arguments):
        runs.full += 1
        return full_run(*arguments)

    def counted_features(items, *arguments):
        runs.computed += len(items)
        return compute_features(items, *arguments)

    monkeypatch.setattr(deduplicate, "_full_run", counted_full_run)
    monkeypatch.setattr(incremental, "compute_features", counted_features)
    return runs


def new_store() -> DedupeStore:
    return DedupeStore(sqlite3.connect(":memory:"), "test")


@pytest.mark.usefixtures("small_windows")
def test_rounds_of_edits_give_the_clusters_and_links_of_a_full_run(recorded):
    rng = random.Random(7)
    items = corpus(160, seed=3)
    # Analysts' pairs on items that the edits may reword or remove.
    ids = sorted(entry.id for entry in items)
    overrides = Overrides(
        must_link=frozenset({(ids[0], ids[80]), (ids[3], ids[4])}),
        cannot_link=frozenset({(ids[10], ids[11]), (ids[20], ids[21])}),
    )
    store = new_store()
    assert cluster_items(items, overrides, store=store) == cluster_items(items, overrides)
    for round_number in range(6):
        items = edit(items, rng, start=1000 + 10 * round_number)
        runs = Runs(recorded.full, recorded.computed)
        clusters = cluster_items(items, overrides, store=store)
        # The run was incremental: it computed the features of the 8 new and reworded
        # items and of the items near them (in this small corpus, most of them).
        assert recorded.full == runs.full
        assert recorded.computed - runs.computed >= 8
        assert clusters == cluster_items(items, overrides)
    assert any(len(cluster.item_ids) > 2 for cluster in clusters)
    assert any(cluster.links for cluster in clusters)


@pytest.mark.usefixtures("small_windows")
def test_changed_overrides_apply_to_a_stored_run(recorded):
    items = corpus(120, seed=5)
    store = new_store()
    cluster_items(items, store=store)
    first, second, third = items[0].id, items[50].id, items[51].id
    overrides = Overrides(
        must_link=frozenset({(first, second)}), cannot_link=frozenset({(second, third)})
    )
    full_runs = recorded.full
    assert cluster_items(items, overrides, store=store) == cluster_items(items, overrides)
    assert recorded.full == full_runs + 1  # the reference
    joined = next(c for c in cluster_items(items, overrides) if first in c.item_ids)
    assert second in joined.item_ids
    # The analyst removes the pairs again: the first run's clusters come back.
    assert cluster_items(items, store=store) == cluster_items(items)


def test_a_store_of_other_settings_is_not_used(monkeypatch, recorded):
    items = corpus(80, seed=9)
    store = new_store()
    cluster_items(items, store=store)
    monkeypatch.setitem(section("dedupe"), "edge_threshold", 0.6)
    assert recorded.full == 1
    assert cluster_items(items, store=store) == cluster_items(items)
    assert recorded.full == 3  # the store was not used
    cluster_items(items, store=store)
    assert recorded.full == 3  # the full run left a store for the new settings


def test_many_changes_take_a_full_run(recorded):
    items = corpus(60, seed=11)
    store = new_store()
    cluster_items(items, store=store)
    others = corpus(60, seed=12)
    assert cluster_items(others, store=store) == cluster_items(others)
    assert recorded.full == 3


def test_items_without_terms_and_unchanged_runs():
    items = corpus(40, seed=13)
    empty = AnnotatedItem("z-empty", "…", Annotation("pl", "recommendation", ["other"]))
    store = new_store()
    cluster_items(items, store=store)
    assert cluster_items([*items, empty], store=store) == cluster_items([*items, empty])
    assert cluster_items([*items, empty], store=store) == cluster_items([*items, empty])
    assert cluster_items(items, store=store) == cluster_items(items)


def test_a_store_neither_commits_nor_breaks_its_owners_transaction(tmp_path):
    # The build cache commits once, at the end of a build that did not fail.
    path = tmp_path / "cache.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE owner (value TEXT)")
    connection.commit()
    connection.execute("INSERT INTO owner VALUES ('pending')")
    cluster_items(corpus(30, seed=17), store=DedupeStore(connection, "test"))
    connection.rollback()
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT count(*) FROM owner").fetchone() == (0,)
        tables = {row[0] for row in other.execute("SELECT name FROM sqlite_master")}
    assert "dedupe_items" not in tables


def test_tables_of_an_older_layout_are_replaced():
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE dedupe_items (item_id TEXT PRIMARY KEY, key TEXT)")
    connection.execute("CREATE TABLE dedupe_pairs (low TEXT, high TEXT, similarity REAL)")
    items = corpus(30, seed=19)
    assert cluster_items(items, store=DedupeStore(connection, "test")) == cluster_items(items)
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "dedupe_pairs" not in tables
    assert cluster_items(items, store=DedupeStore(connection, "test")) == cluster_items(items)


def test_the_store_holds_each_item_s_vector_and_component():
    rng = random.Random(23)
    store = new_store()
    items = corpus(60, seed=21)
    cluster_items(items, store=store)
    items = edit(items, rng, start=2000)  # the new and reworded items' rows come from update
    clusters = cluster_items(items, store=store)
    ordered = sorted(items, key=lambda item: item.id)
    ids = [item.id for item in ordered]
    lex = lexicon()
    _, vectors = compute_features(
        ordered,
        [item_terms(item, lex) for item in ordered],
        lex,
        training_weights(),
        section("dedupe"),
    )
    stored = store.vectors(ids)
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(stored, part), getattr(vectors.matrix, part))
    assert stored.shape == vectors.matrix.shape
    # Items of one cluster share a component; unlinked items stand alone.
    component_of = store.components_of(ids)
    assert sorted([*component_of, *store.unlinked()]) == ids
    assert store.stored([*ids, "not-an-item"]) == set(ids)
    for cluster in clusters:
        components = {component_of.get(item_id) for item_id in cluster.item_ids}
        assert len(components) == 1
        (component,) = components
        if component is None:
            assert cluster.item_ids[0] in store.unlinked()
        else:
            assert set(cluster.item_ids) <= set(store.members([component])[component])


def test_the_store_holds_the_strong_pairs_of_a_full_run(monkeypatch):
    # Wider runs than small_windows; in the second round an item reworded under its id
    # keeps an entry at its place in a run while its district changes (the entry is then
    # both removed and added), which once left a pair strong that no longer met.
    monkeypatch.setitem(section("dedupe"), "window", 4)
    monkeypatch.setitem(section("dedupe"), "max_neighbours", 3)
    rng = random.Random(37)
    rng.random()
    items = corpus(200, seed=37)
    store = new_store()
    cluster_items(items, store=store)
    for round_number in range(3):
        items = edit(items, rng, start=5000 + 10 * round_number)
        rng.random()
        clusters = cluster_items(items, store=store)
        full = new_store()
        assert clusters == cluster_items(items, store=full)
        ids = sorted(item.id for item in items)
        assert store.pairs_of(ids) == full.pairs_of(ids)
        assert store.components_of(ids) == full.components_of(ids)


def known_of(items: list[AnnotatedItem]) -> dict[str, KnownItem]:
    """The build cache's entries of the items: each item, its annotation and fingerprint."""
    hasher = Hasher()
    known = {}
    for item in items:
        record = Item(item.id, "note", 0, item.text, 1)
        known[item.id] = KnownItem(
            record, item.annotation, hasher.item(record, item.annotation), None
        )
    return known


@pytest.mark.usefixtures("small_windows")
def test_items_with_the_digest_they_were_stored_with_are_not_hashed(monkeypatch):
    rng = random.Random(29)
    items = corpus(120, seed=27)
    store = new_store()
    cluster_items(items, store=store)  # stored without digests
    hashed: list[str] = []
    item_key = incremental.item_key

    def counted_key(item):
        hashed.append(item.id)
        return item_key(item)

    monkeypatch.setattr(incremental, "item_key", counted_key)
    for round_number in range(4):
        # A build that stores the digests (hashing the items stored without), then one
        # where nothing changed: no item is hashed.
        assert cluster_items(items, store=store, known=known_of(items)) == cluster_items(items)
        hashed.clear()
        assert cluster_items(items, store=store, known=known_of(items)) == cluster_items(items)
        assert hashed == []
        edited = edit(items, rng, start=3000 + 10 * round_number)
        known = known_of(edited)
        # An analyst's correction: another annotation object than the cache's.
        final = [replace(edited[0], annotation=replace(edited[0].annotation, kind="problem"))]
        final += edited[1:]
        assert cluster_items(final, store=store, known=known) == cluster_items(final)
        before = {item.id: item for item in items}
        assert set(hashed) == {item.id for item in edited if before.get(item.id) != item} | {
            edited[0].id
        }
        items = edited
