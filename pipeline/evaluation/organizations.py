"""Scoring organisation resolution against gold (evaluation/organizations-gold.jsonl).

Each gold record is `{"id", "text", "organizations": [{"name", "organization_id"}]}`:
every named organisation mention of the item with the registry row it stands for, or
null when the registry rightly lacks it (then the expected outcome is an unresolved
named actor, which the analyst maps in notes/aliases.csv).
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.nlp.text import fold
from pipeline.records import Actor, Annotation


def is_organization_gold(records: Sequence[dict]) -> bool:
    """Gold of organisation mentions rather than of annotate's labels."""
    return bool(records) and all(
        "organizations" in record and "kind" not in record for record in records
    )


def _overlaps(name: str, actor: Actor) -> bool:
    """The unresolved actor covers the gold name, or the gold name covers it."""
    gold, found = fold(name), fold(actor.name)
    return bool(found) and (gold in found or found in gold)


def _mention_found(mention: dict, actors: Sequence[Actor]) -> bool:
    expected = mention.get("organization_id")
    if expected:
        return any(actor.organization_id == expected for actor in actors)
    return any(
        not actor.generic and actor.organization_id is None and _overlaps(mention["name"], actor)
        for actor in actors
    )


def score_organizations(gold: Sequence[dict], annotations: Sequence[Annotation]) -> dict:
    """Share of gold named mentions resolved right (registry row among the item's actors,
    or an unresolved named actor when gold says null), and the precision of the item's
    predicted registry ids against the gold ids; misses are listed for the report."""
    mentions = resolved = registry_mentions = registry_resolved = 0
    predicted_ids = correct_ids = 0
    misses: list[str] = []
    for record, annotation in zip(gold, annotations, strict=True):
        actors = annotation.actors
        for mention in record["organizations"]:
            mentions += 1
            registry_mentions += bool(mention.get("organization_id"))
            if _mention_found(mention, actors):
                resolved += 1
                registry_resolved += bool(mention.get("organization_id"))
            else:
                misses.append(
                    f"{record['id']}: {mention['name']!r} -> {mention.get('organization_id')}"
                )
        expected_ids = {m["organization_id"] for m in record["organizations"]}
        found_ids = {a.organization_id for a in actors if a.organization_id and not a.generic}
        predicted_ids += len(found_ids)
        correct_ids += len(found_ids & expected_ids)
    return {
        "named_mentions": mentions,
        "resolved": resolved / mentions if mentions else 1.0,
        "registry_mentions": registry_mentions,
        "registry_resolved": registry_resolved / registry_mentions if registry_mentions else 1.0,
        "unresolved_mentions": mentions - registry_mentions,
        "precision": correct_ids / predicted_ids if predicted_ids else 1.0,
        "misses": misses,
    }


def format_organizations(scores: dict) -> str:
    """The organisation figures and the misses, one per line."""
    lines = [
        f"organisation mentions: {scores['named_mentions']} named "
        f"({scores['registry_mentions']} registry rows, "
        f"{scores['unresolved_mentions']} expected unresolved)",
        f"  resolved right          {scores['resolved']:6.3f}",
        f"  registry rows found     {scores['registry_resolved']:6.3f}",
        f"  predicted ids precision {scores['precision']:6.3f}",
    ]
    if scores["misses"]:
        lines += ["  missed:", *(f"    {miss}" for miss in scores["misses"])]
    return "\n".join(lines)
