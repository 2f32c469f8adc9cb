"""One knowledge base as one database's readers see it: texts redacted or not, lemmas to search."""

from __future__ import annotations

from collections import defaultdict

from pipeline.publish.redact import redact
from pipeline.publish.search import search_lemmas
from pipeline.records import Annotation, ClusterLink, Item, KnowledgeBase

PUBLIC = "public"
INTERNAL = "internal"


class Index:
    """Lookups over one knowledge base, made once for both audiences."""

    def __init__(self, knowledge_base: KnowledgeBase):
        kb = knowledge_base
        self.notes = {note.id: note for note in kb.notes}
        self.items = {item.id: item for item in kb.items}
        self.items_of_note: dict[str, list[Item]] = defaultdict(list)
        for item in kb.items:
            self.items_of_note[item.note_id].append(item)
        self.clusters = {cluster.id: cluster for cluster in kb.clusters}
        self.cluster_of = {
            item_id: cluster.id for cluster in kb.clusters for item_id in cluster.item_ids
        }
        self.known_organizations = {organization.id for organization in kb.organizations}


class Audience:
    """The knowledge base indexed for writing rows, and its free texts as `audience` reads them.

    The public audience reads every free text through `redact`; the internal one reads
    the original texts. Each distinct text is redacted once (the same text recurs in
    items, recommendations, partnerships and actor names).
    """

    def __init__(self, knowledge_base: KnowledgeBase, audience: str, index: Index | None = None):
        self.kb = knowledge_base
        self.name = audience
        self.public = audience == PUBLIC
        self.index = index or Index(knowledge_base)
        self.notes = self.index.notes
        self.items = self.index.items
        self.cluster_of = self.index.cluster_of
        self.known_organizations = self.index.known_organizations
        self._lemmas: dict[str, list[str]] = {}
        self._removed_lemmas: dict[str, set[str]] = {}  # per item: lemmas redaction removed
        self._shown: dict[str, str] = {}

    def items_per_note(self, note_id: str) -> int:
        return len(self.index.items_of_note.get(note_id, ()))

    def text(self, value: str | None) -> str | None:
        """A free-text value as this database shows it."""
        if not (self.public and value):
            return value
        shown = self._shown.get(value)
        if shown is None:
            shown = self._shown[value] = redact(value)
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
            removed: set[str] = set()
            if shown != item.text:
                kept = set(search_lemmas(shown, language).split())
                removed = {lemma for lemma in lemmas if lemma not in kept}
                lemmas = [lemma for lemma in lemmas if lemma in kept]
            self._lemmas[item.id] = lemmas
            self._removed_lemmas[item.id] = removed
        return self._lemmas[item.id]

    def shared_terms(self, link: ClusterLink) -> list[str]:
        """What two linked items share, without the words redaction took out of either."""
        removed: set[str] = set()
        for item_id in (link.item_a, link.item_b):
            if item_id in self.items:
                self.item_lemmas(self.items[item_id])
                removed |= self._removed_lemmas[item_id]
        return [term for term in link.shared if term not in removed]

    def group_of(self, item: Item) -> str:
        """The working group or meeting that raised an item: its note's group, else the note."""
        note = self.notes.get(item.note_id)
        return (note.group_name if note else None) or item.note_id
