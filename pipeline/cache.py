"""Incremental builds: a note's segmentation and its items' annotations, reused when unchanged.

The cache is one SQLite file (by default `.cache/<db name>.sqlite` beside the database).
Three tables:

- `segments`: per note id, the items and skipped lines of the note, valid while the note's
  path, id and content hash (`Note.sha256`) and the code version are the same;
- `annotations`: per item, its predicted annotation (before analysts' corrections, which
  are applied on every build), keyed by the item's text, its kind hint and the model version;
- `written`: per database file, what it was written from (`pipeline.publish.fingerprints.
  Written`), so that the next build rewrites only the rows of changed notes and clusters.

The code version hashes the package version, its source (an editable install keeps one
version number while the code changes) and every file under `pipeline/data/` (lexicons,
training data, config). The model version adds `corrections.csv` and the examples it
turns into training data, since corrections retrain the classifier. Entries a build does
not use are pruned at its end, so deleted notes leave nothing behind. A damaged or
unreadable cache file is discarded, never a reason for a build to fail.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.progress import Advance
from pipeline.records import Annotation, Item, NoteDocument, SkippedLine
from pipeline.segment import segment_document

if TYPE_CHECKING:
    from pipeline.publish.fingerprints import Written

CACHE_FOLDER = ".cache"
_PACKAGE_ROOT = Path(__file__).resolve().parent
_SCHEMA = """
CREATE TABLE IF NOT EXISTS segments (note_id TEXT PRIMARY KEY, key TEXT, payload BLOB);
CREATE TABLE IF NOT EXISTS annotations (key TEXT PRIMARY KEY, payload BLOB);
CREATE TABLE IF NOT EXISTS written (path TEXT PRIMARY KEY, payload BLOB);
"""
_LOOKUP_BATCH = 500  # keys per SELECT … IN (…), well under SQLite's variable limit


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


class BuildCache:
    """An open cache file; use `open_cache`, which commits, prunes and closes it."""

    def __init__(self, connection: sqlite3.Connection, code: str) -> None:
        self.connection = connection
        self.code = code
        self.used_notes: set[str] = set()
        self.used_annotations: set[str] = set()
        self.hits = {"segments": 0, "annotations": 0}
        self.misses = {"segments": 0, "annotations": 0}

    def _segment_key(self, document: NoteDocument) -> str:
        note = document.note
        parts = (self.code, note.id, note.path, note.sha256)
        return _digest(part.encode() for part in parts)

    def segments(self, document: NoteDocument) -> tuple[list[Item], list[SkippedLine]] | None:
        """The cached items and skipped lines of a note, or None when it is new or changed."""
        note_id = document.note.id
        self.used_notes.add(note_id)
        row = self.connection.execute(
            "SELECT key, payload FROM segments WHERE note_id = ?", (note_id,)
        ).fetchone()
        if row is None or row[0] != self._segment_key(document):
            self.misses["segments"] += 1
            return None
        self.hits["segments"] += 1
        return pickle.loads(row[1])

    def store_segments(
        self, document: NoteDocument, items: list[Item], skipped: list[SkippedLine]
    ) -> None:
        self.connection.execute(
            "INSERT OR REPLACE INTO segments VALUES (?, ?, ?)",
            (document.note.id, self._segment_key(document), pickle.dumps((items, skipped))),
        )

    def annotations(self, keys: Sequence[str]) -> dict[str, Annotation]:
        """The cached annotations among keys."""
        self.used_annotations.update(keys)
        found: dict[str, Annotation] = {}
        distinct = sorted(set(keys))
        for start in range(0, len(distinct), _LOOKUP_BATCH):
            batch = distinct[start : start + _LOOKUP_BATCH]
            marks = ",".join("?" * len(batch))
            for key, payload in self.connection.execute(
                f"SELECT key, payload FROM annotations WHERE key IN ({marks})", batch
            ):
                found[key] = pickle.loads(payload)
        hits = sum(1 for key in keys if key in found)
        self.hits["annotations"] += hits
        self.misses["annotations"] += len(keys) - hits
        return found

    def store_annotations(self, entries: Iterable[tuple[str, Annotation]]) -> None:
        self.connection.executemany(
            "INSERT OR REPLACE INTO annotations VALUES (?, ?)",
            ((key, pickle.dumps(annotation)) for key, annotation in entries),
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
        """Delete the entries this build did not use (deleted notes, changed texts, old models)."""
        self._delete_unused("segments", "note_id", self.used_notes)
        self._delete_unused("annotations", "key", self.used_annotations)

    def _delete_unused(self, table: str, column: str, used: set[str]) -> None:
        self.connection.execute("CREATE TEMP TABLE IF NOT EXISTS used (value TEXT PRIMARY KEY)")
        self.connection.execute("DELETE FROM used")
        self.connection.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((v,) for v in used))
        self.connection.execute(
            f"DELETE FROM {table} WHERE {column} NOT IN (SELECT value FROM used)"
        )


def _connect(path: Path) -> sqlite3.Connection:
    """A connection with the cache schema; a damaged file is replaced by an empty one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(2):
        connection = sqlite3.connect(path)
        try:
            connection.executescript(_SCHEMA)
            connection.execute("SELECT count(*) FROM segments").fetchone()
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


def segment_documents(
    documents: Sequence[NoteDocument], cache: BuildCache | None = None
) -> tuple[list[Item], list[SkippedLine]]:
    """Every document segmented, in order; unchanged notes come from the cache."""
    items: list[Item] = []
    skipped: list[SkippedLine] = []
    for document in documents:
        cached = cache.segments(document) if cache is not None else None
        if cached is None:
            cached = segment_document(document)
            if cache is not None:
                cache.store_segments(document, *cached)
        items.extend(cached[0])
        skipped.extend(cached[1])
    return items, skipped


def annotate_items(
    items: Sequence[Item],
    make_annotator: Callable[[], object],
    cache: BuildCache | None = None,
    model: str = "",
    progress: Advance | None = None,
) -> list[Annotation]:
    """One annotation per item, same order; only items the cache lacks are annotated.

    `make_annotator` is called (it trains the model, which takes seconds) only when some
    item needs annotating.
    """
    keys = [annotation_key(model, item.text, item.kind_hint) for item in items]
    found = cache.annotations(keys) if cache is not None else {}
    missing = [index for index, key in enumerate(keys) if key not in found]
    if progress is not None and len(items) > len(missing):
        progress(len(items) - len(missing))
    if missing:
        annotator = make_annotator()
        predicted = annotator.annotate(  # type: ignore[attr-defined]
            [items[index].text for index in missing],
            [items[index].kind_hint for index in missing],
            progress=progress,
        )
        fresh = {
            keys[index]: annotation for index, annotation in zip(missing, predicted, strict=True)
        }
        if cache is not None:
            cache.store_annotations(fresh.items())
        found.update(fresh)
    return [found[key] for key in keys]
