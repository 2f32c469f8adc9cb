"""The rows no single note or cluster owns: vocabulary, organisations, ingest errors.

They are small (tens to a few hundred rows) and some depend on the whole knowledge base
(an organisation's mentions), so they are written whole, by an incremental write too
when what they show changed (`Fingerprints.reference`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from pipeline.publish.audience import Audience
from pipeline.publish.rows import TableRows, by_id, to_json
from pipeline.records import Annotation
from pipeline.vocabulary import districts, taxonomy

VOCABULARIES = ("kinds", "themes", "sectors", "languages")
REFERENCE_TABLES = (*VOCABULARIES, "districts", "organizations", "ingest_errors")


def reference_tables(audience: Audience) -> list[TableRows]:
    """The audience marker, the vocabularies, the organisations and the ingest errors."""
    kb = audience.kb
    return [
        TableRows("build_info", [{"key": "audience", "value": audience.name}], "key"),
        *(
            TableRows(
                table,
                (
                    {"code": label.code, "label_pl": label.pl, "label_en": label.en}
                    for label in taxonomy()[table].values()
                ),
                "code",
            )
            for table in VOCABULARIES
        ),
        TableRows(
            "districts",
            (
                {
                    "code": d.code,
                    "label_pl": d.name,
                    "label_en": d.name,
                    "latitude": d.latitude,
                    "longitude": d.longitude,
                    "area_km2": d.area_km2,
                }
                for d in districts().values()
            ),
            "code",
        ),
        TableRows("organizations", organization_rows(audience), "id"),
        TableRows(
            "ingest_errors",
            (
                {"path": error.path, "line": error.line, "reason": audience.text(error.reason)}
                for error in sorted(kb.ingest_errors, key=lambda e: (e.path, e.line or 0, e.reason))
            ),
        ),
    ]


def organization_mentions(annotations: Iterable[Annotation]) -> dict[str, int]:
    """Organisation id -> how many items mention it."""
    mentions: dict[str, int] = defaultdict(int)
    for annotation in annotations:
        if annotation.actors:  # most items name no one: skip the set
            for organization_id in {
                a.organization_id for a in annotation.actors if a.organization_id
            }:
                mentions[organization_id] += 1
    return mentions


def organization_rows(audience: Audience) -> list[dict]:
    """The registry, with how many items mention each organisation."""
    mentions = organization_mentions(audience.kb.annotations.values())
    return [
        {
            "id": o.id,
            "name": audience.text(o.name),
            "sector": o.sector,
            "short_name": audience.text(o.short_name),
            "aliases": to_json([audience.text(alias) for alias in o.aliases]),
            "districts": to_json(list(o.districts)),
            "source": o.source,
            "generic": o.generic,
            "mentions": mentions.get(o.id, 0),
        }
        for o in sorted(audience.kb.organizations, key=by_id)
    ]
