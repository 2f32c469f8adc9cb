"""The whole pipeline: notes folder in, public and internal databases out."""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.annotate import Annotator
from pipeline.cache import BuildCache, default_cache_path, model_version, open_cache
from pipeline.cached_stages import annotate_items, segment_notes
from pipeline.corrections import apply_corrections, load_corrections, training_examples, unmatched
from pipeline.dedupe import DedupeStore, cluster_items, load_overrides
from pipeline.errors import RekomendacjeError
from pipeline.ingest import read_notes
from pipeline.lock import build_lock
from pipeline.memory import collector_frozen, collector_paused
from pipeline.organizations import apply_aliases, build_registry, with_registered
from pipeline.partnerships import find_partnerships
from pipeline.progress import Progress, Silent
from pipeline.publish import write_databases
from pipeline.records import (
    AnnotatedItem,
    IngestError,
    KnowledgeBase,
)
from pipeline.registrations import read_registration_exports, registration_organizations

CORRECTIONS_FILE = "corrections.csv"
OVERRIDES_FILE = "dedupe-overrides.csv"
ALIASES_FILE = "aliases.csv"
REGISTRATIONS_FOLDER = "registrations"


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


def assemble(
    notes_dir: Path, progress: Progress | None = None, cache: BuildCache | None = None
) -> tuple[KnowledgeBase, list[str]]:
    """Run ingest → segment → annotate → corrections → dedupe → partnerships; nothing is written.

    With a cache, unchanged notes are not segmented again and items whose text, heading
    hint and model are unchanged are not annotated again (see pipeline/cache.py).
    """
    progress = progress or Silent()
    notes_dir = Path(notes_dir)
    warnings: list[str] = []

    # Reading and annotating make (or unpickle) a million objects with no reference cycles
    # that live to the end of the build: made with the collector paused, then frozen so
    # that later collections do not walk them (see pipeline/memory.py).
    with collector_frozen():
        with collector_paused(freeze=True):
            advance = progress.stage("wczytywanie notatek / reading notes", None)
            ingested = read_notes(notes_dir, progress=lambda path: advance(1), known=cache)
            items, skipped = segment_notes(ingested, cache)

            corrections = load_corrections(notes_dir / CORRECTIONS_FILE)
            warnings += [
                f"{notes_dir / CORRECTIONS_FILE}:{c.line}: no item {c.item_id} in the notes; "
                "correction not applied"
                for c in unmatched(corrections, items)
            ]
            extra_training = training_examples(corrections, items)
            advance = progress.stage("anotacja / annotating", len(items))
            predicted = annotate_items(
                items,
                lambda: Annotator(extra_training=extra_training),
                cache,
                model_version(cache.code, notes_dir / CORRECTIONS_FILE, extra_training)
                if cache
                else "",
                progress=advance,
            )

        # The analyst's aliases resolve names after annotation, so cached items see new ones.
        annotations = apply_corrections(
            apply_aliases(
                items,
                {item.id: annotation for item, annotation in zip(items, predicted, strict=True)},
                notes_dir / ALIASES_FILE,
            ),
            corrections,
        )

        groups = {note.id: note.group_name or note.id for note in ingested.notes}
        annotated = [
            AnnotatedItem(item.id, item.text, annotations[item.id], groups[item.note_id])
            for item in items
        ]
        advance = progress.stage("deduplikacja / deduplicating", len(items))
        clusters = cluster_items(
            annotated,
            load_overrides(notes_dir / OVERRIDES_FILE),
            progress=advance,
            store=DedupeStore(cache.connection, cache.code) if cache else None,
            known=cache.known_items if cache else None,
        )

        registrations, registration_errors, registration_warnings = read_registration_exports(
            notes_dir / REGISTRATIONS_FOLDER
        )
        warnings += registration_warnings
        organizations = with_registered(
            build_registry(annotations.values(), notes_dir / ALIASES_FILE),
            registration_organizations(registrations),
        )
        knowledge_base = KnowledgeBase(
            notes=ingested.notes,
            items=items,
            annotations=annotations,
            clusters=clusters,
            organizations=organizations,
            partnerships=find_partnerships(
                items, annotations, cache.known_items if cache else None
            ),
            ingest_errors=ingested.errors + registration_errors,
            skipped_lines=skipped,
            registrations=registrations,
        )
    return knowledge_base, warnings


def strict_failure(errors: list[IngestError]) -> RekomendacjeError:
    """The one-line error of a strict build with ingest errors: how many, and the first."""
    first = errors[0]
    where = f"{first.path}:{first.line}" if first.line else first.path
    return RekomendacjeError(
        f"{len(errors)} ingest error(s), first: {where}: {first.reason}; "
        "databases not written (fix the notes, or build without --strict)"
    )


def build(
    notes_dir: Path,
    db_path: Path,
    internal_path: Path | None = None,
    progress: Progress | None = None,
    cache_path: Path | None = None,
    use_cache: bool = True,
    strict: bool = False,
) -> BuildSummary:
    """Build the public database (and the internal one beside it) from a folder of notes.

    The build cache goes to `cache_path` (default: `.cache/` beside the database);
    `use_cache=False` builds everything afresh and leaves the cache alone. With `strict`,
    any ingest error raises RekomendacjeError and the databases are left as they were.
    """
    started = time.perf_counter()
    db_path = Path(db_path)
    with build_lock(db_path):
        cache_context = (
            open_cache(cache_path or default_cache_path(db_path)) if use_cache else nullcontext()
        )
        with cache_context as cache:
            knowledge_base, warnings = assemble(notes_dir, progress, cache)
            failed = strict and bool(knowledge_base.ingest_errors)
            if not failed:
                # The cache records what each database is written from, for the next build.
                internal = internal_path or internal_path_for(db_path)
                write_databases(knowledge_base, db_path, internal, cache)
        if failed:
            raise strict_failure(knowledge_base.ingest_errors)
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
