"""Write a KnowledgeBase to the public or the internal SQLite database.

Each database is built into a temporary file in the target's folder and moved into
place with `os.replace`, so no reader ever sees half a build. Rows are written in a
fixed order and JSON with sorted keys, so the same KnowledgeBase gives identical rows.
The public database passes every free-text column through `redact` and leaves out
facilitators and participants; the internal one keeps the original texts.

The temporary file is private until it is moved into place, so it is written without a
journal or syncs (one `fsync` before the move makes it durable), rows go in with one
`executemany` per table, and indexes and full-text search are built after the inserts.
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils

from pipeline.publish.internal import write_internal_tables
from pipeline.publish.redact import redact
from pipeline.publish.schema import ensure_indexes, ensure_tables
from pipeline.publish.search import search_lemmas
from pipeline.records import Annotation, Cluster, ClusterLink, Item, KnowledgeBase, Note
from pipeline.vocabulary import codes, districts, taxonomy

PUBLIC = "public"
INTERNAL = "internal"
# Page cache of the connection writing a database, in KiB (SQLite's negative cache_size).
WRITE_CACHE_KIB = 262_144


_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def to_json(value: object) -> str:
    """JSON for a list or dict column: UTF-8 as is, keys sorted, so rebuilds are identical."""
    # json.dumps with these arguments builds this same encoder on every call.
    return _JSON.encode(value)


def in_order(values: Iterable[str], order: tuple[str, ...]) -> list[str]:
    """Distinct values, those of `order` first in its order, then any others sorted."""
    distinct = set(values)
    return [code for code in order if code in distinct] + sorted(distinct - set(order))


class _Writer:
    """The rows of one database (public or internal) for one KnowledgeBase."""

    def __init__(self, knowledge_base: KnowledgeBase, audience: str):
        self.kb = knowledge_base
        self.public = audience == PUBLIC
        self.audience = audience
        self.notes = {note.id: note for note in knowledge_base.notes}
        self.items = {item.id: item for item in knowledge_base.items}
        self.cluster_of = {
            item_id: cluster.id
            for cluster in knowledge_base.clusters
            for item_id in cluster.item_ids
        }
        self.items_per_note = Counter(item.note_id for item in knowledge_base.items)
        self._lemmas: dict[str, list[str]] = {}
        self._redacted_lemmas: set[str] = set()  # lemmas of words redaction removed
        # The same text recurs in items, recommendations, partnerships and actor names.
        self._redacted: dict[str, str] = {}

    def text(self, value: str | None) -> str | None:
        """A free-text value as this database shows it."""
        if not (self.public and value):
            return value
        shown = self._redacted.get(value)
        if shown is None:
            shown = self._redacted[value] = redact(value)
        return shown

    def annotation(self, item_id: str) -> Annotation | None:
        return self.kb.annotations.get(item_id)

    def item_lemmas(self, item: Item) -> list[str]:
        """The item's search lemmas; in the public db only those its redacted text still has."""
        if item.id not in self._lemmas:
            annotation = self.annotation(item.id)
            language = annotation.language if annotation else None
            lemmas = list(annotation.lemmas) if annotation and annotation.lemmas else []
            if not lemmas:
                lemmas = search_lemmas(item.text, language).split()
            shown = self.text(item.text) or ""
            if shown != item.text:
                kept = set(search_lemmas(shown, language).split())
                self._redacted_lemmas.update(lemma for lemma in lemmas if lemma not in kept)
                lemmas = [lemma for lemma in lemmas if lemma in kept]
            self._lemmas[item.id] = lemmas
        return self._lemmas[item.id]

    def shared_terms(self, link: ClusterLink) -> list[str]:
        """What two linked items share, without the words redaction took out of either."""
        for item_id in (link.item_a, link.item_b):
            if item_id in self.items:
                self.item_lemmas(self.items[item_id])
        return [term for term in link.shared if term not in self._redacted_lemmas]

    def write(self, db: sqlite_utils.Database) -> None:
        ensure_tables(db)
        with db.conn:
            self.write_rows(db)
        ensure_indexes(db)
        if not self.public:
            write_internal_tables(db, self.kb)

    def write_rows(self, db: sqlite_utils.Database) -> None:
        upsert_rows(db, "build_info", [{"key": "audience", "value": self.audience}], "key")
        self.write_vocabulary(db)
        upsert_rows(db, "notes", map(self.note_row, sorted(self.notes.values(), key=_id)), "id")
        upsert_rows(
            db,
            "recommendations",
            map(self.recommendation_row, sorted(self.kb.clusters, key=_id)),
            "id",
        )
        items = sorted(self.kb.items, key=lambda item: (item.note_id, item.position, item.id))
        upsert_rows(db, "items", map(self.item_row, items), "id")
        self.write_links(db, items)
        self.write_organizations(db)
        self.write_partnerships(db)
        upsert_rows(
            db,
            "ingest_errors",
            (
                {"path": error.path, "line": error.line, "reason": self.text(error.reason)}
                for error in sorted(
                    self.kb.ingest_errors, key=lambda e: (e.path, e.line or 0, e.reason)
                )
            ),
        )
        upsert_rows(
            db,
            "skipped_lines",
            (
                {
                    "note_id": s.note_id,
                    "line": s.line,
                    "text": self.text(s.text),
                    "reason": s.reason,
                }
                for s in sorted(self.kb.skipped_lines, key=lambda s: (s.note_id, s.line, s.text))
            ),
        )

    def write_vocabulary(self, db: sqlite_utils.Database) -> None:
        for table in ("kinds", "themes", "sectors", "languages"):
            upsert_rows(
                db,
                table,
                (
                    {"code": label.code, "label_pl": label.pl, "label_en": label.en}
                    for label in taxonomy()[table].values()
                ),
                "code",
            )
        upsert_rows(
            db,
            "districts",
            (
                {
                    "code": d.code,
                    "label_pl": d.name,
                    "label_en": d.name,
                    "latitude": d.latitude,
                    "longitude": d.longitude,
                    "area_km2": d.area_km2,
                }
                for d in districts().values()
            ),
            "code",
        )

    def note_row(self, note: Note) -> dict:
        return {
            "id": note.id,
            "path": note.path,
            "event": self.text(note.event),
            "group_name": self.text(note.group_name),
            "date": note.date,
            "language": note.language,
            "sha256": note.sha256,
            "format": note.format,
            "encoding": note.encoding,
            "district": note.district,
            "items": self.items_per_note[note.id],
            "facilitator": None if self.public else note.facilitator,
            "participants": None if self.public else to_json(list(note.participants)),
        }

    def item_row(self, item: Item) -> dict:
        annotation = self.annotation(item.id) or Annotation(language=None, kind=None, themes=[])
        return {
            "id": item.id,
            "note_id": item.note_id,
            "position": item.position,
            "text": self.text(item.text),
            "kind": annotation.kind,
            "language": annotation.language,
            "themes": to_json(annotation.themes),
            "sectors": to_json(annotation.sectors),
            "districts": to_json(annotation.districts),
            "recommendation_id": self.cluster_of.get(item.id),
            "line": item.line,
            "end_line": item.end_line,
            "heading": self.text(item.heading),
            "kind_hint": item.kind_hint,
            "partnership_type": annotation.partnership_type,
            "actors": to_json(
                [
                    {
                        "name": self.text(actor.name),
                        "sector": actor.sector,
                        "organization_id": actor.organization_id,
                        "generic": actor.generic,
                    }
                    for actor in annotation.actors
                ]
            ),
            "lemmas": " ".join(self.item_lemmas(item)),
            "scores": to_json(annotation.scores),
            "manual": to_json(annotation.manual),
        }

    def group_of(self, item: Item) -> str:
        """The working group or meeting that raised an item: its note's group, else the note."""
        note = self.notes.get(item.note_id)
        return (note.group_name if note else None) or item.note_id

    def recommendation_row(self, cluster: Cluster) -> dict:
        members = [self.items[i] for i in cluster.item_ids if i in self.items]
        annotations = [a for a in map(self.annotation, cluster.item_ids) if a is not None]
        canonical = self.items.get(cluster.canonical_item_id)
        canonical_annotation = self.annotation(cluster.canonical_item_id)
        lemmas = dict.fromkeys(lemma for item in members for lemma in self.item_lemmas(item))
        return {
            "id": cluster.id,
            "text": self.text(canonical.text) if canonical else None,
            "kind": canonical_annotation.kind if canonical_annotation else None,
            "themes": to_json(
                in_order((t for a in annotations for t in a.themes), codes("themes"))
            ),
            "districts": to_json(sorted({d for a in annotations for d in a.districts})),
            "sectors": to_json(
                in_order((s for a in annotations for s in a.sectors), codes("sectors"))
            ),
            "languages": to_json(sorted({a.language for a in annotations if a.language})),
            "mentions": len(members),
            "groups": len({self.group_of(item) for item in members}),
            "meetings": len({item.note_id for item in members}),
            "canonical_item_id": cluster.canonical_item_id if canonical else None,
            "lemmas": " ".join(lemmas),
        }

    def write_links(self, db: sqlite_utils.Database, items: list[Item]) -> None:
        for table, field in (
            ("item_themes", "theme"),
            ("item_districts", "district"),
            ("item_sectors", "sector"),
        ):
            upsert_rows(
                db,
                table,
                (
                    {"item_id": item.id, field: code}
                    for item in items
                    if (a := self.annotation(item.id))
                    for code in dict.fromkeys(getattr(a, field + "s"))
                ),
                ("item_id", field),
            )
        by_cluster: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for cluster in self.kb.clusters:
            for a in filter(None, map(self.annotation, cluster.item_ids)):
                for field in ("theme", "district", "sector"):
                    by_cluster[cluster.id][field].update(getattr(a, field + "s"))
        for field in ("theme", "district", "sector"):
            upsert_rows(
                db,
                f"recommendation_{field}s",
                (
                    {"recommendation_id": cluster_id, field: code}
                    for cluster_id in sorted(by_cluster)
                    for code in sorted(by_cluster[cluster_id][field])
                ),
                ("recommendation_id", field),
            )
        upsert_rows(
            db,
            "dedupe_links",
            (
                {
                    "recommendation_id": cluster.id,
                    "item_a": link.item_a,
                    "item_b": link.item_b,
                    "similarity": link.similarity,
                    "shared": to_json(self.shared_terms(link)),
                    "method": link.method,
                }
                for cluster in sorted(self.kb.clusters, key=_id)
                for link in cluster.links
            ),
            ("recommendation_id", "item_a", "item_b"),
        )

    def write_organizations(self, db: sqlite_utils.Database) -> None:
        mentions: dict[str, int] = defaultdict(int)
        for annotation in self.kb.annotations.values():
            for organization_id in {
                a.organization_id for a in annotation.actors if a.organization_id
            }:
                mentions[organization_id] += 1
        upsert_rows(
            db,
            "organizations",
            (
                {
                    "id": o.id,
                    "name": self.text(o.name),
                    "sector": o.sector,
                    "short_name": self.text(o.short_name),
                    "aliases": to_json([self.text(alias) for alias in o.aliases]),
                    "districts": to_json(list(o.districts)),
                    "source": o.source,
                    "generic": o.generic,
                    "mentions": mentions[o.id],
                }
                for o in sorted(self.kb.organizations, key=_id)
            ),
            "id",
        )

    def write_partnerships(self, db: sqlite_utils.Database) -> None:
        known = {organization.id for organization in self.kb.organizations}
        partnerships = sorted(self.kb.partnerships, key=_id)
        upsert_rows(
            db,
            "partnerships",
            (
                {
                    "id": p.id,
                    "item_id": p.item_id if p.item_id in self.items else None,
                    "text": self.text(self.items[p.item_id].text)
                    if p.item_id in self.items
                    else None,
                    "partnership_type": p.partnership_type,
                    "sectors": to_json(in_order((m.sector for m in p.members), codes("sectors"))),
                    "districts": to_json(list(p.districts)),
                    "status": p.status,
                    "scope": p.scope,
                    "cross_sector": len({m.sector for m in p.members}) >= 2,
                    "with_refugees": p.with_refugees,
                    "members": len(p.members),
                }
                for p in partnerships
            ),
            "id",
        )
        upsert_rows(
            db,
            "partnership_members",
            (
                {
                    "partnership_id": p.id,
                    "position": position,
                    "organization_id": m.organization_id if m.organization_id in known else None,
                    "name": self.text(m.name),
                    "sector": m.sector,
                    "role": m.role,
                    "generic": m.generic,
                }
                for p in partnerships
                for position, m in enumerate(p.members)
            ),
            ("partnership_id", "position"),
        )


