"""Write a KnowledgeBase to the public or the internal SQLite database.

Each database is built into a temporary file in the target's folder and moved into
place with `os.replace`, so no reader ever sees half a build. Rows are written in a
fixed order and JSON with sorted keys, so the same KnowledgeBase gives identical rows.
The public database passes every free-text column through `redact` and leaves out
facilitators and participants; the internal one keeps the original texts.

The temporary file is private until it is moved into place, so it is written without a
journal or syncs (one `fsync` before the move makes it durable), rows go in with one
`executemany` per table, and indexes and full-text search are built after the inserts.

Given a record of what the current file was written from (`Written`, kept by the build
cache), the temporary file starts as a copy of it (`pipeline/publish/temporary.py`) and
only the rows of changed notes and clusters are replaced (`pipeline/publish/update.py`);
otherwise it is written whole.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import sqlite_utils

from pipeline.memory import collector_paused
from pipeline.publish.audience import INTERNAL, PUBLIC, Audience, Index
from pipeline.publish.fingerprints import Fingerprints, Written, fingerprints
from pipeline.publish.internal import write_internal_tables
from pipeline.publish.note_tables import note_tables, skipped_line_rows
from pipeline.publish.recommendation_tables import dedupe_link_tables, recommendation_tables
from pipeline.publish.reference_tables import reference_tables
from pipeline.publish.rows import upsert_rows, write_tables
from pipeline.publish.schema import ensure_indexes, ensure_tables
from pipeline.publish.temporary import TemporaryFile, file_stat
from pipeline.publish.update import has_current_schema, may_update, plan_update, update_database
from pipeline.records import KnowledgeBase, KnownItem

__all__ = [
    "INTERNAL",
    "PUBLIC",
    "WrittenStore",
    "write_database",
    "write_databases",
]

# Page cache of the connection writing a database, in KiB (SQLite's negative cache_size).
WRITE_CACHE_KIB = 262_144


class WrittenStore(Protocol):
    """Where a build keeps, per database file, what it was written from (the build cache)."""

    code: str  # the code version: rows written by other code are rewritten
    known_items: Mapping[str, KnownItem]  # items seen by an earlier build, with fingerprints

    def written(self, path: Path) -> Written | None: ...

    def store_written(self, path: Path, written: Written) -> None: ...


def write_databases(
    knowledge_base: KnowledgeBase,
    public_path: Path,
    internal_path: Path | None = None,
    store: WrittenStore | None = None,
) -> None:
    """Write the public database and, when a path is given, the internal one.

    With a store, each database is updated from a copy of the previous one when that is
    possible (see the module), and what it was written from is recorded in the store.
    The copies are made in the background while the knowledge base is fingerprinted.
    """
    targets = [
        (Path(path), audience)
        for path, audience in ((public_path, PUBLIC), (internal_path, INTERNAL))
        if path is not None
    ]
    previous = {path: store.written(path) if store else None for path, _ in targets}
    temporaries: list[TemporaryFile] = []
    # The knowledge base is millions of objects: the collector would scan them again and
    # again while they are hashed and rows are built, and neither makes reference cycles.
    with collector_paused():
        try:
            for path, _ in targets:
                temporaries.append(TemporaryFile(path))
                if store is not None and may_update(previous[path], store.code, path):
                    temporaries[-1].start_copy()
            current = (
                fingerprints(knowledge_base, store.code, store.known_items)
                if store is not None
                else None
            )
            index = Index(knowledge_base)
            for (path, audience), temporary in zip(targets, temporaries, strict=True):
                written = write_database(
                    knowledge_base, path, audience, previous[path], current, temporary, index
                )
                if store is not None and written is not None:
                    store.store_written(path, written)
        except BaseException:
            for temporary in temporaries:
                temporary.discard()
            raise


def write_database(
    knowledge_base: KnowledgeBase,
    path: Path,
    audience: str = PUBLIC,
    previous: Written | None = None,
    current: Fingerprints | None = None,
    temporary: TemporaryFile | None = None,
    index: Index | None = None,
) -> Written | None:
    """Build one database ('public' or 'internal') in a temporary file, then move it to `path`.

    With the fingerprints of `knowledge_base` (`current`) and those the file at `path` was
    written from (`previous`), only what changed is rewritten, in a copy of the file
    (`temporary` may be given with the copy started; `index` may be the knowledge base's
    `Index`, shared with the other database's write). Returns what the new file was
    written from, when `current` is given.
    """
    path = Path(path)
    temporary = temporary or TemporaryFile(path)
    plan = plan_update(previous, current, path) if current is not None else None
    with collector_paused():  # see write_databases
        try:
            # The copy must be of the file `previous` records, unchanged while copied.
            if plan is None or previous is None or temporary.copied() != previous.stat:
                plan = None
                temporary.clear()
            db = _open_for_writing(temporary.name)
            view = Audience(knowledge_base, audience, index)
            if plan is not None and has_current_schema(db, audience):
                update_database(db, view, plan)
            else:
                if plan is not None:  # built by another schema: start from an empty file
                    db.close()
                    temporary.clear()
                    db = _open_for_writing(temporary.name)
                write_whole(db, view)
            db.conn.commit()
            db.close()
            # Durable before it replaces the previous database.
            descriptor = os.open(temporary.name, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            # mkstemp makes the file private; the database is meant to be read by the web server.
            os.chmod(temporary.name, 0o644)
            os.replace(temporary.name, path)
        except BaseException:
            temporary.discard()
            raise
    return Written(current, file_stat(path)) if current is not None else None


def _open_for_writing(path: str) -> sqlite_utils.Database:
    db = sqlite_utils.Database(path)
    # Nobody reads the temporary file and a failed build deletes it: no journal, no syncs.
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
    return db


def write_whole(db: sqlite_utils.Database, audience: Audience) -> None:
    """Every row into an empty database: tables, rows, then indexes and full-text search."""
    ensure_tables(db)
    with db.conn:
        write_tables(db, reference_tables(audience))
        write_tables(db, note_tables(audience))
        upsert_rows(db, "skipped_lines", skipped_line_rows(audience, None))
        write_tables(db, recommendation_tables(audience))
        write_tables(db, dedupe_link_tables(audience))
    ensure_indexes(db)
    if not audience.public:
        write_internal_tables(db, audience.kb)
