"""The stages the build cache short-cuts: segmenting notes and annotating their items.

See pipeline/cache.py for what is kept and for how long.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

from pipeline.cache import BuildCache, annotation_key
from pipeline.ingest import IngestResult
from pipeline.memory import collector_paused
from pipeline.partnerships import partnership_of
from pipeline.progress import Advance
from pipeline.publish.fingerprints import Hasher
from pipeline.records import Annotation, IngestError, Item, KnownItem, SkippedLine
from pipeline.segment import segment_document


def segment_notes(
    ingested: IngestResult, cache: BuildCache | None = None
) -> tuple[list[Item], list[SkippedLine]]:
    """Every note segmented, in order; unchanged notes come from the cache."""
    documents = {document.note.id: document for document in ingested.documents}
    errors: dict[str, list[IngestError]] = {}
    for error in ingested.errors:
        errors.setdefault(error.path, []).append(error)
    items: list[Item] = []
    skipped: list[SkippedLine] = []
    for note in ingested.notes:
        document = documents.get(note.id)
        if document is None:
            assert cache is not None, "a note not read comes from the cache"
            segments = cache.unread_segments(note.id)
        else:
            segments = cache.segments(document) if cache is not None else None
            if segments is None:
                segments = segment_document(document)
            if cache is not None:  # a note read again gets its new stat
                cache.store_segments(
                    document, ingested.stats.get(note.id), errors.get(note.path, []), *segments
                )
        items.extend(segments[0])
        skipped.extend(segments[1])
    return items, skipped


def annotate_items(
    items: Sequence[Item],
    make_annotator: Callable[[], object],
    cache: BuildCache | None = None,
    model: str = "",
    progress: Advance | None = None,
) -> list[Annotation]:
    """One annotation per item, same order; only items the cache lacks are annotated.

    The cache holds a row per note: the annotations of a note whose items are unchanged
    are read in one piece; the items of a changed (or renamed) note are looked up one by
    one in the note's (or the old note's) earlier row. `make_annotator` is called (it
    trains the model, which takes seconds) only when some item needs annotating.
    """
    by_note: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        by_note.setdefault(item.note_id, []).append(index)
    found: list[Annotation | None] = [None] * len(items)
    changed: dict[str, str] = {}  # note id -> key of its items
    keys: dict[int, str] = {}  # item index -> annotation key, for the items of changed notes
    with collector_paused():
        for note_id, indices in by_note.items():
            note_items = [items[index] for index in indices]
            key = cache.items_key(model, note_id, note_items) if cache else ""
            if cache is None or (known := cache.note_annotations(note_id, note_items, key)) is None:
                changed[note_id] = key
                continue
            for index, entry in zip(indices, known, strict=True):
                found[index] = entry.annotation
                cache.known_items[entry.item.id] = entry
        if cache is not None and changed:
            for note_id in changed:
                for index in by_note[note_id]:
                    item = items[index]
                    keys[index] = annotation_key(model, item.text, item.kind_hint)
            earlier = cache.earlier_annotations(
                model, by_note.keys() - changed.keys(), set(keys.values())
            )
            for index, key in keys.items():
                found[index] = earlier.get(key)
    missing = [index for index, annotation in enumerate(found) if annotation is None]
    if cache is not None:
        cache.hits["annotations"] += len(items) - len(missing)
        cache.misses["annotations"] += len(missing)
    if progress is not None and len(items) > len(missing):
        progress(len(items) - len(missing))
    if missing:
        annotator = make_annotator()
        predicted = annotator.annotate(  # type: ignore[attr-defined]
            [items[index].text for index in missing],
            [items[index].kind_hint for index in missing],
            progress=progress,
        )
        for index, annotation in zip(missing, predicted, strict=True):
            found[index] = annotation
    annotations = cast(list[Annotation], found)
    if cache is not None:
        hash_ = Hasher()
        for note_id, key in changed.items():
            entries = []
            for index in by_note[note_id]:
                item, annotation = items[index], annotations[index]
                entry = KnownItem(
                    item,
                    annotation,
                    hash_.item(item, annotation),
                    partnership_of(item, annotation),
                )
                cache.known_items[item.id] = entry
                entries.append(entry)
            keys_of_note = [keys[index] for index in by_note[note_id]]
            cache.store_note_annotations(note_id, model, key, keys_of_note, entries)
    return annotations
