"""The tables only the internal database has: registrations and names to resolve.

Registrations hold people and their contact data; unresolved names are the analyst's
to-do list for notes/aliases.csv. Neither is ever written to the public database.
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlite_utils

from pipeline.nlp.text import fold
from pipeline.records import KnowledgeBase

INTERNAL_TABLES = """
CREATE TABLE IF NOT EXISTS registrations (
    timestamp TEXT, name TEXT, email TEXT, organization TEXT, sector TEXT,
    district TEXT, choices TEXT, other_request TEXT, needs TEXT, line INTEGER
);
CREATE TABLE IF NOT EXISTS unresolved_organizations (
    name TEXT PRIMARY KEY, sector TEXT, mentions INTEGER, item_ids TEXT
);
"""


def unresolved_names(knowledge_base: KnowledgeBase) -> list[dict]:
    """Named actors that matched no registry row, with how often and where they occur."""
    # Each name as first met in item id order (a stable sort keeps an item's actors in order).
    unresolved = sorted(
        (
            (item_id, actor)
            for item_id, annotation in knowledge_base.annotations.items()
            if annotation.actors
            for actor in annotation.actors
            if not (actor.organization_id or actor.generic)
        ),
        key=lambda pair: pair[0],
    )
    found: dict[str, dict] = {}
    items: dict[str, set[str]] = defaultdict(set)
    for item_id, actor in unresolved:
        key = fold(actor.name)
        found.setdefault(key, {"name": actor.name, "sector": actor.sector})
        items[key].add(item_id)
    return [
        {**found[key], "mentions": len(items[key]), "item_ids": json.dumps(sorted(items[key]))}
        for key in sorted(found)
    ]


def write_internal_tables(db: sqlite_utils.Database, knowledge_base: KnowledgeBase) -> None:
    """Registrations (people, e-mails, needs) and the unresolved organisation names,
    replacing what a previous build wrote there."""
    db.executescript(INTERNAL_TABLES)
    db.execute("DELETE FROM registrations")
    db.execute("DELETE FROM unresolved_organizations")
    db["registrations"].insert_all(
        {
            "timestamp": r.timestamp,
            "name": r.name,
            "email": r.email,
            "organization": r.organization,
            "sector": r.sector,
            "district": r.district,
            "choices": json.dumps(list(r.choices)),
            "other_request": r.other_request,
            "needs": r.needs,
            "line": r.line,
        }
        for r in knowledge_base.registrations
    )
    db["unresolved_organizations"].upsert_all(unresolved_names(knowledge_base), pk="name")
