"""Read the public database into a `Brief`; the internal database is refused."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from datetime import date
from pathlib import Path

from pipeline.errors import RekomendacjeError
from pipeline.report.match import lemma_weights, match_partnerships
from pipeline.report.model import (
    DISTRICT_KINDS,
    Brief,
    DistrictPage,
    Entry,
    Label,
    Member,
    PartnershipEntry,
    ReportSettings,
    Source,
    ThemeSection,
)

POLISH_ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"


def source_name(group_name: str | None, path: str) -> str:
    """A note's group name, else its path made readable ("2022-06-ursus / notatka ze spotkania")."""
    if group_name:
        return group_name
    folder, _, file_name = path.rpartition("/")
    stem = re.sub(r"^\d+[-_ ]", "", file_name.rsplit(".", 1)[0]).replace("-", " ").strip()
    return f"{folder} / {stem}" if folder else stem


def polish_order(name: str) -> tuple[int, ...]:
    """A sort key in Polish alphabetical order (Ś after S, Ż last), whatever the locale."""
    return tuple(
        POLISH_ALPHABET.index(char) if char in POLISH_ALPHABET else len(POLISH_ALPHABET) + ord(char)
        for char in name.lower()
    )


def open_public(db_path: Path) -> sqlite3.Connection:
    """The database read-only; refuses the internal one, which keeps personal data."""
    if not Path(db_path).is_file():
        raise RekomendacjeError("database not found; run `rekomendacje build` first", str(db_path))
    conn = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("select value from build_info where key = 'audience'").fetchone()
    except sqlite3.DatabaseError as error:
        conn.close()
        raise RekomendacjeError(f"not a rekomendacje database ({error})", str(db_path)) from error
    if row is None or row["value"] != "public":
        conn.close()
        raise RekomendacjeError(
            "not the public database; the brief is printed from db/rekomendacje.db only",
            str(db_path),
        )
    return conn


def labels(conn: sqlite3.Connection, table: str) -> dict[str, Label]:
    """Code → Polish and English label, in the table's (taxonomy) order."""
    rows = conn.execute(f"select code, label_pl, label_en from {table} order by rowid")
    return {row["code"]: Label(row["label_pl"], row["label_en"]) for row in rows}


def primary_theme(themes: list[str], scores: dict | None) -> str:
    """The theme the canonical item scored highest among the entry's themes (else the first)."""
    theme_scores = (scores or {}).get("themes") or {}
    if not themes:
        return "other"
    return max(themes, key=lambda theme: (theme_scores.get(theme, -1.0), -themes.index(theme)))


def read_entries(conn: sqlite3.Connection, kinds: tuple[str, ...]) -> list[Entry]:
    """Canonical entries of the given kinds, most supported first, with their sources named."""
    sources: dict[str, list[str]] = defaultdict(list)
    meeting_districts: dict[str, set[str]] = defaultdict(set)
    for row in conn.execute(
        "select items.recommendation_id, items.districts, notes.group_name, notes.path,"
        " notes.district from items"
        " join notes on notes.id = items.note_id where items.recommendation_id is not null"
        " order by notes.date is null, notes.date, notes.path"
    ):
        name = source_name(row["group_name"], row["path"])
        if name not in sources[row["recommendation_id"]]:
            sources[row["recommendation_id"]].append(name)
        # An item that names no district speaks for the district whose meeting it came from.
        if row["district"] and not json.loads(row["districts"] or "[]"):
            meeting_districts[row["recommendation_id"]].add(row["district"])
    marks = ",".join("?" * len(kinds))
    rows = conn.execute(
        "select recommendations.*, items.scores as canonical_scores,"
        " items.language as canonical_language from recommendations"
        " left join items on items.id = recommendations.canonical_item_id"
        f" where recommendations.kind in ({marks})"
        " order by recommendations.groups desc, recommendations.mentions desc,"
        " recommendations.text",
        kinds,
    )
    entries = []
    for row in rows:
        themes = json.loads(row["themes"] or "[]")
        entries.append(
            Entry(
                id=row["id"],
                text=row["text"] or "",
                kind=row["kind"],
                themes=themes,
                districts=json.loads(row["districts"] or "[]"),
                mentions=row["mentions"] or 0,
                groups=row["groups"] or 0,
                meetings=row["meetings"] or 0,
                sources=sources.get(row["id"], []),
                primary_theme=primary_theme(themes, json.loads(row["canonical_scores"] or "{}")),
                language=row["canonical_language"],
                canonical_item_id=row["canonical_item_id"],
                lemmas=frozenset((row["lemmas"] or "").split()),
                meeting_districts=frozenset(meeting_districts.get(row["id"], ())),
            )
        )
    return entries


