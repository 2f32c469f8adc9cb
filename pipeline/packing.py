"""Records as plain tuples, for the build cache (pipeline/cache.py) and fingerprints.

Hashing: pickle without its memo (`pipeline/publish/fingerprints.py`) writes a
dataclass's class by name again for every object: 58,000 items and annotations hashed
in 1.2 s, their tuples in 0.43 s. Storing: a note's annotations as tuples unpickle and
rebuild as fast as the pickled dataclasses (0.22 s for 58,000 with the collector
paused), hold no reference to a class by its module path, and, being made of strings,
numbers, lists, tuples and dicts only, can be marshalled (which loads them 2.3 times as
fast as pickle); stored by column (`pack_known_items`) they load faster still. A field
added to a record changes the code version, so no tuple is ever read back by another
definition of its record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from operator import attrgetter

from pipeline.records import (
    Actor,
    Annotation,
    ClusterLink,
    IngestError,
    Item,
    KnownItem,
    Note,
    Organization,
    Partnership,
    PartnershipMember,
    SkippedLine,
)


def _getter(record: type) -> attrgetter:
    return attrgetter(*(field.name for field in fields(record)))


_NOTE = _getter(Note)
_ITEM = _getter(Item)
_SKIPPED = _getter(SkippedLine)
_ERROR = _getter(IngestError)
_ACTOR = _getter(Actor)
_PARTNERSHIP = _getter(Partnership)
_MEMBERS = [field.name for field in fields(Partnership)].index("members")
_MEMBER = _getter(PartnershipMember)
_LINK = _getter(ClusterLink)
_ORGANIZATION = _getter(Organization)
_ANNOTATION_FIELDS = tuple(field.name for field in fields(Annotation))
_ACTORS = _ANNOTATION_FIELDS.index("actors")


def pack_segments(
    note: Note, errors: list[IngestError], items: list[Item], skipped: list[SkippedLine]
) -> tuple:
    """A note, its ingest errors, its items and skipped lines as tuples."""
    return (
        _NOTE(note),
        [_ERROR(error) for error in errors],
        [_ITEM(item) for item in items],
        [_SKIPPED(line) for line in skipped],
    )


def unpack_segments(
    packed: tuple,
) -> tuple[Note, list[IngestError], list[Item], list[SkippedLine]]:
    note, errors, items, skipped = packed
    return (
        Note(*note),
        [IngestError(*error) for error in errors],
        [Item(*item) for item in items],
        [SkippedLine(*line) for line in skipped],
    )


def pack_note(note: Note) -> tuple:
    return _NOTE(note)


def pack_item(item: Item) -> tuple:
    return _ITEM(item)


def pack_items(items: list[Item]) -> list[tuple]:
    return [_ITEM(item) for item in items]


def pack_skipped(line: SkippedLine) -> tuple:
    return _SKIPPED(line)


def pack_partnership(partnership: Partnership) -> tuple:
    """A partnership's values, its members as tuples of theirs."""
    values = list(_PARTNERSHIP(partnership))
    values[_MEMBERS] = tuple(_MEMBER(member) for member in partnership.members)
    return tuple(values)


def pack_error(error: IngestError) -> tuple:
    return _ERROR(error)


def pack_organization(organization: Organization) -> tuple:
    return _ORGANIZATION(organization)


def pack_links(links: tuple[ClusterLink, ...]) -> tuple:
    return tuple(_LINK(link) for link in links)


def pack_annotation(annotation: Annotation) -> tuple:
    a = annotation
    return (
        a.language,
        a.kind,
        a.themes,
        [_ACTOR(actor) for actor in a.actors],
        a.sectors,
        a.districts,
        a.partnership_type,
        a.scores,
        a.lemmas,
        a.manual,
    )


class RecordTable(dict):
    """Frozen records by their packed values, each made once and then shared: the
    annotations of 58,000 items name 94,000 actors, 292 of them different."""

    def __init__(self, record: type) -> None:
        super().__init__()
        self.record = record

    def __missing__(self, values: tuple) -> object:
        made = self[values] = self.record(*values)
        return made


def pack_known_items(known: Sequence[KnownItem]) -> tuple:
    """A note's known items (without the items) for the build cache: the annotations
    field by field (a list per field; each annotation's actors as indexes into the note's
    table of different actors), the fingerprints, and the partnerships (their members as
    indexes into the note's table of different members).

    Columns load faster than a tuple per annotation (`Annotation` is called by `map`),
    and the tables let `unpack_known_items` share one object per actor or member."""
    actors: dict[tuple, int] = {}
    members: dict[tuple, int] = {}
    annotations = [entry.annotation for entry in known]
    columns = [[getattr(a, name) for a in annotations] for name in _ANNOTATION_FIELDS]
    columns[_ACTORS] = [
        [actors.setdefault(_ACTOR(actor), len(actors)) for actor in a.actors] for a in annotations
    ]
    partnerships = []
    for entry in known:
        packed = None
        if entry.partnership is not None:
            values = list(_PARTNERSHIP(entry.partnership))
            values[_MEMBERS] = [
                members.setdefault(_MEMBER(member), len(members))
                for member in entry.partnership.members
            ]
            packed = tuple(values)
        partnerships.append(packed)
    fingerprints = [entry.fingerprint for entry in known]
    return list(actors), list(members), columns, fingerprints, partnerships


def unpack_annotations(packed: tuple, actors: RecordTable) -> list[Annotation]:
    """The annotations of `pack_known_items`, their actors shared through `actors`."""
    actor_table, _, columns, _, _ = packed
    note_actors = [actors[values] for values in actor_table]
    columns = list(columns)
    columns[_ACTORS] = [[note_actors[i] for i in indexes] for indexes in columns[_ACTORS]]
    return list(map(Annotation, *columns))


def unpack_known_items(
    items: Sequence[Item], packed: tuple, actors: RecordTable, members: RecordTable
) -> list[KnownItem]:
    """The known items of `pack_known_items` for these items (a note's, in order)."""
    _, member_table, _, fingerprints, partnerships = packed
    if len(fingerprints) != len(items):
        raise ValueError(f"{len(fingerprints)} known items packed for {len(items)} items")
    note_members = [members[values] for values in member_table]
    made: list[Partnership | None] = []
    for values in partnerships:
        if values is not None:
            values = list(values)
            values[_MEMBERS] = tuple(note_members[i] for i in values[_MEMBERS])
            values = Partnership(*values)
        made.append(values)
    return list(map(KnownItem, items, unpack_annotations(packed, actors), fingerprints, made))
