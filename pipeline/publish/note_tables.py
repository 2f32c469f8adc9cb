"""The rows a note owns: the note, its items and their links, partnerships, skipped lines.

`note_tables(audience, note_ids)` gives them for some notes (all when `note_ids` is None),
but for the skipped lines (`skipped_line_rows`, which the writes place themselves),
each table sorted as a full build writes it (items in the order of their rowids, which
`pipeline/publish/rowids.py` derives from the note's date and id and the item's
position, and which both writes set explicitly); `NOTE_DELETES` removes them, for the notes
listed in the temporary table `changed_notes`, before an incremental write inserts the
new ones. `items.recommendation_id` is the one column set by dedupe across notes; an
incremental write updates it in place (`pipeline/publish/update.py`).
"""

from __future__ import annotations

from collections.abc import Collection

from pipeline.publish.audience import Audience
from pipeline.publish.rowids import item_rowid
from pipeline.publish.rows import TableRows, by_id, in_order, keyed, to_json
from pipeline.records import Annotation, Item, Note, Partnership
from pipeline.vocabulary import codes

# Skipped lines have no primary key, so Datasette shows them in rowid order: this one.
SKIPPED_LINES_ORDER = ("note_id", "line", "text", "reason")
ITEM_LINKS = (("item_themes", "theme"), ("item_districts", "district"), ("item_sectors", "sector"))

_NOTE_ITEMS = "SELECT id FROM items WHERE note_id IN (SELECT id FROM changed_notes)"
_NOTE_PARTNERSHIPS = f"SELECT id FROM partnerships WHERE item_id IN ({_NOTE_ITEMS})"
NOTE_DELETES = (
    *(f"DELETE FROM {table} WHERE item_id IN ({_NOTE_ITEMS})" for table, _ in ITEM_LINKS),
    f"DELETE FROM partnership_members WHERE partnership_id IN ({_NOTE_PARTNERSHIPS})",
    f"DELETE FROM partnerships WHERE item_id IN ({_NOTE_ITEMS})",
    "DELETE FROM items WHERE note_id IN (SELECT id FROM changed_notes)",
    "DELETE FROM notes WHERE id IN (SELECT id FROM changed_notes)",
)


def note_tables(audience: Audience, note_ids: Collection[str] | None = None) -> list[TableRows]:
    """The rows of the notes `note_ids` (every note when None), table by table, but for
    their skipped lines."""
    kb = audience.kb
    index = audience.index
    if note_ids is None:
        notes, items, partnerships = kb.notes, kb.items, kb.partnerships
    else:
        notes = [index.notes[note_id] for note_id in note_ids if note_id in index.notes]
        items = [item for note_id in note_ids for item in index.items_of_note.get(note_id, ())]
        of_notes = {item.id for item in items}
        partnerships = [p for p in kb.partnerships if p.item_id in of_notes]
    notes = sorted(notes, key=by_id)
    items = sorted(items, key=lambda item: (_item_rowid(audience, item), item.id))
    partnerships = sorted(partnerships, key=by_id)
    return [
        TableRows("notes", [note_row(audience, note) for note in notes], "id"),
        TableRows("items", (item_row(audience, item) for item in items), "id"),
        *(
            TableRows(table, item_link_rows(audience, items, field), ("item_id", field))
            for table, field in ITEM_LINKS
        ),
        keyed("partnerships", (partnership_row(audience, p) for p in partnerships), "id"),
        TableRows(
            "partnership_members",
            (
                {
                    "partnership_id": p.id,
                    "position": position,
                    "organization_id": member.organization_id
                    if member.organization_id in audience.known_organizations
                    else None,
                    "name": audience.text(member.name),
                    "sector": member.sector,
                    "role": member.role,
                    "generic": member.generic,
                }
                for p in partnerships
                for position, member in enumerate(p.members)
            ),
            ("partnership_id", "position"),
        ),
    ]


def item_link_rows(audience: Audience, items: list[Item], field: str) -> list[dict]:
    """One row per item and theme, district or sector (`field`) it names."""
    return [
        {"item_id": item.id, field: code}
        for item in items
        if (annotation := audience.annotation(item.id))
        for code in dict.fromkeys(getattr(annotation, field + "s"))
    ]


def skipped_line_rows(audience: Audience, note_ids: Collection[str] | None) -> list[dict]:
    """The skipped lines of the notes, in `SKIPPED_LINES_ORDER` of the values shown."""
    rows = [
        {"note_id": s.note_id, "line": s.line, "text": audience.text(s.text), "reason": s.reason}
        for s in audience.kb.skipped_lines
        if note_ids is None or s.note_id in note_ids
    ]
    return sorted(rows, key=lambda row: tuple(row[column] for column in SKIPPED_LINES_ORDER))


def note_row(audience: Audience, note: Note) -> dict:
    return {
        "rowid": item_rowid(note.date, note.id, 0),
        "id": note.id,
        "path": note.path,
        "event": audience.text(note.event),
        "group_name": audience.text(note.group_name),
        "date": note.date,
        "language": note.language,
        "sha256": note.sha256,
        "format": note.format,
        "encoding": note.encoding,
        "district": note.district,
        "items": audience.items_per_note(note.id),
        "facilitator": None if audience.public else note.facilitator,
        "participants": None if audience.public else to_json(list(note.participants)),
    }


def _item_rowid(audience: Audience, item: Item) -> int:
    note = audience.notes.get(item.note_id)
    return item_rowid(note.date if note else None, item.note_id, item.position)


def item_row(audience: Audience, item: Item) -> dict:
    annotation = audience.annotation(item.id) or Annotation(language=None, kind=None, themes=[])
    return {
        "rowid": _item_rowid(audience, item),
        "id": item.id,
        "note_id": item.note_id,
        "position": item.position,
        "text": audience.text(item.text),
        "kind": annotation.kind,
        "language": annotation.language,
        "themes": to_json(annotation.themes),
        "sectors": to_json(annotation.sectors),
        "districts": to_json(annotation.districts),
        "recommendation_id": audience.cluster_of.get(item.id),
        "line": item.line,
        "end_line": item.end_line,
        "heading": audience.text(item.heading),
        "kind_hint": item.kind_hint,
        "partnership_type": annotation.partnership_type,
        "actors": to_json(
            [
                {
                    "name": audience.text(actor.name),
                    "sector": actor.sector,
                    "organization_id": actor.organization_id,
                    "generic": actor.generic,
                }
                for actor in annotation.actors
            ]
        ),
        "lemmas": " ".join(audience.item_lemmas(item)),
        "scores": to_json(annotation.scores),
        "manual": to_json(annotation.manual),
    }


def partnership_row(audience: Audience, p: Partnership) -> dict:
    item = audience.items.get(p.item_id)
    return {
        "id": p.id,
        "item_id": p.item_id if item else None,
        "text": audience.text(item.text) if item else None,
        "partnership_type": p.partnership_type,
        "sectors": to_json(in_order((m.sector for m in p.members), codes("sectors"))),
        "districts": to_json(list(p.districts)),
        "status": p.status,
        "scope": p.scope,
        "cross_sector": len({m.sector for m in p.members}) >= 2,
        "with_refugees": p.with_refugees,
        "members": len(p.members),
    }
