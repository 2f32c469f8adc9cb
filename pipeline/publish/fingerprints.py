"""Fingerprints of what each note and each cluster puts in the databases.

A note's rows (note_tables.py) depend on the note, its items and their annotations (after
corrections and aliases), its skipped lines and its items' partnerships; a cluster's rows
(recommendation_tables.py) on the cluster's items, their annotations and groups (their
notes' group names), and its dedupe links also on the links. An item's own fingerprint
(item and annotation) is kept by the build cache, so unchanged notes are not hashed again.
Each unit's fingerprint hashes those inputs and the code version (redaction, lemmas and
vocabularies are code and data), so two builds whose fingerprints of a unit are equal
write the same rows for it, and an incremental write rewrites only the units whose
fingerprint changed (a cluster without dedupe links has no rows of them, and an empty
fingerprint of its links). The records are serialised as tuples of their values
(`pipeline/packing.py`) with pickle without its memo (see `_hash`); they hold no sets,
whose order would change from one process to the next.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.packing import (
    pack_annotation,
    pack_error,
    pack_item,
    pack_links,
    pack_note,
    pack_organization,
    pack_partnership,
    pack_skipped,
)
from pipeline.publish.reference_tables import organization_mentions
from pipeline.records import Annotation, Item, KnowledgeBase, KnownItem


@dataclass(frozen=True)
class Fingerprints:
    """Note id → fingerprint and cluster id → fingerprints (its recommendation; its dedupe
    links) of one knowledge base."""

    version: str
    notes: dict[str, str]
    clusters: dict[str, str]
    links: dict[str, str]
    # the reference tables' organisations (with their mentions) and ingest errors
    reference: str
    # Every item's note and every partnership's item is in the knowledge base, so every
    # row has a note or a cluster that owns it.
    complete: bool


@dataclass(frozen=True)
class Written:
    """What a database file was written from, and the file's stat once moved into place
    (size, modification time in ns, inode): a file changed since is not updated in place."""

    fingerprints: Fingerprints
    stat: tuple[int, int, int]


class Hasher:
    """Values -> fingerprints: pickled without the memo, hashed with BLAKE2b.

    No memo: an object met twice is written twice, so the bytes depend on the values
    only, not on which equal strings happen to be one object (they differ between a
    fresh annotation and one read back from the cache). One pickler serves every value
    (a new one per value made hashing 40 % slower).
    """

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.pickler = pickle.Pickler(self.buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self.pickler.fast = True

    def __call__(self, value: object) -> str:
        buffer = self.buffer
        buffer.seek(0)
        buffer.truncate()
        self.pickler.dump(value)
        return hashlib.blake2b(buffer.getbuffer(), digest_size=16).hexdigest()

    def item(self, item: Item, annotation: Annotation | None) -> str:
        """The fingerprint of an item and its annotation (the build cache keeps it)."""
        return self((pack_item(item), None if annotation is None else pack_annotation(annotation)))


def fingerprints(
    knowledge_base: KnowledgeBase,
    version: str,
    known: Mapping[str, KnownItem] | None = None,
) -> Fingerprints:
    """The fingerprints of every note and every cluster of the knowledge base.

    `known` (the build cache's) gives the fingerprints (`Hasher.item`) of items and
    annotations seen before; an annotation a correction or an alias changed is another
    object, and is hashed again.
    """
    kb = knowledge_base
    hash_ = Hasher()
    notes = {note.id: note for note in kb.notes}
    annotation_of = kb.annotations.get
    known_entry = (known or {}).get
    # item id -> (its fingerprint, its note's group), and each note's inputs
    of_item: dict[str, tuple[str, str | None] | None] = {}
    note_of_item: dict[str, str] = {}
    inputs: dict[str, list] = defaultdict(list)
    for item in kb.items:
        item_id, note_id = item.id, item.note_id
        note_of_item[item_id] = note_id
        note = notes.get(note_id)
        if note is None:
            value = None
        else:
            annotation = annotation_of(item_id)
            entry = known_entry(item_id)
            if entry is not None and entry.item is item and entry.annotation is annotation:
                value = (entry.fingerprint, note.group_name)
            else:
                value = (hash_.item(item, annotation), note.group_name)
        of_item[item_id] = value
        inputs[note_id].append(value)
    for line in kb.skipped_lines:
        inputs[line.note_id].append(pack_skipped(line))
    known_organizations = {organization.id for organization in kb.organizations}
    for partnership in kb.partnerships:
        registered = [
            member.organization_id in known_organizations for member in partnership.members
        ]
        inputs[note_of_item.get(partnership.item_id, "")].append(
            (pack_partnership(partnership), registered)
        )
    clusters: dict[str, str] = {}
    links: dict[str, str] = {}
    member = of_item.get
    for cluster in kb.clusters:
        members = list(map(member, cluster.item_ids))
        fingerprint = clusters[cluster.id] = hash_(
            (version, cluster.item_ids, cluster.canonical_item_id, members)
        )
        # The links' rows show their items' (redacted) terms: the cluster's fingerprint
        # stands for its members. A cluster without links has no rows of them.
        links[cluster.id] = hash_((fingerprint, pack_links(cluster.links))) if cluster.links else ""
    return Fingerprints(
        version=version,
        notes={
            note_id: hash_((version, pack_note(note), inputs.get(note_id, [])))
            for note_id, note in notes.items()
        },
        clusters=clusters,
        links=links,
        reference=hash_(
            (
                version,
                [pack_organization(organization) for organization in kb.organizations],
                sorted(organization_mentions(kb.annotations.values()).items()),
                [pack_error(error) for error in kb.ingest_errors],
            )
        ),
        complete=set(inputs) <= set(notes),
    )


def changed(previous: dict[str, str], current: dict[str, str]) -> set[str]:
    """Keys added, changed or gone between two fingerprint maps."""
    return {key for key, _ in previous.items() ^ current.items()}
