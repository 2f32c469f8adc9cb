"""Analysts' label fixes (notes/corrections.csv), applied over the model on every build."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.errors import RekomendacjeError
from pipeline.records import Annotation, Correction, Item
from pipeline.vocabulary import codes, districts

# field → the codes it accepts, and whether it holds a list
FIELDS: dict[str, tuple[str, bool]] = {
    "kind": ("kinds", False),
    "language": ("languages", False),
    "themes": ("themes", True),
    "sectors": ("sectors", True),
    "districts": ("districts", True),
}
HEADER = ("item_id", "field", "value")


def _allowed(group: str) -> tuple[str, ...]:
    return tuple(districts()) if group == "districts" else codes(group)


def load_corrections(path: Path) -> list[Correction]:
    """Read and validate corrections.csv (item_id, field, value[, comment]); missing file → none."""
    if not path.exists():
        return []
    corrections = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not set(HEADER) <= set(reader.fieldnames):
            raise RekomendacjeError(f"the header must start with {','.join(HEADER)}", str(path), 1)
        for row in reader:
            line = reader.line_num
            item_id = (row["item_id"] or "").strip()
            field = (row["field"] or "").strip()
            value = (row["value"] or "").strip()
            if not item_id:
                continue
            if field not in FIELDS:
                raise RekomendacjeError(
                    f"unknown field {field!r}; use one of {', '.join(FIELDS)}", str(path), line
                )
            group, is_list = FIELDS[field]
            values = [v.strip() for v in value.split(";") if v.strip()] if is_list else [value]
            unknown = [v for v in values if v not in _allowed(group)]
            if unknown or not values:
                raise RekomendacjeError(
                    f"{field} takes codes of {', '.join(_allowed(group))}; got {value!r}",
                    str(path),
                    line,
                )
            corrections.append(Correction(item_id, field, ";".join(values), line))
    return corrections


def _value(correction: Correction) -> str | list[str]:
    is_list = FIELDS[correction.field][1]
    return correction.value.split(";") if is_list else correction.value


def apply_corrections(
    annotations: Mapping[str, Annotation], corrections: Iterable[Correction]
) -> dict[str, Annotation]:
    """Return the annotations with corrected fields set and listed in `manual`."""
    corrected = dict(annotations)
    for correction in corrections:
        annotation = corrected.get(correction.item_id)
        if annotation is None:
            continue
        manual = sorted(set(annotation.manual) | {correction.field})
        corrected[correction.item_id] = replace(
            annotation, **{correction.field: _value(correction)}, manual=manual
        )
    return corrected


def unmatched(corrections: Iterable[Correction], items: Sequence[Item]) -> list[Correction]:
    """Corrections naming an item id that the notes no longer have."""
    known = {item.id for item in items}
    return [c for c in corrections if c.item_id not in known]


def training_examples(
    corrections: Iterable[Correction], items: Sequence[Item]
) -> list[tuple[str, dict]]:
    """Corrected kinds and themes as (text, labels) pairs, so the classifier learns from them."""
    texts = {item.id: item.text for item in items}
    labels: dict[str, dict] = {}
    for correction in corrections:
        if correction.field in ("kind", "themes") and correction.item_id in texts:
            labels.setdefault(correction.item_id, {})[correction.field] = _value(correction)
    return [(texts[item_id], fields) for item_id, fields in sorted(labels.items())]
