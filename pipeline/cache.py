"""Incremental builds: a note's reading, segmentation and annotations, reused when unchanged.

The cache is one SQLite file (by default `.cache/<db name>.sqlite` beside the database).
Three tables:

- `notes`: per note id, the note, its ingest errors, items and skipped lines, valid while
  the note's path, id and content hash (`Note.sha256`) and the code version are the same;
  with the file's stat when it was read, so that a file whose size, modification and
  change times, inode and device are all the same is not read again (see
  `pipeline.ingest.files.stable_stat`: a file written in the 2 s before it was read is
  read again, hashed, and its segments reused when its content is the same);
- `annotations`: per note id, its items' predicted annotations (before analysts'
  corrections and aliases, which are applied on every build), each with its key (text,
  kind hint, model version) and the item's fingerprint for publish; the row is read
  whole while the note's items (their digest, kept with the segments so that unchanged
  notes are not hashed again) and the model version are those it was made from, and a
  changed or renamed note's items are looked up by key among the rows of notes that
  changed or are gone (the keys are stored apart, read only then);
- `written`: per database file, what it was written from (`pipeline.publish.fingerprints.
  Written`), so that the next build rewrites only the rows of changed notes and clusters.

The code version hashes the package version, its source (an editable install keeps one
version number while the code changes) and every file under `pipeline/data/` (lexicons,
training data, config). The model version adds `corrections.csv` and the examples it
turns into training data, since corrections retrain the classifier. Entries a build does
not use are pruned at its end, so deleted notes leave nothing behind. A damaged or
unreadable cache file is discarded, never a reason for a build to fail. Records are
stored as plain tuples (`pipeline/packing.py`), a note's annotations marshalled rather
than pickled (they are read on every build, and load 2.3 times as fast), field by field,
with one object per different actor and partnership member for the whole build (58,000
annotations from 1,000 rows: 0.24 s as a tuple per annotation, 0.16 s by column);
`pipeline/cached_stages.py` segments and annotates through the cache.
"""

from __future__ import annotations

import hashlib
import io
import marshal
import pickle
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from operator import is_
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from pipeline.ingest.files import FileStat, NoteFile
from pipeline.packing import (
    RecordTable,
    pack_items,
    pack_known_items,
    pack_segments,
    unpack_annotations,
    unpack_known_items,
    unpack_segments,
)
from pipeline.records import (
    Actor,
    Annotation,
    IngestError,
    Item,
    KnownItem,
    Note,
    NoteDocument,
    PartnershipMember,
    SkippedLine,
)

if TYPE_CHECKING:
    from pipeline.publish.fingerprints import Written

CACHE_FOLDER = ".cache"
_PACKAGE_ROOT = Path(__file__).resolve().parent
CACHE_FORMAT = 8  # the file's user_version: the tables of an older layout are dropped
_TABLES = ("segments", "notes", "annotations", "written")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS notes (
    note_id TEXT PRIMARY KEY, code TEXT, path TEXT, stat TEXT, key TEXT, items TEXT, payload BLOB
);
CREATE TABLE IF NOT EXISTS annotations (
    note_id TEXT PRIMARY KEY, model TEXT, key TEXT, keys BLOB, payload BLOB
);
CREATE TABLE IF NOT EXISTS written (path TEXT PRIMARY KEY, payload BLOB);
"""


def default_cache_path(db_path: Path) -> Path:
    """db/rekomendacje.db → db/.cache/rekomendacje.sqlite."""
    return db_path.parent / CACHE_FOLDER / f"{db_path.stem}.sqlite"


def _digest(parts: Iterable[bytes]) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))  # length prefix: no two inputs collide
        hasher.update(part)
    return hasher.hexdigest()


def code_version() -> str:
    """Hash of the package version, its Python source and every file under pipeline/data/."""
    try:
        version = metadata.version("rekomendacje")
    except metadata.PackageNotFoundError:
        version = "unknown"
    parts: list[bytes] = [version.encode()]
    for path in sorted(_PACKAGE_ROOT.rglob("*")):
        relative = path.relative_to(_PACKAGE_ROOT)
        if path.is_file() and (path.suffix == ".py" or relative.parts[0] == "data"):
            parts += [relative.as_posix().encode(), path.read_bytes()]
    return _digest(parts)


def model_version(
    code: str, corrections_file: Path, extra_training: Sequence[tuple[str, dict]]
) -> str:
    """The code version plus corrections.csv and the training examples drawn from it."""
    corrections = corrections_file.read_bytes() if corrections_file.is_file() else b""
    examples = repr(sorted((text, sorted(labels.items())) for text, labels in extra_training))
    return _digest([code.encode(), corrections, examples.encode()])


def annotation_key(model: str, text: str, hint: str | None) -> str:
    """The cache key of one item's annotation."""
    return _digest([model.encode(), (hint or "").encode(), text.encode()])


def items_digest(items: Sequence[Item]) -> str:
    """A digest of a note's items, all their fields."""
    return values_digest("", pack_items(items))


