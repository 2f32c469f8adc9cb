"""Partnerships as first-class records: who cooperates with whom, where, and in what status."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache

from pipeline.nlp.text import fold
from pipeline.records import (
    Actor,
    Annotation,
    Item,
    KnownItem,
    Partnership,
    PartnershipMember,
)
from pipeline.vocabulary import data_yaml

ROLE_WINDOW = 40  # characters after an actor's name in which a role cue counts for it
CLAUSE_END = re.compile(r"[,;+]| i | oraz | and | та | і ")
COOPERATION_KINDS = ("partnership", "good_practice", "task")


@cache
def cues() -> dict:
    """Status, role and co-creation cues from pipeline/data/partnerships.yaml."""
    return data_yaml("partnerships.yaml")


@cache
def _cue_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    """One pattern for a list of cues, each at the start of a word (None for no cues)."""
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + ")")


def _has_any(text: str, words: Sequence[str]) -> bool:
    """True when any cue starts a word of the text (cues are word beginnings)."""
    pattern = _cue_pattern(tuple(words))
    return pattern is not None and pattern.search(text) is not None


def partnership_type(actors: Sequence[Actor]) -> str | None:
    """Sorted distinct sectors joined by "+" (None for fewer than two actors)."""
    if len(actors) < 2:
        return None
    return "+".join(sorted({actor.sector for actor in actors}))


def detect_status(text: str, kind: str) -> str:
    """proposed, agreed or running: a good practice is running; otherwise the strongest cue wins."""
    return _status(fold(text), kind)


def _status(folded: str, kind: str) -> str:
    status_cues = cues()["status"]
    if kind == "good_practice" or _has_any(folded, status_cues["running"]):
        return "running"
    if _has_any(folded, status_cues["agreed"]) or kind == "task":
        return "agreed"
    return "proposed"


def detect_role(text: str, actor: Actor) -> str | None:
    """lead or funder when a cue follows the actor's name closely; partner otherwise."""
    return _role(fold(text), actor)


def _role(folded: str, actor: Actor) -> str:
    start = folded.find(fold(actor.name))
    if start < 0:
        return "partner"
    end = start + len(actor.name)
    # The window closes at the next list separator so a cue belongs to one actor only.
    window = CLAUSE_END.split(folded[end : end + ROLE_WINDOW], maxsplit=1)[0]
    for role in ("funder", "lead"):
        if _has_any(window, cues()["roles"][role]):
            return role
    return "partner"


def detect_scope(annotation: Annotation) -> str:
    """national when central government takes part, district when districts are named, else city."""
    if "central_government" in annotation.sectors:
        return "national"
    return "district" if annotation.districts else "city"


def with_refugees(text: str, annotation: Annotation) -> bool:
    """Refugees take part as co-creators: a refugee-led member or wording saying so."""
    return _with_refugees(fold(text), annotation)


def _with_refugees(folded: str, annotation: Annotation) -> bool:
    return "refugee_led" in annotation.sectors or _has_any(folded, cues()["co_creation"])


def is_partnership(annotation: Annotation) -> bool:
    """A partnership item, or a running/assigned cooperation of two or more actors."""
    if annotation.kind == "partnership":
        return True
    return (
        annotation.kind in COOPERATION_KINDS
        and len(annotation.actors) >= 2
        and (annotation.kind != "task" or len({a.sector for a in annotation.actors}) >= 2)
    )


def partnership_of(item: Item, annotation: Annotation) -> Partnership | None:
    """The Partnership an item records, if it records an agreed, proposed or running one."""
    if not is_partnership(annotation):
        return None
    folded = fold(item.text)  # once per item: the cues are searched in folded text
    members = tuple(
        PartnershipMember(
            name=actor.name,
            sector=actor.sector,
            organization_id=actor.organization_id,
            generic=actor.generic,
            role=_role(folded, actor),
        )
        for actor in annotation.actors
    )
    return Partnership(
        id=f"p-{item.id}",
        item_id=item.id,
        partnership_type=annotation.partnership_type or partnership_type(annotation.actors),
        members=members,
        status=_status(folded, annotation.kind),
        scope=detect_scope(annotation),
        districts=tuple(annotation.districts),
        with_refugees=_with_refugees(folded, annotation),
    )


def find_partnerships(
    items: Sequence[Item],
    annotations: Mapping[str, Annotation],
    known: Mapping[str, KnownItem] | None = None,
) -> list[Partnership]:
    """One Partnership per item that records an agreed, proposed or running cooperation.

    `known` (the build cache's) gives those of items and annotations seen before.
    """
    known = known or {}
    partnerships = []
    for item in items:
        annotation = annotations[item.id]
        entry = known.get(item.id)
        if entry is not None and entry.item is item and entry.annotation is annotation:
            partnership = entry.partnership
        else:
            partnership = partnership_of(item, annotation)
        if partnership is not None:
            partnerships.append(partnership)
    return partnerships