def _id(record) -> str:
    return record.id


def upsert_rows(
    db: sqlite_utils.Database,
    table: str,
    rows: Iterable[dict],
    key: str | tuple[str, ...] | None = None,
) -> None:
    """Insert rows (dicts with the same keys, in the table's column names) in one
    `executemany`. With a key, a row whose key was already written updates that row, as
    sqlite-utils' `upsert` does (it keeps the first row's rowid)."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    columns = list(first)
    sql = (
        f"INSERT INTO [{table}] ({', '.join(f'[{column}]' for column in columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    if key is not None:
        keys = (key,) if isinstance(key, str) else key
        updates = [column for column in columns if column not in keys]
        sql += f" ON CONFLICT ({', '.join(f'[{column}]' for column in keys)}) " + (
            "DO UPDATE SET " + ", ".join(f"[{column}] = excluded.[{column}]" for column in updates)
            if updates
            else "DO NOTHING"
        )
    db.conn.executemany(
        sql, (tuple(row[column] for column in columns) for row in itertools.chain([first], rows))
    )


def write_database(knowledge_base: KnowledgeBase, path: Path, audience: str = PUBLIC) -> None:
    """Build one database ('public' or 'internal') in a temporary file, then move it to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".build-{path.stem}-", suffix=".db", dir=path.parent
    )
    os.close(handle)
    # The knowledge base is millions of objects: the collector would scan them again and
    # again while rows are built, and writing makes no reference cycles to collect.
    collecting = gc.isenabled()
    gc.disable()
    try:
        db = sqlite_utils.Database(temporary)
        # Nobody reads the temporary file and a failed build deletes it: no journal, no syncs.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
        _Writer(knowledge_base, audience).write(db)
        db.conn.commit()
        db.close()
        # Durable before it replaces the previous database.
        descriptor = os.open(temporary, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        # mkstemp makes the file private; the database is meant to be read by the web server.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    finally:
        if collecting:
            gc.enable()
