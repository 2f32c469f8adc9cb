"""Partnerships as first-class records: who cooperates with whom, where, and in what status."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache

import yaml

from pipeline.nlp.text import fold
from pipeline.records import Actor, Annotation, Item, Partnership, PartnershipMember
from pipeline.vocabulary import data_path

ROLE_WINDOW = 40  # characters after an actor's name in which a role cue counts for it
CLAUSE_END = re.compile(r"[,;+]| i | oraz | and | та | і ")
COOPERATION_KINDS = ("partnership", "good_practice", "task")


@cache
def cues() -> dict:
    """Status, role and co-creation cues from pipeline/data/partnerships.yaml."""
    return yaml.safe_load(data_path("partnerships.yaml").read_text(encoding="utf-8"))


def _has_any(text: str, words: Sequence[str]) -> bool:
    """True when any cue starts a word of the text (cues are word beginnings)."""
    return any(re.search(r"(?<!\w)" + re.escape(word), text) for word in words)


def partnership_type(actors: Sequence[Actor]) -> str | None:
    """Sorted distinct sectors joined by "+" (None for fewer than two actors)."""
    if len(actors) < 2:
        return None
    return "+".join(sorted({actor.sector for actor in actors}))


def detect_status(text: str, kind: str) -> str:
    """proposed, agreed or running: a good practice is running; otherwise the strongest cue wins."""
    folded = fold(text)
    status_cues = cues()["status"]
    if kind == "good_practice" or _has_any(folded, status_cues["running"]):
        return "running"
    if _has_any(folded, status_cues["agreed"]) or kind == "task":
        return "agreed"
    return "proposed"


def detect_role(text: str, actor: Actor) -> str | None:
    """lead or funder when a cue follows the actor's name closely; partner otherwise."""
    folded = fold(text)
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
    return "refugee_led" in annotation.sectors or _has_any(fold(text), cues()["co_creation"])


def is_partnership(annotation: Annotation) -> bool:
    """A partnership item, or a running/assigned cooperation of two or more actors."""
    if annotation.kind == "partnership":
        return True
    return (
        annotation.kind in COOPERATION_KINDS
        and len(annotation.actors) >= 2
        and (annotation.kind != "task" or len({a.sector for a in annotation.actors}) >= 2)
    )


def find_partnerships(
    items: Sequence[Item], annotations: Mapping[str, Annotation]
) -> list[Partnership]:
    """One Partnership per item that records an agreed, proposed or running cooperation."""
    partnerships = []
    for item in items:
        annotation = annotations[item.id]
        if not is_partnership(annotation):
            continue
        members = tuple(
            PartnershipMember(
                name=actor.name,
                sector=actor.sector,
                organization_id=actor.organization_id,
                generic=actor.generic,
                role=detect_role(item.text, actor),
            )
            for actor in annotation.actors
        )
        partnerships.append(
            Partnership(
                id=f"p-{item.id}",
                item_id=item.id,
                partnership_type=annotation.partnership_type or partnership_type(annotation.actors),
                members=members,
                status=detect_status(item.text, annotation.kind),
                scope=detect_scope(annotation),
                districts=tuple(annotation.districts),
                with_refugees=with_refugees(item.text, annotation),
            )
        )
    return partnerships
