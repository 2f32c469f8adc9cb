"""The `dedupe` command's record semantics: JSON Lines records in, the same plus "cluster"."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from pipeline.annotate import Annotator
from pipeline.dedupe.deduplicate import cluster_items
from pipeline.records import AnnotatedItem, Annotation

# Fields of a record that, when present (e.g. from `annotate` or an analyst), are kept
# over the annotator's own reading of the text.
GIVEN_FIELDS = ("language", "kind", "themes", "districts")


def _with_given_fields(annotation: Annotation, record: dict) -> Annotation:
    given = {name: record[name] for name in GIVEN_FIELDS if record.get(name)}
    return replace(annotation, **given) if given else annotation


def clusters_of_records(
    records: Sequence[dict], annotations: Sequence[Annotation]
) -> dict[str, str]:
    """Record id → cluster id, clustering records with their annotations.

    Kind, themes, districts and language already in a record are respected; "group"
    (or "group_name") is the group that raised it, for support counts.
    """
    clusters = cluster_items(
        [
            AnnotatedItem(
                record["id"],
                record["text"],
                _with_given_fields(annotation, record),
                record.get("group") or record.get("group_name"),
            )
            for record, annotation in zip(records, annotations, strict=True)
        ]
    )
    return {item_id: cluster.id for cluster in clusters for item_id in cluster.item_ids}


def dedupe_records(records: Iterable[dict], annotator: Annotator | None = None) -> Iterator[dict]:
    """Each record with "cluster" added (the recommendation id it belongs to), same order."""
    records = list(records)
    annotator = annotator or Annotator()
    annotations = annotator.annotate(
        [record["text"] for record in records],
        [record.get("kind_hint") or record.get("heading") for record in records],
    )
    cluster_of = clusters_of_records(records, annotations)
    for record in records:
        yield {**record, "cluster": cluster_of[record["id"]]}