def read_partnerships(conn: sqlite3.Connection) -> list[PartnershipEntry]:
    """Every partnership with its members, its item's themes and lemmas; most members first."""
    members: dict[str, list[Member]] = defaultdict(list)
    for row in conn.execute(
        "select partnership_id, name, sector from partnership_members"
        " order by partnership_id, position"
    ):
        members[row["partnership_id"]].append(Member(row["name"], row["sector"]))
    rows = conn.execute(
        "select partnerships.*, items.themes as item_themes, items.lemmas as item_lemmas,"
        " items.language as item_language, notes.district as meeting_district"
        " from partnerships left join items on items.id = partnerships.item_id"
        " left join notes on notes.id = items.note_id"
        " order by partnerships.members desc, partnerships.id"
    )
    return [
        PartnershipEntry(
            id=row["id"],
            item_id=row["item_id"],
            text=row["text"] or "",
            partnership_type=row["partnership_type"],
            status=row["status"],
            districts=json.loads(row["districts"] or "[]"),
            members=members.get(row["id"], []),
            with_refugees=bool(row["with_refugees"]),
            language=row["item_language"],
            themes=json.loads(row["item_themes"] or "[]"),
            lemmas=frozenset((row["item_lemmas"] or "").split()),
            meeting_districts=frozenset(
                [row["meeting_district"]]
                if row["meeting_district"] and row["districts"] in (None, "[]")
                else []
            ),
        )
        for row in rows
    ]


def district_pages(
    entries: list[Entry], partnerships: list[PartnershipEntry], names: dict[str, str]
) -> tuple[list[DistrictPage], list[str]]:
    """A page for each district something concerns, in Polish order; the others' names."""
    partnership_items = {p.item_id for p in partnerships}
    pages, quiet = [], []
    for code, name in sorted(names.items(), key=lambda pair: polish_order(pair[1])):
        by_kind = {
            kind: [
                entry
                for entry in entries
                if entry.kind == kind
                and entry.concerns(code)
                # A running cooperation is printed once, with its members.
                and entry.canonical_item_id not in partnership_items
            ]
            for kind in DISTRICT_KINDS
        }
        page = DistrictPage(code, name, by_kind, [p for p in partnerships if p.concerns(code)])
        if page.size:
            pages.append(page)
        else:
            quiet.append(name)
    return pages, quiet


def read_sources(conn: sqlite3.Connection) -> list[Source]:
    """Every note, dated first; one without a declared language gets its items' usual one."""
    rows = conn.execute(
        "select notes.*, (select language from items where items.note_id = notes.id"
        " group by language order by count(*) desc, language limit 1) as items_language"
        " from notes order by notes.date is null, notes.date, notes.path"
    )
    return [
        Source(
            source_name(row["group_name"], row["path"]),
            row["date"],
            row["language"] or row["items_language"],
            row["items"] or 0,
        )
        for row in rows
    ]


def load_brief(
    db_path: Path, today: date | None = None, settings: ReportSettings | None = None
) -> Brief:
    """Read the public database into the brief's sections."""
    settings = settings or ReportSettings.from_config()
    conn = open_public(db_path)
    try:
        theme_labels = labels(conn, "themes")
        district_names = {code: label.pl for code, label in labels(conn, "districts").items()}
        entries = read_entries(conn, DISTRICT_KINDS)
        partnerships = read_partnerships(conn)
        recommendations = [entry for entry in entries if entry.kind == "recommendation"]
        weights = lemma_weights(conn, settings.max_lemma_share)
        match_partnerships(recommendations, partnerships, weights, settings)
        # A code missing from the themes table still gets its section, under its code.
        for code in sorted({e.primary_theme for e in recommendations} - set(theme_labels)):
            theme_labels[code] = Label(code, code)
        themes = [
            ThemeSection(code, label, [e for e in recommendations if e.primary_theme == code])
            for code, label in theme_labels.items()
        ]
        pages, quiet = district_pages(entries, partnerships, district_names)
        sources = read_sources(conn)
        return Brief(
            key_recommendations=[
                entry for entry in recommendations if entry.groups >= settings.key_min_groups
            ][: settings.key_recommendations],
            themes=[theme for theme in themes if theme.entries],
            districts=pages,
            quiet_districts=quiet,
            sources=sources,
            theme_labels=theme_labels,
            sector_labels=labels(conn, "sectors"),
            district_names=district_names,
            language_labels=labels(conn, "languages"),
            totals={
                "notes": len(sources),
                "items": conn.execute("select count(*) from items").fetchone()[0],
                "recommendations": len(recommendations),
                "partnerships": len(partnerships),
            },
            generated=(today or date.today()).isoformat(),
        )
    finally:
        conn.close()
