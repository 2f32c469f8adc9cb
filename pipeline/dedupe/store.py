"""What one dedupe run leaves for the next: keys, candidate entries, strong pairs, clusters.

`DedupeStore` keeps, in tables of a SQLite connection it is given (the build cache),

- `dedupe_items`: per item, its key (features.item_key), the digest of it the caller
  gave when it was stored or last found unchanged (features.known_digest; NULL when
  none was given), its component (the smallest item id of its connected component of
  edges and must-links; NULL when it has no edge), its candidate-search entries, its
  strong pairs (other item, similarity) and its combined vector (the row the merge
  compares: column indices, then values); indexed by component, so that a run reads
  the members of the components it merges again, and by id with the digest, so that it
  reads every item's digest without reading the rows;
- `dedupe_entries`: every entry (candidates.py), in the order of its run: a run is a
  kind family and a term (one integer), its entries sorted by min-hash and item id;
- `dedupe_components`: per component, its clusters;
- `dedupe_meta`: the version the rest was computed with, the term weights (weights.py)
  and the overrides applied;
- `dedupe_layout`: a hash of these tables' schema; tables of another are dropped.

Of the features only the combined vector is stored: the merge needs it for every
member of a component a change touches (thousands of items in a large one), while the
rest (signature, min-hashes, the separate rows of similarity.py) is computed again,
for the few items near a change, from the items the run is given.
Min-hashes are unsigned 64-bit; they are stored shifted by 2^63 so that SQLite's signed
integers sort them as numpy does. Nothing is committed here: the connection's owner
commits, so a failed build leaves the store as the last complete one left it.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from functools import cache
from itertools import starmap

import numpy as np
from scipy import sparse

from pipeline.dedupe.features import ItemFeatures
from pipeline.dedupe.overrides import Overrides
from pipeline.dedupe.similarity import CHARACTER_COLUMNS, TERM_COLUMNS
from pipeline.dedupe.weights import TermWeights
from pipeline.memory import collector_paused
from pipeline.records import Cluster, ClusterLink

_SCHEMA = """
CREATE TABLE IF NOT EXISTS dedupe_meta (name TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS dedupe_items (
    item_id TEXT PRIMARY KEY, key BLOB NOT NULL, digest TEXT, component TEXT, entries BLOB,
    partners BLOB, vector BLOB
);
CREATE INDEX IF NOT EXISTS dedupe_items_component ON dedupe_items (component);
CREATE INDEX IF NOT EXISTS dedupe_items_digest ON dedupe_items (item_id, digest);
CREATE TABLE IF NOT EXISTS dedupe_entries (
    run INTEGER, hash INTEGER, item_id TEXT, block TEXT, PRIMARY KEY (run, hash, item_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedupe_components (component TEXT PRIMARY KEY, clusters BLOB);
"""
_TABLES = ("dedupe_meta", "dedupe_items", "dedupe_entries", "dedupe_components")
_FORMER_TABLES = ("dedupe_pairs",)  # of earlier layouts, dropped with them
_LAYOUT = hashlib.sha256(_SCHEMA.encode("utf-8")).hexdigest()
_SHIFT = 1 << 63
_BATCH = 500  # ids per SELECT … IN (…), well under SQLite's variable limit

Entry = tuple[int, int, str, str]  # run, shifted min-hash, item id, block
Partners = list[tuple[str, float]]  # an item's strong pairs: other item, similarity
# id, key, digest, component, entries, strong pairs, combined vector (vector_blob)
StoredItem = tuple[str, bytes, "str | None", "str | None", list[Entry], Partners, bytes]


@cache
def _run(family: str, term: int) -> int:
    digest = hashlib.blake2b(f"{family}\x1f{term}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


def entries_of(item_id: str, features: ItemFeatures) -> list[Entry]:
    """The item's candidate-search entries, as stored (none for an item of no family)."""
    if features.family is None:
        return []
    return [
        (_run(features.family, int(term)), int(seeded) - _SHIFT, item_id, features.block)
        for term, seeded in zip(features.vector.signature, features.hashes, strict=True)
    ]


def vector_blob(matrix: sparse.csr_matrix, row: int) -> bytes:
    """One row of a combined vector matrix (int32 columns, float32 values), as stored."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return matrix.indices[start:end].tobytes() + matrix.data[start:end].tobytes()


def _flat(clusters: list[Cluster]) -> list[tuple]:
    """A component's clusters as plain tuples, which unpickle several times faster than
    dataclasses; the links' equal shared terms and methods as one object each, which
    pickle writes once (a third fewer objects to make when read)."""
    one: dict = {}

    def same(value: Hashable) -> Hashable:
        return one.setdefault(value, value)

    return [
        (
            cluster.id,
            cluster.item_ids,
            cluster.canonical_item_id,
            tuple(
                (
                    link.item_a,
                    link.item_b,
                    link.similarity,
                    same(tuple(map(same, link.shared))),
                    same(link.method),
                )
                for link in cluster.links
            ),
        )
        for cluster in clusters
    ]


def _batches(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _BATCH):
        yield values[start : start + _BATCH]


class DedupeStore:
    """The tables of one dedupe state in a SQLite connection; see the module docstring."""

    def __init__(self, connection: sqlite3.Connection, code: str = "") -> None:
        """`code`: the version of the code that computes features (the build cache's)."""
        self.connection = connection
        self.code = code
        # Tables of another layout (an older version of this module) are dropped.
        connection.execute("CREATE TABLE IF NOT EXISTS dedupe_layout (value TEXT)")
        if connection.execute("SELECT value FROM dedupe_layout").fetchall() != [(_LAYOUT,)]:
            for table in (*_TABLES, *_FORMER_TABLES):
                connection.execute(f"DROP TABLE IF EXISTS {table}")
            connection.execute("DELETE FROM dedupe_layout")
            connection.execute("INSERT INTO dedupe_layout VALUES (?)", (_LAYOUT,))
        # One statement at a time: executescript would commit the owner's transaction.
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                connection.execute(statement)

    def _meta(self, name: str) -> object | None:
        row = self.connection.execute(
            "SELECT value FROM dedupe_meta WHERE name = ?", (name,)
        ).fetchone()
        return pickle.loads(row[0]) if row else None

    def _set_meta(self, name: str, value: object) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO dedupe_meta VALUES (?, ?)", (name, pickle.dumps(value))
        )

    def version(self) -> str | None:
        """The version the stored state was computed with; None when there is none."""
        found = self._meta("version")
        return str(found) if found is not None else None

    def weights(self) -> TermWeights | None:
        """The term weights the stored state was computed with."""
        found = self._meta("weights")
        return found if isinstance(found, TermWeights) else None

    def overrides(self) -> Overrides:
        """The overrides the stored clusters applied."""
        found = self._meta("overrides")
        return found if isinstance(found, Overrides) else Overrides()

    def digests(self) -> dict[str, str | None]:
        """Item id → digest of every stored item."""
        return dict(self.connection.execute("SELECT item_id, digest FROM dedupe_items"))

    def keys(self, item_ids: Collection[str] | None = None) -> dict[str, bytes]:
        """Item id → key of those of the given items that are stored (of all when None)."""
        if item_ids is None:
            return dict(self.connection.execute("SELECT item_id, key FROM dedupe_items"))
        return self._column("key", item_ids, bytes)  # type: ignore[return-value]

    def stored(self, item_ids: Iterable[str]) -> set[str]:
        """Those of the given items that are stored."""
        found: set[str] = set()
        for batch in _batches(sorted(set(item_ids))):
            marks = ",".join("?" * len(batch))
            rows = self.connection.execute(
                f"SELECT item_id FROM dedupe_items WHERE item_id IN ({marks})", batch
            )
            found.update(item_id for (item_id,) in rows)
        return found

    def components_of(self, item_ids: Iterable[str]) -> dict[str, str]:
        """Item id → component of the given items that are stored and have one."""
        found: dict[str, str] = {}
        for batch in _batches(sorted(set(item_ids))):
            marks = ",".join("?" * len(batch))
            found.update(
                self.connection.execute(
                    f"SELECT item_id, component FROM dedupe_items WHERE item_id IN ({marks})"
                    " AND component IS NOT NULL",
                    batch,
                )
            )
        return found

    def members(self, components: Iterable[str]) -> dict[str, list[str]]:
        """Component → its stored items, sorted."""
        found: dict[str, list[str]] = {}
        for batch in _batches(sorted(set(components))):
            marks = ",".join("?" * len(batch))
            for component, item_id in self.connection.execute(
                "SELECT component, item_id FROM dedupe_items"
                f" WHERE component IN ({marks}) ORDER BY item_id",
                batch,
            ):
                found.setdefault(component, []).append(item_id)
        return found

    def unlinked(self) -> list[str]:
        """The stored items in no component (of no edge nor must-link)."""
        rows = self.connection.execute("SELECT item_id FROM dedupe_items WHERE component IS NULL")
        return [item_id for (item_id,) in rows]

    def _column(
        self, column: str, item_ids: Iterable[str], load: Callable[[bytes], object] = pickle.loads
    ) -> dict[str, object]:
        ids = sorted(set(item_ids))
        found: dict[str, object] = {}
        for batch in _batches(ids):
            marks = ",".join("?" * len(batch))
            for item_id, payload in self.connection.execute(
                f"SELECT item_id, {column} FROM dedupe_items WHERE item_id IN ({marks})", batch
            ):
                found[item_id] = load(payload)
        return found

    def vectors(self, item_ids: Sequence[str]) -> sparse.csr_matrix:
        """The combined vectors of stored items, one row per id in the given order."""
        found = self._column("vector", item_ids, bytes)
        blobs = [found[item_id] for item_id in item_ids]
        sizes = [len(blob) // 8 for blob in blobs]  # 4 bytes of column and 4 of value each
        indices = [
            np.frombuffer(blob, np.int32, size) for blob, size in zip(blobs, sizes, strict=True)
        ]
        data = [
            np.frombuffer(blob, np.float32, size, offset=4 * size)
            for blob, size in zip(blobs, sizes, strict=True)
        ]
        indptr = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
        return sparse.csr_matrix(
            (
                np.concatenate([np.empty(0, np.float32), *data]),
                np.concatenate([np.empty(0, np.int32), *indices]),
                indptr,
            ),
            shape=(len(blobs), TERM_COLUMNS + CHARACTER_COLUMNS),
        )

    def entries(self, item_ids: Iterable[str]) -> dict[str, list[Entry]]:
        """The stored entries of the given (stored) items."""
        return self._column("entries", item_ids)  # type: ignore[return-value]

    def pairs_of(self, item_ids: Iterable[str]) -> dict[str, Partners]:
        """Item id → its strong pairs (other item, similarity), sorted; [] when not stored."""
        ids = set(item_ids)
        found = self._column("partners", ids)
        return {item_id: found.get(item_id, []) for item_id in ids}  # type: ignore[misc]

    def replace(
        self,
        version: str,
        weights: TermWeights,
        overrides: Overrides,
        items: Iterable[StoredItem],
        components: Iterable[tuple[str, list[Cluster]]],
    ) -> None:
        """Replace the whole state: (id, key, digest, component, entries, strong pairs, vector)
        per item, and the clusters of each component."""
        for table in _TABLES:
            self.connection.execute(f"DELETE FROM {table}")
        self.add_items(items)
        self.set_components(components)
        self._set_meta("version", version)
        self._set_meta("weights", weights)
        self._set_meta("overrides", overrides)

    def add_items(self, items: Iterable[StoredItem]) -> None:
        """Store items (id, key, digest, component, entries, strong pairs, vector) and their
        entries."""
        entries: list[Entry] = []
        rows = []
        for item_id, key, digest, component, item_entries, partners, vector in items:
            rows.append(
                (
                    item_id,
                    key,
                    digest,
                    component,
                    pickle.dumps(item_entries),
                    pickle.dumps(partners),
                    vector,
                )
            )
            entries.extend(item_entries)
        self.connection.executemany("INSERT INTO dedupe_items VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        entries.sort()  # in key order: SQLite then appends to its B-tree
        self.connection.executemany("INSERT INTO dedupe_entries VALUES (?, ?, ?, ?)", entries)

    def remove_items(self, item_ids: Iterable[str]) -> None:
        """Delete items and their entries."""
        for item_entries in self.entries(item_ids).values():
            self.connection.executemany(
                "DELETE FROM dedupe_entries WHERE run = ? AND hash = ? AND item_id = ?",
                (entry[:3] for entry in item_entries),
            )
        self.connection.executemany(
            "DELETE FROM dedupe_items WHERE item_id = ?", ((item_id,) for item_id in item_ids)
        )

    def set_digests(self, digests: Iterable[tuple[str, str | None]]) -> None:
        """Record (item id, digest) of stored items."""
        self.connection.executemany(
            "UPDATE dedupe_items SET digest = ? WHERE item_id = ?",
            ((digest, item_id) for item_id, digest in digests),
        )

    def set_partners(self, partners: dict[str, Partners]) -> None:
        """Replace the strong pairs of stored items."""
        self.connection.executemany(
            "UPDATE dedupe_items SET partners = ? WHERE item_id = ?",
            ((pickle.dumps(sorted(found)), item_id) for item_id, found in partners.items()),
        )

    def neighbours(
        self, entry: Entry, blocked: bool, window: int, before: bool
    ) -> list[tuple[str, str]]:
        """(item id, block) of the `window` entries nearest `entry` on one side, nearest
        first, in its run, of its block only (pass 1, `blocked`) or of any (pass 2)."""
        run, seeded, item_id, block = entry
        side, order = ("<", "DESC") if before else (">", "ASC")
        in_block = "AND block = ? " if blocked else ""
        parameters = (run, block) if blocked else (run,)
        return self.connection.execute(
            f"SELECT item_id, block FROM dedupe_entries WHERE run = ? {in_block}"
            f"AND (hash, item_id) {side} (?, ?) ORDER BY hash {order}, item_id {order} LIMIT ?",
            (*parameters, seeded, item_id, window),
        ).fetchall()

    def within(self, first: Entry, second: Entry, blocked: bool, window: int) -> bool:
        """Whether two entries of one run are at most `window` apart in it (counting the
        entries of their block only when `blocked`)."""
        low, high = sorted((first, second))
        in_block = "AND block = ? " if blocked else ""
        parameters = (low[0], low[3]) if blocked else (low[0],)
        between = self.connection.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM dedupe_entries WHERE run = ? {in_block}"
            f"AND (hash, item_id) > (?, ?) AND (hash, item_id) < (?, ?) LIMIT ?)",
            (*parameters, low[1], low[2], high[1], high[2], window),
        ).fetchone()[0]
        return between < window

    def clusters(self) -> list[Cluster]:
        """The clusters of every stored component."""
        found: list[Cluster] = []
        with collector_paused():
            for (payload,) in self.connection.execute("SELECT clusters FROM dedupe_components"):
                found += [
                    Cluster(cluster_id, item_ids, canonical, tuple(starmap(ClusterLink, links)))
                    for cluster_id, item_ids, canonical, links in pickle.loads(payload)
                ]
        return found

    def set_components(self, components: Iterable[tuple[str, list[Cluster]]]) -> None:
        """Insert or replace the clusters of components."""
        self.connection.executemany(
            "INSERT OR REPLACE INTO dedupe_components VALUES (?, ?)",
            (
                (component, pickle.dumps(_flat(clusters), protocol=5))
                for component, clusters in components
            ),
        )

    def remove_components(self, components: Iterable[str]) -> None:
        """Delete components' clusters."""
        self.connection.executemany(
            "DELETE FROM dedupe_components WHERE component = ?", ((c,) for c in components)
        )

    def set_component_of(self, members: Iterable[tuple[str, str | None]]) -> None:
        """Record (item id, component) of stored items."""
        self.connection.executemany(
            "UPDATE dedupe_items SET component = ? WHERE item_id = ?",
            ((component, item_id) for item_id, component in members),
        )

    def set_overrides(self, overrides: Overrides) -> None:
        """Record the overrides the stored clusters apply."""
        self._set_meta("overrides", overrides)
