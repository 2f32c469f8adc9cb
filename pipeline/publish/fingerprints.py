"""Fingerprints of what each note and each cluster puts in the databases.

A note's rows (note_tables.py) depend on the note, its items and their annotations (after
corrections and aliases), its skipped lines and its items' partnerships; a cluster's rows
(recommendation_tables.py) on the cluster's items, their annotations and groups, and
its dedupe links also on the links.
Each unit's fingerprint hashes those inputs and the code version (redaction, lemmas and
vocabularies are code and data), so two builds whose fingerprints of a unit are equal
write the same rows for it, and an incremental write rewrites only the units whose
fingerprint changed. The records are serialised with pickle without its memo (see `_hash`);
they hold no sets, whose order would change from one process to the next.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections import defaultdict
from dataclasses import dataclass

from pipeline.records import KnowledgeBase


@dataclass(frozen=True)
class Fingerprints:
    """Note id → fingerprint and cluster id → fingerprints (its recommendation; its dedupe
    links) of one knowledge base."""

    version: str
    notes: dict[str, str]
    clusters: dict[str, str]
    links: dict[str, str]
    # Every item's note and every partnership's item is in the knowledge base, so every
    # row has a note or a cluster that owns it.
    complete: bool


@dataclass(frozen=True)
class Written:
    """What a database file was written from, and the file's stat once moved into place
    (size, modification time in ns, inode): a file changed since is not updated in place."""

    fingerprints: Fingerprints
    stat: tuple[int, int, int]


def _hash(value: object) -> str:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    # No memo: an object met twice is written twice, so the bytes depend on the values
    # only, not on which equal strings happen to be one object (they differ between a
    # fresh annotation and one read back from the cache).
    pickler.fast = True
    pickler.dump(value)
    return hashlib.blake2b(buffer.getvalue(), digest_size=16).hexdigest()


def fingerprints(knowledge_base: KnowledgeBase, version: str) -> Fingerprints:
    """The fingerprints of every note and every cluster of the knowledge base."""
    kb = knowledge_base
    notes = {note.id: note for note in kb.notes}
    of_item = {
        item.id: _hash(
            (item, kb.annotations.get(item.id), notes[item.note_id].group_name)
            if item.note_id in notes
            else None
        )
        for item in kb.items
    }
    note_of_item = {item.id: item.note_id for item in kb.items}
    inputs: dict[str, list] = defaultdict(list)
    for item in kb.items:
        inputs[item.note_id].append(of_item[item.id])
    for line in kb.skipped_lines:
        inputs[line.note_id].append(line)
    known = {organization.id for organization in kb.organizations}
    for partnership in kb.partnerships:
        registered = [member.organization_id in known for member in partnership.members]
        inputs[note_of_item.get(partnership.item_id, "")].append((partnership, registered))
    return Fingerprints(
        version=version,
        notes={
            note_id: _hash((version, note, inputs.get(note_id, [])))
            for note_id, note in notes.items()
        },
        clusters={
            cluster.id: _hash(
                (
                    version,
                    cluster.item_ids,
                    cluster.canonical_item_id,
                    [of_item.get(item_id) for item_id in cluster.item_ids],
                )
            )
            for cluster in kb.clusters
        },
        links={
            cluster.id: _hash((version, cluster.links, [of_item.get(i) for i in cluster.item_ids]))
            for cluster in kb.clusters
        },
        complete=set(inputs) <= set(notes),
    )


def changed(previous: dict[str, str], current: dict[str, str]) -> set[str]:
    """Keys added, changed or gone between two fingerprint maps."""
    return {key for key, value in current.items() if previous.get(key) != value} | (
        previous.keys() - current.keys()
    )
