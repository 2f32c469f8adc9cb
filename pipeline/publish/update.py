"""An incremental write: the previous database, copied, with only the changed rows replaced.

Rows belong to a note (note_tables.py), to a cluster (recommendation_tables.py) or to
the reference tables (reference_tables.py). For the notes and clusters whose
fingerprint changed or that are gone, their rows are deleted and the new ones inserted;
the reference tables are written whole when what they show changed;
`items.recommendation_id` is updated where dedupe moved an item of an unchanged note to
another cluster. The full-text indexes follow through their triggers. The result has the
same rows, with the same rowids, as a full write: rows with a primary key get rowids
derived from their content (`pipeline/publish/rowids.py`; the site's searches read items
and recommendations in rowid order), the tables that only link keys have none (WITHOUT
ROWID), and the tables without a primary key (skipped lines, the internal registrations)
keep a full write's order because Datasette shows them in rowid order: the skipped lines
of changed notes are updated in place while each note keeps its number of them (the
common case), and the table is rewritten in order from the first changed note otherwise.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import sqlite_utils

from pipeline.publish.audience import INTERNAL, Audience
from pipeline.publish.fingerprints import Fingerprints, Written, changed
from pipeline.publish.internal import INTERNAL_TABLES, write_internal_tables
from pipeline.publish.note_tables import (
    NOTE_DELETES,
    SKIPPED_LINES_ORDER,
    note_tables,
    skipped_line_rows,
)
from pipeline.publish.recommendation_tables import (
    CLUSTER_DELETES,
    LINK_DELETES,
    dedupe_link_tables,
    recommendation_tables,
)
from pipeline.publish.reference_tables import REFERENCE_TABLES, reference_tables
from pipeline.publish.rows import upsert_rows, write_tables
from pipeline.publish.schema import SCHEMA_VERSION, ensure_indexes, ensure_schema
from pipeline.publish.temporary import file_stat


@dataclass(frozen=True)
class Changes:
    """The notes, clusters (recommendations) and clusters' dedupe links to rewrite, and
    whether the reference tables changed."""

    notes: set[str]
    clusters: set[str]
    links: set[str]
    reference: bool = True


# Past this share of notes or clusters changed, a full write is about as quick.
MAX_CHANGED_SHARE = 0.5


def may_update(previous: Written | None, version: str, path: Path) -> bool:
    """Whether the file at `path` is the one `previous` records, written by this code
    version: what an update of it needs first (see `plan_update`)."""
    return (
        previous is not None
        and previous.fingerprints.version == version
        and path.is_file()
        and previous.stat == file_stat(path)
    )


def plan_update(previous: Written | None, current: Fingerprints, path: Path) -> Changes | None:
    """The notes and clusters to rewrite in the database at `path`, or None for a full write.

    A full write is needed when there is no record of what the file holds, the file was
    changed since, the code version differs, some row has no note or cluster to own it,
    or a large share of the units changed.
    """
    if not current.complete or not may_update(previous, current.version, path):
        return None
    assert previous is not None
    before = previous.fingerprints
    changes = Changes(
        changed(before.notes, current.notes),
        changed(before.clusters, current.clusters),
        changed(before.links, current.links),
        before.reference != current.reference,
    )
    if len(changes.notes) > MAX_CHANGED_SHARE * max(len(current.notes), 1) or len(
        changes.clusters
    ) > MAX_CHANGED_SHARE * max(len(current.clusters), 1):
        return None
    return changes


@cache
def expected_schema(audience: str) -> frozenset[tuple]:
    """Every table, index, trigger and view a database of this audience has, as SQL."""
    reference = sqlite_utils.Database(memory=True)
    ensure_schema(reference)
    if audience == INTERNAL:
        reference.executescript(INTERNAL_TABLES)
    return _schema(reference)


def _schema(db: sqlite_utils.Database) -> frozenset[tuple]:
    return frozenset(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall())


def has_current_schema(db: sqlite_utils.Database, audience: str) -> bool:
    """Whether a database was built by this schema version, with nothing else in it."""
    version = (
        db.execute("SELECT value FROM build_info WHERE key = 'schema_version'").fetchone()
        if db["build_info"].exists()
        else None
    )
    return version == (SCHEMA_VERSION,) and _schema(db) == expected_schema(audience)


def update_database(db: sqlite_utils.Database, audience: Audience, changes: Changes) -> None:
    """Replace the rows of the changed notes and clusters and the reference tables."""
    for table, ids in (
        ("changed_notes", changes.notes),
        ("changed_clusters", changes.clusters),
        ("changed_links", changes.links),
    ):
        db.execute(f"CREATE TEMP TABLE {table} (id TEXT PRIMARY KEY)")
        db.conn.executemany(f"INSERT INTO temp.{table} VALUES (?)", ((i,) for i in sorted(ids)))
    with db.conn:
        for sql in (*NOTE_DELETES, *CLUSTER_DELETES, *LINK_DELETES):
            db.execute(sql)
        if changes.reference:
            for table in REFERENCE_TABLES:
                db.execute(f"DELETE FROM [{table}]")
            write_tables(db, reference_tables(audience))
        write_tables(db, note_tables(audience, changes.notes))
        write_tables(db, recommendation_tables(audience, changes.clusters))
        write_tables(db, dedupe_link_tables(audience, changes.links))
        _update_recommendation_ids(db, audience, changes.clusters)
        _update_skipped_lines(db, audience, changes.notes)
    if not audience.public:
        write_internal_tables(db, audience.kb)
    ensure_indexes(db)


def _update_recommendation_ids(
    db: sqlite_utils.Database, audience: Audience, clusters: set[str]
) -> None:
    """Set each item's cluster where dedupe changed it (items of unchanged notes).

    An item dedupe moved is now in a changed (or new) cluster, or was in one that changed
    or is gone: only those items are looked at.
    """
    db.execute("CREATE TEMP TABLE moved_items (id TEXT PRIMARY KEY)")
    db.conn.executemany(
        "INSERT OR IGNORE INTO temp.moved_items VALUES (?)",
        (
            (item_id,)
            for cluster_id in clusters
            if (cluster := audience.index.clusters.get(cluster_id))
            for item_id in cluster.item_ids
        ),
    )
    updates = [
        (wanted, item_id)
        for item_id, stored in db.execute(
            "SELECT id, recommendation_id FROM items WHERE id IN (SELECT id FROM moved_items) "
            "UNION SELECT id, recommendation_id FROM items "
            "WHERE recommendation_id IN (SELECT id FROM changed_clusters)"
        )
        if (wanted := audience.cluster_of.get(item_id)) != stored
    ]
    db.conn.executemany("UPDATE items SET recommendation_id = ? WHERE id = ?", updates)


def _update_skipped_lines(db: sqlite_utils.Database, audience: Audience, notes: set[str]) -> None:
    """Replace the skipped lines of the changed notes, keeping a full write's rowids.

    A full write numbers the rows in `SKIPPED_LINES_ORDER`, which starts with the note:
    while each changed note keeps its number of rows, every row keeps its rowid, and the
    changed notes' rows are overwritten in order.
    """
    if not notes:
        return
    stored = db.execute(
        "SELECT rowid, note_id FROM skipped_lines "
        "WHERE note_id IN (SELECT id FROM changed_notes) ORDER BY rowid"
    ).fetchall()
    rows = skipped_line_rows(audience, notes)
    if Counter(note_id for _, note_id in stored) == Counter(row["note_id"] for row in rows):
        db.conn.executemany(
            "UPDATE skipped_lines SET note_id = ?, line = ?, text = ?, reason = ? WHERE rowid = ?",
            (
                (*(row[column] for column in SKIPPED_LINES_ORDER), rowid)
                for (rowid, _), row in zip(stored, rows, strict=True)
            ),
        )
        return
    db.execute("DELETE FROM skipped_lines WHERE note_id IN (SELECT id FROM changed_notes)")
    upsert_rows(db, "skipped_lines", rows)
    _rewrite_in_order(db, "skipped_lines", SKIPPED_LINES_ORDER, min(notes))


def _rewrite_in_order(
    db: sqlite_utils.Database, table: str, order: tuple[str, ...], first: str
) -> None:
    """Rewrite a table without a primary key in a full write's row order (rowid order),
    from its first row whose `order[0]` is `first` or more: the rows before it are in
    that order already, with the rowids 1, 2, … a full write gives them."""
    column = order[0]
    db.execute(
        f"CREATE TEMP TABLE reordered AS SELECT * FROM [{table}] WHERE [{column}] >= ? "
        f"ORDER BY {', '.join(order)}",
        [first],
    )
    db.execute(f"DELETE FROM [{table}] WHERE [{column}] >= ?", [first])
    db.execute(f"INSERT INTO [{table}] SELECT * FROM temp.reordered ORDER BY rowid")
    db.execute("DROP TABLE temp.reordered")
