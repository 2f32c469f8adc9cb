"""Dedupe again after some items changed, from the state an earlier run left in a store.

Every step of deduplicate.py is defined on single items or pairs, so a changed item
(added, removed, or with a new key) touches only:

- candidate pairs near its entries: in each run, the pairs of its `window` neighbours
  with it, and the pairs of neighbours that its entry now separates or (removed) no
  longer separates; a pair is then strong or not by its two items alone;
- the edges of the items whose strong pairs changed (each item ranks its own pairs): an
  edge whose two items kept their strong pairs is unchanged;
- the connected components of edges and must-links that hold an item whose edges
  changed (or that changed itself), before or after: only those are merged again (the
  merge of one component depends on its items and edges alone), and all other clusters
  are read back from the store.

The result is the same as a full run's (tests/test_dedupe_incremental.py checks it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter

import numpy as np

from pipeline.dedupe.concepts import item_terms, lexicon
from pipeline.dedupe.edges import strong_among, strongest
from pipeline.dedupe.features import (
    ItemFeatures,
    compute_features,
    item_guards,
    item_key,
    known_digest,
)
from pipeline.dedupe.grouping import Members, clusters_of, single
from pipeline.dedupe.overrides import Overrides, pair
from pipeline.dedupe.similarity import Vectors
from pipeline.dedupe.store import DedupeStore, Entry, Partners, entries_of, vector_blob
from pipeline.dedupe.weights import TermWeights, training_weights
from pipeline.memory import collector_paused_then_aged
from pipeline.records import AnnotatedItem, Cluster, KnownItem

# Above this share of changed items, a full run is quicker than following the changes.
MAX_CHANGED_SHARE = 0.2


def update(
    store: DedupeStore,
    by_id: dict[str, AnnotatedItem],
    overrides: Overrides,
    settings: dict,
    known: Mapping[str, KnownItem],
) -> list[Cluster] | None:
    """The clusters of the items (`by_id`, in id order), the store brought up to date; None when
    so much changed that a full run is quicker (the store is then left as it was).
    Items whose digest from `known` (features.known_digest) is the stored one are
    unchanged; the others are hashed (item_key). The clusters, read back or made, live
    as long as the build: they go to the collector's oldest generation at once (see
    pipeline/memory.py) rather than through the young ones, walked at every collection."""
    with collector_paused_then_aged():
        return _update(store, by_id, overrides, settings, known)


def _update(
    store: DedupeStore,
    by_id: dict[str, AnnotatedItem],
    overrides: Overrides,
    settings: dict,
    known: Mapping[str, KnownItem],
) -> list[Cluster] | None:
    stored = store.digests()
    checked = [
        item
        for item in by_id.values()
        if (digest := known_digest(item, known)) is None or stored.get(item.id) != digest
    ]
    digests = {item.id: known_digest(item, known) for item in checked}
    keys = {item.id: item_key(item) for item in checked}
    earlier = store.keys(keys if len(keys) < len(by_id) // 2 else None)
    changed = [item_id for item_id, key in keys.items() if earlier.get(item_id) != key]
    gone = list(stored.keys() - by_id.keys())
    gone += [item_id for item_id, key in keys.items() if earlier.get(item_id, key) != key]
    if len(changed) + len(gone) > MAX_CHANGED_SHARE * max(len(by_id), 1):
        return None
    store.set_digests(
        (item_id, digests[item_id])
        for item_id, key in keys.items()
        if earlier.get(item_id) == key and stored[item_id] != digests[item_id]
    )
    state = _State(store, settings, by_id, set(gone), digests)
    # An item with no term has nothing to compare: it stands alone and is not stored.
    alone = [single(item_id) for item_id in changed if not state.terms([item_id])[item_id]]
    state.added = {item_id for item_id in changed if state.terms([item_id])[item_id]}
    # Read before update_pairs deletes the removed items.
    old_components = set(store.components_of(gone).values())
    touched = state.edges_changed(state.update_pairs(keys))
    touched |= {
        item_id
        for item_a, item_b in (overrides.must_link ^ store.overrides().must_link)
        | (overrides.cannot_link ^ store.overrides().cannot_link)
        for item_id in (item_a, item_b)
        if item_id in by_id
    }
    old_components |= set(store.components_of(touched).values())
    groups = state.components(touched, old_components, overrides)
    merged = [group for group in groups if len(group) > 1]
    members = state.members(item_id for group in merged for item_id in group)
    fresh = [(group[0], state.cluster(group, members, overrides)) for group in merged]
    store.remove_components(old_components)
    store.set_components(fresh)
    store.set_component_of(
        (item_id, group[0] if len(group) > 1 else None) for group in groups for item_id in group
    )
    store.set_overrides(overrides)
    clusters = store.clusters() + [single(item_id) for item_id in store.unlinked()]
    return sorted(clusters + alone, key=attrgetter("id"))


@dataclass
class _State:
    """The store, the items of this run, and what has been computed or read of them."""

    store: DedupeStore
    settings: dict
    by_id: dict[str, AnnotatedItem]
    removed: set[str]  # stored items gone or changed (a changed one is also added)
    digests: dict[str, str | None]  # of the items hashed (features.known_digest)
    added: set[str] = field(default_factory=set)  # items new or changed, with terms
    computed: dict[str, ItemFeatures] = field(default_factory=dict)
    terms_of: dict[str, list[str]] = field(default_factory=dict)
    partners: dict[str, Partners] = field(default_factory=dict)
    tops: dict[str, set[str]] = field(default_factory=dict)  # each item's strongest partners
    edges: dict[str, dict[str, float]] = field(default_factory=dict)
    # the strong pairs before this run of the items whose strong pairs it changed
    earlier: dict[str, Partners] = field(default_factory=dict)

    @property
    def window(self) -> int:
        return int(self.settings["window"])

    @cached_property
    def weights(self) -> TermWeights:
        """The term weights of the stored state."""
        return self.store.weights() or training_weights()

    def terms(self, item_ids: Iterable[str]) -> dict[str, list[str]]:
        """item_terms of present items (remembered)."""
        lex = lexicon()
        for item_id in item_ids:
            if item_id not in self.terms_of:
                self.terms_of[item_id] = item_terms(self.by_id[item_id], lex)
        return {item_id: self.terms_of[item_id] for item_id in item_ids}

    def features(self, item_ids: Iterable[str]) -> dict[str, ItemFeatures]:
        """Features of present items, computed from the items (remembered): they depend
        on the item alone, so they are those a full run computes."""
        item_ids = list(item_ids)
        wanted = sorted({item_id for item_id in item_ids if item_id not in self.computed})
        if wanted:
            features, _ = compute_features(
                [self.by_id[item_id] for item_id in wanted],
                list(self.terms(wanted).values()),
                lexicon(),
                self.weights,
                self.settings,
            )
            self.computed.update(zip(wanted, features, strict=True))
        return {item_id: self.computed[item_id] for item_id in item_ids}

    def strong_of(self, item_ids: Iterable[str]) -> dict[str, Partners]:
        """Each item's strong pairs as stored now (remembered; call after the updates)."""
        item_ids = list(item_ids)
        self.partners.update(self.store.pairs_of(i for i in item_ids if i not in self.partners))
        return {item_id: self.partners[item_id] for item_id in item_ids}

    def update_pairs(self, keys: dict[str, bytes]) -> set[str]:
        """Bring entries and strong pairs up to date; the items whose strong pairs changed
        (added and removed items included)."""
        window = self.window
        old_entries = sorted(
            entry for found in self.store.entries(self.removed).values() for entry in found
        )
        self.earlier.update(self.store.pairs_of(self.removed))
        lists = {item_id: dict(self.earlier[item_id]) for item_id in self.removed}
        self.store.remove_items(self.removed)
        new_features = self.features(sorted(self.added))
        new_entries = sorted(
            entry for item_id, found in new_features.items() for entry in entries_of(item_id, found)
        )
        added = Vectors.stack(
            [found.vector for found in new_features.values()], float(self.settings["term_weight"])
        ).matrix
        self.store.add_items(
            (
                item_id,
                keys[item_id],
                self.digests[item_id],
                None,
                entries_of(item_id, found),
                [],
                vector_blob(added, row),
            )
            for row, (item_id, found) in enumerate(new_features.items())
        )
        status: dict[tuple[str, str], bool] = {}
        # An item reworded under its id may keep an entry (same run, min-hash and id): it
        # left no gap in pass 2, nor in pass 1 if its block is the same.
        back = {entry[:3]: entry[3] for entry in new_entries}
        # Entries that left: their neighbours on either side may now be near enough (the
        # nearest on each side are now 1 apart).
        for entry in old_entries:
            for blocked in (True, False):
                if entry[:3] in back and (not blocked or back[entry[:3]] == entry[3]):
                    continue
                before = self.store.neighbours(entry, blocked, window, before=True)
                after = self.store.neighbours(entry, blocked, window, before=False)
                for first, (one, one_block) in enumerate(before, start=1):
                    for second, (other, other_block) in enumerate(after, start=1):
                        near = first + second - 1 <= window
                        if near and (blocked or not one_block or not other_block):
                            status[pair(one, other)] = True
        # Entries that came: pairs with their neighbours, and neighbours they separate.
        reach = window + len(self.added)
        separated: set[tuple[str, str]] = set()
        for entry in new_entries:
            for blocked in (True, False):
                before = self.store.neighbours(entry, blocked, reach, before=True)
                after = self.store.neighbours(entry, blocked, reach, before=False)
                block = entry[3]
                for distance, (other, other_block) in [*enumerate(before, 1), *enumerate(after, 1)]:
                    if distance <= window and (blocked or not block or not other_block):
                        status[pair(entry[2], other)] = True
                for first, (one, _) in enumerate(before, start=1):
                    for second, (other, _) in enumerate(after, start=1):
                        if first + second > window and one != other:
                            separated.add(pair(one, other))
        separated = {found for found in separated if not set(found) & self.added}
        strong = self.strong_of({item_id for found in separated for item_id in found})
        was_strong = [
            (one, other)
            for one, other in sorted(separated)
            if any(partner == other for partner, _ in strong[one])
        ]
        entries = self.store.entries({item_id for found in was_strong for item_id in found})
        for one, other in was_strong:
            if not self._near(entries[one], entries[other]):
                status[(one, other)] = False
        self.partners.clear()  # read again once updated
        present = [found for found in status if not set(found) & (self.removed - self.added)]
        gone_partners = {
            partner for found in lists.values() for partner in found if partner not in lists
        }
        touched = set(self.removed) | set(self.added) | gone_partners
        touched.update(self._apply(present, status, lists))
        return touched

    def _near(self, ones: list[Entry], others: list[Entry]) -> bool:
        """Whether two stored items, by their entries, are at most `window` apart in some run
        of either pass (a run is of one kind family, and its entries carry their block)."""
        theirs = {entry[0]: entry for entry in others}
        for entry in ones:
            counterpart = theirs.get(entry[0])
            if counterpart is None:
                continue
            if entry[3] == counterpart[3] and self.store.within(
                entry, counterpart, True, self.window
            ):
                return True
            if (not entry[3] or not counterpart[3]) and self.store.within(
                entry, counterpart, False, self.window
            ):
                return True
        return False

    def _apply(
        self,
        present: list[tuple[str, str]],
        status: dict[tuple[str, str], bool],
        removed_lists: dict[str, dict[str, float]],
    ) -> set[str]:
        """Store the strong pairs among `present` candidate pairs (and drop those of
        removed items); the items whose strong pairs changed."""
        gained = sorted(found for found in present if status[found])
        lost = [found for found in present if not status[found]]
        names = sorted({item_id for found in gained for item_id in found})
        features = self.features(names)
        position = {item_id: index for index, item_id in enumerate(names)}
        chosen = [features[item_id] for item_id in names]
        vectors = Vectors.stack([f.vector for f in chosen], float(self.settings["term_weight"]))
        rows = np.array([position[one] for one, _ in gained], dtype=np.int64)
        columns = np.array([position[other] for _, other in gained], dtype=np.int64)
        rows, columns, similarities = strong_among(chosen, vectors, rows, columns, self.settings)
        strong = {
            (names[row], names[column]): similarity
            for row, column, similarity in zip(
                rows.tolist(), columns.tolist(), similarities.tolist(), strict=True
            )
        }
        ends = {item_id for found in [*gained, *lost] for item_id in found}
        ends |= {partner for found in removed_lists.values() for partner in found}
        ends -= self.removed - self.added
        lists = {item_id: dict(found) for item_id, found in self.store.pairs_of(ends).items()}
        before = {item_id: dict(found) for item_id, found in lists.items()}
        for item_id, found in lists.items():
            for partner in set(found) & (self.removed - self.added):
                del found[partner]
            for partner in set(found) & self.added:  # a changed item's old pairs
                if item_id not in self.added and pair(item_id, partner) not in strong:
                    del found[partner]
        for one, other in [*gained, *lost]:
            similarity = strong.get((one, other))
            for item_id, partner in ((one, other), (other, one)):
                if similarity is None:
                    lists[item_id].pop(partner, None)
                else:
                    lists[item_id][partner] = similarity
        changed = {item_id: found for item_id, found in lists.items() if found != before[item_id]}
        for item_id in changed:  # a changed item's earlier pairs are those read before removal
            self.earlier.setdefault(item_id, list(before[item_id].items()))
        self.store.set_partners(
            {item_id: list(found.items()) for item_id, found in changed.items()}
        )
        return set(changed)

    def edges_of(self, item_id: str) -> dict[str, float]:
        """The item's edges: its strong pairs among the strongest of both items (call
        after the updates; remembered)."""
        found = self.edges.get(item_id)
        if found is None:
            mine = self.strong_of([item_id])[item_id]
            chosen = self._strongest(item_id)
            self.strong_of(sorted(chosen))
            found = {
                partner: similarity
                for partner, similarity in mine
                if partner in chosen and item_id in self._strongest(partner)
            }
            self.edges[item_id] = found
        return found

    def _strongest(self, item_id: str) -> set[str]:
        found = self.tops.get(item_id)
        if found is None:
            found = strongest(
                self.strong_of([item_id])[item_id], int(self.settings["max_neighbours"])
            )
            self.tops[item_id] = found
        return found

    def edges_changed(self, item_ids: set[str]) -> set[str]:
        """Those of the given items that were added or removed, or whose edges differ from
        those their strong pairs made before this run (call after the updates)."""
        unchanged = item_ids - self.added - self.removed
        before = {item_id: self._strong_before(item_id) for item_id in unchanged}
        self.strong_of(sorted({p for found in before.values() for p, _ in found}))  # one batch
        return {
            item_id
            for item_id in item_ids
            if item_id not in unchanged or self._edges_before(item_id) != self.edges_of(item_id)
        }

    def _strong_before(self, item_id: str) -> Partners:
        found = self.earlier.get(item_id)
        return found if found is not None else self.strong_of([item_id])[item_id]

    def _edges_before(self, item_id: str) -> dict[str, float]:
        """The item's edges before this run, as edges_of gives them after it."""
        count = int(self.settings["max_neighbours"])
        mine = self._strong_before(item_id)
        chosen = strongest(mine, count)
        return {
            partner: similarity
            for partner, similarity in mine
            if partner in chosen and item_id in strongest(self._strong_before(partner), count)
        }

    def components(
        self, touched: set[str], old_components: set[str], overrides: Overrides
    ) -> list[list[str]]:
        """The components (sorted ids) of edges and must-links that hold touched items or
        members of the old components that held them (`old_components`, which grows
        with the components the search reaches). Call after update_pairs: the store then
        holds the items of this run that have terms.
        """
        named = {item_id for found in overrides.must_link for item_id in found}
        present = self.store.stored(touched | named)
        linked: dict[str, set[str]] = {}
        for item_a, item_b in overrides.must_link:
            if item_a in present and item_b in present:
                linked.setdefault(item_a, set()).add(item_b)
                linked.setdefault(item_b, set()).add(item_a)
        members = self.store.members(old_components)
        nodes = touched & present
        for found in members.values():
            nodes.update(found)
        self.strong_of(sorted(nodes))  # in a few queries rather than one per item
        groups: list[list[str]] = []
        seen: set[str] = set()
        for start in sorted(nodes):
            if start in seen:
                continue
            group, queue = [], [start]
            seen.add(start)
            while queue:
                item_id = queue.pop()
                group.append(item_id)
                neighbours = (set(self.edges_of(item_id)) | linked.get(item_id, set())) - seen
                seen.update(neighbours)
                queue.extend(neighbours)
                # A component reached from outside was merged without these items: its
                # other members must be merged again too.
                reached = set(self.store.components_of(neighbours).values()) - old_components
                old_components.update(reached)
                for found in self.store.members(reached).values():
                    for member in found:
                        if member not in seen:
                            seen.add(member)
                            queue.append(member)
            groups.append(sorted(group))
        return groups

    def members(self, item_ids: Iterable[str]) -> Members:
        """The items to merge (sorted by id), their terms, guards and stored vectors."""
        item_ids = sorted(item_ids)
        items = [self.by_id[item_id] for item_id in item_ids]
        terms = list(self.terms(item_ids).values())
        lex = lexicon()
        return Members(
            items,
            terms,
            [
                item_guards(item, named, lex, self.settings)
                for item, named in zip(items, terms, strict=True)
            ],
            self.store.vectors(item_ids),
        )

    def cluster(self, group: list[str], members: Members, overrides: Overrides) -> list[Cluster]:
        """The clusters of one component (ids sorted); `members` holds its items."""
        row_of = {item.id: row for row, item in enumerate(members.items)}
        chosen = [row_of[item_id] for item_id in group]
        position = {item_id: index for index, item_id in enumerate(group)}
        rows, columns, similarities = [], [], []
        for item_id in group:
            for partner, similarity in self.edges_of(item_id).items():
                if item_id < partner:
                    rows.append(position[item_id])
                    columns.append(position[partner])
                    similarities.append(similarity)
        edges = (
            np.array(rows, dtype=np.int64),
            np.array(columns, dtype=np.int64),
            np.array(similarities, dtype=np.float64),
        )
        own = Members(
            [members.items[row] for row in chosen],
            [members.terms[row] for row in chosen],
            [members.features[row] for row in chosen],
            members.matrix[chosen],
        )
        return clusters_of(own, edges, overrides, self.settings)
