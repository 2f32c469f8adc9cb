"""The typed records that flow between stages: notes → items → annotations → clusters.

Defined once here and imported everywhere; stages never pass dicts of dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class Note:
    """One facilitator note (one file), with its front matter."""

    id: str  # slug of the path relative to the notes folder, stable across builds
    path: str  # relative to the notes folder, POSIX separators
    sha256: str
    format: str  # md, txt, docx, odt
    encoding: str | None = None  # for text files: utf-8, utf-8-sig, cp1250
    event: str | None = None
    date: str | None = None  # ISO date
    group_name: str | None = None
    facilitator: str | None = None
    participants: tuple[str, ...] = ()
    language: str | None = None
    district: str | None = None


@dataclass(frozen=True)
class NoteDocument:
    """A note read into lines of text; DOCX/ODT paragraphs become Markdown-like lines."""

    note: Note
    lines: tuple[str, ...]  # the body, after the front matter
    first_line: int = 1  # source line (or paragraph) number of lines[0]
    front_matter: tuple[str, ...] = ()  # the front-matter lines with their fences, from line 1


@dataclass(frozen=True)
class Item:
    """One bullet, list line or prose sentence of a note."""

    id: str
    note_id: str
    position: int  # 0-based order in the note
    text: str
    line: int  # 1-based line in the file (paragraph number for DOCX/ODT)
    heading: str | None = None
    kind_hint: str | None = None  # kind code suggested by the heading above the item
    end_line: int | None = None  # last source line of an item spanning several lines


@dataclass(frozen=True)
class IngestError:
    """A note, or part of one, that could not be read."""

    path: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class SkippedLine:
    """A line of an ingested note that became no item, and why (blank, heading, rule …)."""

    note_id: str
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Actor:
    """An organisation, institution or typed group mentioned in an item."""

    name: str  # as written in the item
    sector: str
    organization_id: str | None = None  # registry row, when resolved
    generic: bool = False  # "organizacje pozarządowe", "szkoły", "wolontariusze"


@dataclass
class Annotation:
    """What annotate says of one text."""

    language: str
    kind: str
    themes: list[str]
    actors: list[Actor] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    partnership_type: str | None = None
    scores: dict = field(default_factory=dict)
    lemmas: list[str] = field(default_factory=list)  # content lemmas, for search and dedupe
    manual: list[str] = field(default_factory=list)  # fields set by an analyst's correction


@dataclass(frozen=True)
class AnnotatedItem:
    """An item (or any JSON Lines record with id and text) with its annotation: dedupe's input."""

    id: str
    text: str
    annotation: Annotation
    group: str | None = None  # working group or meeting that raised it, for support counts


@dataclass(frozen=True)
class ClusterLink:
    """One link that joined two items into a cluster, and why."""

    item_a: str
    item_b: str
    similarity: float
    shared: tuple[str, ...]  # shared lemmas or concepts
    method: str


@dataclass(frozen=True)
class Cluster:
    """Items that state the same thing; the canonical item gives the wording."""

    id: str
    item_ids: tuple[str, ...]
    canonical_item_id: str
    links: tuple[ClusterLink, ...] = ()


@dataclass(frozen=True)
class Organization:
    """One row of the organisation registry: a real organisation or a typed generic actor."""

    id: str  # slug of the canonical name (e.g. "urzad-dzielnicy-wola")
    name: str
    sector: str
    short_name: str | None = None
    aliases: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    source: str = "reference"  # reference, registration, notes, alias-file, generic
    generic: bool = False


@dataclass(frozen=True)
class PartnershipMember:
    name: str  # as written in the item
    sector: str
    organization_id: str | None = None
    generic: bool = False
    role: str | None = None  # lead, partner, funder


@dataclass(frozen=True)
class Partnership:
    """An agreed, proposed or running cooperation found in one item."""

    id: str  # "p-" + item id
    item_id: str
    partnership_type: str | None
    members: tuple[PartnershipMember, ...]
    status: str  # proposed, agreed, running
    scope: str  # district, city, national
    districts: tuple[str, ...] = ()
    with_refugees: bool = False  # refugees take part as co-creators


@dataclass(frozen=True)
class Correction:
    """An analyst's fix of one label of one item (notes/corrections.csv)."""

    item_id: str
    field: str  # kind, themes, districts, sectors, language, partnership_type
    value: str  # a code; for list fields codes separated by ";"
    line: int  # line in corrections.csv, for error messages


@dataclass
class KnowledgeBase:
    """Everything one build produced: what publish writes to the databases."""

    notes: list[Note]
    items: list[Item]
    annotations: dict[str, Annotation]  # by item id
    clusters: list[Cluster]
    organizations: list[Organization] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    ingest_errors: list[IngestError] = field(default_factory=list)
    skipped_lines: list[SkippedLine] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)  # internal database only


@dataclass(frozen=True)
class Registration:
    """One participant's answers to the conference registration form (internal data only)."""

    timestamp: str  # ISO, Warsaw local time ("2022-05-20T21:41:03")
    name: str
    email: str
    organization: str | None  # None when the answer names no organisation
    sector: str | None  # taxonomy code; None when neither the answer nor the organisation tells
    district: str | None  # district code; None for city-wide or unknown answers
    choices: tuple[str, ...]  # working-group codes in order of preference ("other" = "inne")
    other_request: str | None  # the subject written beside an "inne" choice
    needs: str
    line: int  # 1-based line of the row in the CSV file


class KnownItem(NamedTuple):
    """An item and its predicted annotation as an earlier build left them (the build cache),
    with what was derived from the two: valid for a knowledge base whose item and
    annotation are these very objects (a corrected annotation is another object)."""

    item: Item
    annotation: Annotation
    fingerprint: str  # pipeline.publish.fingerprints.Hasher.item
    partnership: Partnership | None  # pipeline.partnerships.partnership_of
