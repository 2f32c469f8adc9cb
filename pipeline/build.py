"""The whole pipeline: notes folder in, public and internal databases out."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.annotate import Annotator
from pipeline.corrections import apply_corrections, load_corrections, training_examples, unmatched
from pipeline.dedupe import cluster_items, load_overrides
from pipeline.ingest import read_notes
from pipeline.organizations import build_registry
from pipeline.partnerships import find_partnerships
from pipeline.progress import Progress, Silent
from pipeline.publish import write_databases
from pipeline.records import AnnotatedItem, IngestError, Item, KnowledgeBase, SkippedLine
from pipeline.segment import segment_document

CORRECTIONS_FILE = "corrections.csv"
OVERRIDES_FILE = "dedupe-overrides.csv"
ALIASES_FILE = "aliases.csv"


@dataclass
class BuildSummary:
    """What one build did, for the command's closing lines."""

    notes: int
    items: int
    recommendations: int
    partnerships: int
    organizations: int
    errors: list[IngestError] = field(default_factory=list)
    skipped_lines: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def internal_path_for(public_path: Path) -> Path:
    """db/rekomendacje.db → db/rekomendacje-internal.db."""
    return public_path.with_name(f"{public_path.stem}-internal{public_path.suffix}")


def assemble(notes_dir: Path, progress: Progress | None = None) -> tuple[KnowledgeBase, list[str]]:
    """Run ingest → segment → annotate → corrections → dedupe → partnerships; nothing is written."""
    progress = progress or Silent()
    notes_dir = Path(notes_dir)
    warnings: list[str] = []

    advance = progress.stage("wczytywanie notatek / reading notes", None)
    ingested = read_notes(notes_dir, progress=lambda path: advance(1))

    items: list[Item] = []
    skipped: list[SkippedLine] = []
    for document in ingested.documents:
        document_items, document_skipped = segment_document(document)
        items.extend(document_items)
        skipped.extend(document_skipped)

    corrections = load_corrections(notes_dir / CORRECTIONS_FILE)
    warnings += [
        f"{notes_dir / CORRECTIONS_FILE}:{c.line}: no item {c.item_id} in the notes; correction not applied"
        for c in unmatched(corrections, items)
    ]
    annotator = Annotator(extra_training=training_examples(corrections, items))
    advance = progress.stage("anotacja / annotating", len(items))
    predicted = annotator.annotate(
        [item.text for item in items], [item.kind_hint for item in items], progress=advance
    )
    annotations = apply_corrections(
        {item.id: annotation for item, annotation in zip(items, predicted, strict=True)},
        corrections,
    )

    groups = {doc.note.id: doc.note.group_name or doc.note.id for doc in ingested.documents}
    annotated = [
        AnnotatedItem(item.id, item.text, annotations[item.id], groups[item.note_id])
        for item in items
    ]
    advance = progress.stage("deduplikacja / deduplicating", len(items))
    clusters = cluster_items(
        annotated, load_overrides(notes_dir / OVERRIDES_FILE), progress=advance
    )

    organizations = build_registry(annotations.values(), notes_dir / ALIASES_FILE)
    knowledge_base = KnowledgeBase(
        notes=[doc.note for doc in ingested.documents],
        items=items,
        annotations=annotations,
        clusters=clusters,
        organizations=organizations,
        partnerships=find_partnerships(items, annotations),
        ingest_errors=ingested.errors,
        skipped_lines=skipped,
    )
    return knowledge_base, warnings


def build(
    notes_dir: Path,
    db_path: Path,
    internal_path: Path | None = None,
    progress: Progress | None = None,
) -> BuildSummary:
    """Build the public database (and the internal one beside it) from a folder of notes."""
    started = time.perf_counter()
    knowledge_base, warnings = assemble(notes_dir, progress)
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    write_databases(knowledge_base, db_path, internal_path or internal_path_for(db_path))
    return BuildSummary(
        notes=len(knowledge_base.notes),
        items=len(knowledge_base.items),
        recommendations=len(knowledge_base.clusters),
        partnerships=len(knowledge_base.partnerships),
        organizations=len(knowledge_base.organizations),
        errors=knowledge_base.ingest_errors,
        skipped_lines=len(knowledge_base.skipped_lines),
        seconds=time.perf_counter() - started,
        warnings=warnings,
    )
