"""An analyst's must-link / cannot-link pairs (notes/dedupe-overrides.csv), applied each build."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import RekomendacjeError

COLUMNS = ("item_a", "item_b", "relation", "comment")
RELATIONS = ("must_link", "cannot_link")


@dataclass(frozen=True)
class Overrides:
    """Pairs of item ids an analyst joined (must_link) or separated (cannot_link).

    Each pair is stored with its ids sorted, so (a, b) and (b, a) are the same pair.
    """

    must_link: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    cannot_link: frozenset[tuple[str, str]] = field(default_factory=frozenset)


def pair(item_a: str, item_b: str) -> tuple[str, str]:
    """The pair with its ids in sorted order."""
    return (item_a, item_b) if item_a <= item_b else (item_b, item_a)


def load_overrides(path: Path) -> Overrides:
    """Read item_a,item_b,relation,comment rows; a missing file means no overrides.

    Raises RekomendacjeError with the file and line for a missing column, an empty id,
    a pair of an item with itself, an unknown relation, or a pair listed both ways.
    """
    if not path.exists():
        return Overrides()
    must: dict[tuple[str, str], int] = {}
    cannot: dict[tuple[str, str], int] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS[:3] if column not in (reader.fieldnames or [])]
        if missing:
            raise RekomendacjeError(
                f"missing column(s) {', '.join(missing)}; the header must be {','.join(COLUMNS)}",
                str(path),
                1,
            )
        for row in reader:
            line = reader.line_num
            item_a = (row.get("item_a") or "").strip()
            item_b = (row.get("item_b") or "").strip()
            relation = (row.get("relation") or "").strip()
            if not item_a or not item_b:
                raise RekomendacjeError("item_a and item_b must both be item ids", str(path), line)
            if item_a == item_b:
                raise RekomendacjeError(f"'{item_a}' is paired with itself", str(path), line)
            if relation not in RELATIONS:
                raise RekomendacjeError(
                    f"relation '{relation}' is not one of {', '.join(RELATIONS)}", str(path), line
                )
            key = pair(item_a, item_b)
            (must if relation == "must_link" else cannot)[key] = line
            if key in must and key in cannot:
                raise RekomendacjeError(
                    f"{key[0]} and {key[1]} are both must_link (line {must[key]}) and "
                    f"cannot_link (line {cannot[key]}); keep one",
                    str(path),
                    line,
                )
    return Overrides(frozenset(must), frozenset(cannot))