Row = TypeVar("Row", "_NoteRow", "_AnnotationRow")


class _NoteRow(NamedTuple):
    """A note's segmentation as the cache holds it."""

    code: str  # the code version that read and segmented it
    path: str
    stat: str | None  # `stable_stat` of the file when it was read (None: not to be trusted)
    key: str  # `BuildCache._segment_key`
    items: str  # `items_digest` of its items
    payload: bytes  # `packing.pack_segments`, pickled


class _AnnotationRow(NamedTuple):
    """A note's items' predicted annotations as the cache holds them."""

    model: str
    key: str  # `BuildCache.items_key`
    keys: bytes  # the items' annotation keys (`annotation_key`), marshalled
    # `packing.pack_known_items`, marshalled (plain lists and tuples of strings and numbers
    # load 2.3 times as fast as unpickled)
    payload: bytes


def _dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=5)


def values_digest(model: str, value: object) -> str:
    """A digest of the values only: pickled without the memo, so two equal values that
    share their strings differently give the same bytes."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return _digest([model.encode(), buffer.getvalue()])


class BuildCache:
    """An open cache file; use `open_cache`, which commits, prunes and closes it."""

    def __init__(self, connection: sqlite3.Connection, code: str) -> None:
        self.connection = connection
        self.code = code
        self.used_notes: set[str] = set()
        self.hits = {"files": 0, "segments": 0, "annotations": 0}
        self.misses = {"files": 0, "segments": 0, "annotations": 0}
        # item id -> the item, its predicted annotation and what was derived from them,
        # so that unchanged notes are not hashed (publish) or searched for partnerships again
        self.known_items: dict[str, KnownItem] = {}
        self._notes: dict[str, _NoteRow] | None = None
        self._annotations: dict[str, _AnnotationRow] | None = None
        self._unread: dict[str, tuple[list[Item], list[SkippedLine]]] = {}
        # note id -> the items this cache gave out for it and their `items_digest`
        self._digests: dict[str, tuple[list[Item], str]] = {}
        # one object per different actor and partnership member of the cached annotations
        self._actors = RecordTable(Actor)
        self._members = RecordTable(PartnershipMember)

    def _rows_by_note(self, row_type: type[Row], table: str) -> dict[str, Row]:
        """{note id: row_type(…)} of a table whose columns after note_id are row_type's fields."""
        columns = ", ".join(("note_id", *row_type._fields))
        return {
            note_id: row_type(*row)
            for note_id, *row in self.connection.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 (own names)
        }

    def _note_rows(self) -> dict[str, _NoteRow]:
        if self._notes is None:
            self._notes = self._rows_by_note(_NoteRow, "notes")
        return self._notes

    def _segment_key(self, note: Note) -> str:
        parts = (self.code, note.id, note.path, note.sha256)
        return _digest(part.encode() for part in parts)

    def known_note(
        self, note_file: NoteFile, note_id: str
    ) -> tuple[Note, list[IngestError]] | None:
        """The note and ingest errors of a file with the stat it had when it was last read
        (see `pipeline.ingest.files.stable_stat`); its segments are kept for `segment_notes`."""
        row = self._note_rows().get(note_id)
        if (
            row is None
            or note_file.stat is None
            or row.stat != repr(note_file.stat)
            or row.path != note_file.relative
            or row.code != self.code  # (before unpacking: records of other code may differ)
        ):
            self.misses["files"] += 1
            return None
        note, errors, items, skipped = unpack_segments(pickle.loads(row.payload))
        self.hits["files"] += 1
        self._unread[note_id] = (items, skipped)
        self._digests[note_id] = (items, row.items)
        return note, errors

    def unread_segments(self, note_id: str) -> tuple[list[Item], list[SkippedLine]]:
        """The segments of a note `known_note` gave."""
        self.used_notes.add(note_id)
        self.hits["segments"] += 1
        return self._unread.pop(note_id)

    def segments(self, document: NoteDocument) -> tuple[list[Item], list[SkippedLine]] | None:
        """The cached items and skipped lines of a note, or None when it is new or changed."""
        note = document.note
        self.used_notes.add(note.id)
        row = self._note_rows().get(note.id)
        if row is None or row.key != self._segment_key(note):
            self.misses["segments"] += 1
            return None
        self.hits["segments"] += 1
        _, _, items, skipped = unpack_segments(pickle.loads(row.payload))
        self._digests[note.id] = (items, row.items)
        return items, skipped

    def store_segments(
        self,
        document: NoteDocument,
        stat: FileStat | None,
        errors: list[IngestError],
        items: list[Item],
        skipped: list[SkippedLine],
    ) -> None:
        note = document.note
        digest = items_digest(items)
        self._digests[note.id] = (items, digest)
        self.connection.execute(
            "INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                note.id,
                self.code,
                note.path,
                None if stat is None else repr(stat),
                self._segment_key(note),
                digest,
                _dumps(pack_segments(note, errors, items, skipped)),
            ),
        )

    def items_key(self, model: str, note_id: str, items: Sequence[Item]) -> str:
        """What a note's cached annotations are valid for: the model and the note's items.

        The digest of the items this cache gave out for the note (`known_note`,
        `segments`, `store_segments`) is the one stored with them; other items are hashed.
        """
        given = self._digests.get(note_id)
        if given is not None and len(given[0]) == len(items) and all(map(is_, given[0], items)):
            digest = given[1]
        else:
            digest = items_digest(items)
        return _digest([model.encode(), digest.encode()])

    def _annotation_rows(self) -> dict[str, _AnnotationRow]:
        if self._annotations is None:
            self._annotations = self._rows_by_note(_AnnotationRow, "annotations")
        return self._annotations

    def note_annotations(
        self, note_id: str, items: Sequence[Item], key: str
    ) -> list[KnownItem] | None:
        """A note's items with their predicted annotations, fingerprints and partnerships,
        when its items and the model are those of `key` (`items_key`)."""
        self.used_notes.add(note_id)
        row = self._annotation_rows().get(note_id)
        if row is None or row.key != key:
            return None
        return unpack_known_items(items, marshal.loads(row.payload), self._actors, self._members)

    def earlier_annotations(
        self, model: str, skip: Collection[str], wanted: set[str]
    ) -> dict[str, Annotation]:
        """Annotation key -> annotation, for the wanted keys found in the rows of this
        model of the notes not in `skip`: the earlier versions of changed notes, and
        renamed or deleted ones."""
        found: dict[str, Annotation] = {}
        for note_id, row in self._annotation_rows().items():
            if note_id in skip or row.model != model:
                continue
            keys = marshal.loads(row.keys)
            if not wanted.isdisjoint(keys):
                annotations = unpack_annotations(marshal.loads(row.payload), self._actors)
                found.update(
                    (key, annotation)
                    for key, annotation in zip(keys, annotations, strict=True)
                    if key in wanted
                )
        return found

    def store_note_annotations(
        self,
        note_id: str,
        model: str,
        key: str,
        keys: list[str],
        known: list[KnownItem],
    ) -> None:
        """A note's items' annotation keys, annotations, fingerprints and partnerships."""
        self.connection.execute(
            "INSERT OR REPLACE INTO annotations VALUES (?, ?, ?, ?, ?)",
            (note_id, model, key, marshal.dumps(keys), marshal.dumps(pack_known_items(known))),
        )

    def written(self, path: Path) -> Written | None:
        """What the database at path was last written from, if this cache saw it written."""
        row = self.connection.execute(
            "SELECT payload FROM written WHERE path = ?", (str(Path(path).resolve()),)
        ).fetchone()
        if row is None:
            return None
        try:
            return pickle.loads(row[0])
        except (pickle.UnpicklingError, AttributeError, ImportError, EOFError, TypeError):
            return None  # written by another version of the code: write the database whole

    def store_written(self, path: Path, written: Written) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO written VALUES (?, ?)",
            (str(Path(path).resolve()), pickle.dumps(written)),
        )

    def prune(self) -> None:
        """Delete the entries of notes this build did not read (deleted or renamed notes)."""
        self.connection.execute("CREATE TEMP TABLE IF NOT EXISTS used (value TEXT PRIMARY KEY)")
        self.connection.execute("DELETE FROM used")
        self.connection.executemany(
            "INSERT OR IGNORE INTO used VALUES (?)", ((v,) for v in self.used_notes)
        )
        for table in ("notes", "annotations"):
            self.connection.execute(
                f"DELETE FROM {table} WHERE note_id NOT IN (SELECT value FROM used)"
            )


def _connect(path: Path) -> sqlite3.Connection:
    """A connection with the cache schema; a damaged file is replaced by an empty one, and
    the tables of another layout (`CACHE_FORMAT`) are dropped."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(2):
        connection = sqlite3.connect(path)
        try:
            if connection.execute("PRAGMA user_version").fetchone()[0] != CACHE_FORMAT:
                for table in _TABLES:
                    connection.execute(f"DROP TABLE IF EXISTS {table}")
                connection.execute(f"PRAGMA user_version = {CACHE_FORMAT}")
            connection.executescript(_SCHEMA)
            connection.execute("SELECT count(*) FROM notes").fetchone()
            return connection
        except sqlite3.DatabaseError:
            connection.close()
            if attempt:
                raise
            path.unlink(missing_ok=True)
    raise AssertionError("unreachable")


@contextmanager
def open_cache(path: Path) -> Iterator[BuildCache]:
    """The build cache at path, committed and pruned when the block ends without an error.

    A build that fails or is killed commits nothing: the cache stays as the last
    complete build left it.
    """
    connection = _connect(path)
    try:
        cache = BuildCache(connection, code_version())
        yield cache
        cache.prune()
        connection.commit()
    finally:
        connection.close()
