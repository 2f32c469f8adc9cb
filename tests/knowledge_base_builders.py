"""Builders for the small hand-made knowledge bases that tests write into databases.

Each test module keeps its own notes and items, the texts and labels its assertions
name; these functions turn them into records one way, so that a change to a record
type is made here once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from pipeline.publish import write_databases
from pipeline.records import (
    Actor,
    Annotation,
    Cluster,
    Item,
    KnowledgeBase,
    Note,
    Partnership,
    PartnershipMember,
)

CONFERENCE = "Konferencja 27.05.2022"
CONFERENCE_DATE = "2022-05-27"

# item id: (note id, text, annotation), in the order of the items in their notes
Entries = Mapping[str, tuple[str, str, Annotation]]


def make_note(
    note_id: str,
    group_name: str | None,
    *,
    path: str | None = None,
    date: str = CONFERENCE_DATE,
    language: str = "pl",
    **fields,
) -> Note:
    """A Markdown note of a group or meeting, by default at `<date>/<note id>.md`.

    Its checksum is the digest of its path; any other `Note` field is a keyword.
    """
    path = path or f"{date}/{note_id}.md"
    return Note(
        id=note_id,
        path=path,
        sha256=hashlib.sha256(path.encode()).hexdigest(),
        format="md",
        date=date,
        group_name=group_name,
        language=language,
        **fields,
    )


def annotated(
    kind: str,
    themes: list[str],
    districts: Iterable[str] = (),
    actors: Iterable[Actor] = (),
    *,
    language: str = "pl",
    scores: dict | None = None,
) -> Annotation:
    """An annotation whose sectors are those of its actors.

    A partnership of two or more actors has the type its sectors make ("local_government+ngo");
    the scores are a confident kind unless given.
    """
    actors = list(actors)
    sectors = sorted({actor.sector for actor in actors})
    return Annotation(
        language=language,
        kind=kind,
        themes=list(themes),
        actors=actors,
        sectors=sectors,
        districts=list(districts),
        partnership_type="+".join(sectors) if kind == "partnership" and len(actors) > 1 else None,
        scores={"kind": 0.9} if scores is None else scores,
    )


def make_partnership(
    item_id: str, annotation: Annotation, *, lead: bool = False, with_refugees: bool = False
) -> Partnership:
    """The agreed partnership an item records.

    Its members are the item's actors, the first one the lead if `lead`; its scope is
    the item's districts, or the city when the item names none.
    """
    return Partnership(
        id=f"p-{item_id}",
        item_id=item_id,
        partnership_type=annotation.partnership_type,
        members=tuple(
            PartnershipMember(
                actor.name,
                actor.sector,
                actor.organization_id,
                role="lead" if lead and position == 0 else None,
            )
            for position, actor in enumerate(annotation.actors)
        ),
        status="agreed",
        scope="district" if annotation.districts else "city",
        districts=tuple(annotation.districts),
        with_refugees=with_refugees,
    )


def make_items(entries: Entries, *, first_line: int = 1, **fields) -> list[Item]:
    """The items of the entries, in order: item n at position n, on line `first_line + n`.

    Any other `Item` field (heading, kind hint) is a keyword, the same for every item.
    """
    return [
        Item(
            id=item_id,
            note_id=note_id,
            position=position,
            text=text,
            line=first_line + position,
            **fields,
        )
        for position, (item_id, (note_id, text, _)) in enumerate(entries.items())
    ]


def make_knowledge_base(
    notes: list[Note],
    entries: Entries,
    clusters: Iterable[Cluster] = (),
    *,
    items: list[Item] | None = None,
    **parts,
) -> KnowledgeBase:
    """A knowledge base of these notes and entries.

    The clusters given come first; every item none of them holds follows in a cluster
    of its own, `r-<item id>`. The items are `make_items(entries)` unless given; the other
    parts (organisations, partnerships, ingest errors, skipped lines) are keywords.
    """
    clusters = list(clusters)
    clustered = {item_id for cluster in clusters for item_id in cluster.item_ids}
    clusters += [
        Cluster(f"r-{item_id}", (item_id,), item_id)
        for item_id in entries
        if item_id not in clustered
    ]
    return KnowledgeBase(
        notes=notes,
        items=make_items(entries) if items is None else items,
        annotations={item_id: annotation for item_id, (_, _, annotation) in entries.items()},
        clusters=clusters,
        **parts,
    )


def write_public_and_internal(knowledge_base: KnowledgeBase, folder: Path) -> tuple[Path, Path]:
    """Write both databases into the folder under their usual names; their paths."""
    public, internal = folder / "rekomendacje.db", folder / "rekomendacje-internal.db"
    write_databases(knowledge_base, public, internal)
    return public, internal
