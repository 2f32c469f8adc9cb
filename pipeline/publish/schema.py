"""The databases' schema in one place: tables, foreign keys, indexes, full-text search, views.

`ensure_schema(db)` creates whatever is missing (tables, columns, indexes, search
indexes) and replaces the views, so it is safe to run on an empty file, on a database
that already has the schema, or on one built by an older version of it. It is
`ensure_tables` then `ensure_indexes`; a fresh build runs the second after its inserts,
so indexes and search indexes are built once in bulk rather than row by row.
The tables that only link keys (an item's themes, partnership members, dedupe links …)
are WITHOUT ROWID: they have no rowid a full and an incremental write could disagree on,
and are smaller and quicker to write. The public and the internal database share it;
the internal one also fills `notes.facilitator` and `notes.participants`.
"""

from __future__ import annotations

import sqlite_utils

SCHEMA_VERSION = "1"

TABLES = """
CREATE TABLE IF NOT EXISTS build_info (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS kinds (code TEXT PRIMARY KEY, label_pl TEXT, label_en TEXT);
CREATE TABLE IF NOT EXISTS themes (code TEXT PRIMARY KEY, label_pl TEXT, label_en TEXT);
CREATE TABLE IF NOT EXISTS sectors (code TEXT PRIMARY KEY, label_pl TEXT, label_en TEXT);
CREATE TABLE IF NOT EXISTS languages (code TEXT PRIMARY KEY, label_pl TEXT, label_en TEXT);
CREATE TABLE IF NOT EXISTS districts (
    code TEXT PRIMARY KEY, label_pl TEXT, label_en TEXT,
    latitude REAL, longitude REAL, area_km2 REAL
);
CREATE TABLE IF NOT EXISTS notes (
    id TEXT PRIMARY KEY, path TEXT, event TEXT, group_name TEXT, date TEXT,
    language TEXT, sha256 TEXT, format TEXT, encoding TEXT,
    district TEXT REFERENCES districts(code),
    items INTEGER, facilitator TEXT, participants TEXT
);
CREATE TABLE IF NOT EXISTS recommendations (
    id TEXT PRIMARY KEY, text TEXT, kind TEXT REFERENCES kinds(code),
    themes TEXT, districts TEXT, sectors TEXT, languages TEXT,
    mentions INTEGER, groups INTEGER, meetings INTEGER,
    canonical_item_id TEXT REFERENCES items(id), lemmas TEXT
);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY, note_id TEXT REFERENCES notes(id), position INTEGER, text TEXT,
    kind TEXT REFERENCES kinds(code), language TEXT,
    themes TEXT, sectors TEXT, districts TEXT,
    recommendation_id TEXT REFERENCES recommendations(id),
    line INTEGER, end_line INTEGER, heading TEXT, kind_hint TEXT, partnership_type TEXT,
    actors TEXT, lemmas TEXT, scores TEXT, manual TEXT
);
CREATE TABLE IF NOT EXISTS organizations (
    id TEXT PRIMARY KEY, name TEXT, sector TEXT REFERENCES sectors(code), short_name TEXT,
    aliases TEXT, districts TEXT, source TEXT, generic INTEGER, mentions INTEGER
);
CREATE TABLE IF NOT EXISTS partnerships (
    id TEXT PRIMARY KEY, item_id TEXT REFERENCES items(id), text TEXT,
    partnership_type TEXT, sectors TEXT, districts TEXT, status TEXT, scope TEXT,
    cross_sector INTEGER, with_refugees INTEGER, members INTEGER
);
CREATE TABLE IF NOT EXISTS partnership_members (
    partnership_id TEXT REFERENCES partnerships(id), position INTEGER,
    organization_id TEXT REFERENCES organizations(id), name TEXT,
    sector TEXT REFERENCES sectors(code), role TEXT, generic INTEGER,
    PRIMARY KEY (partnership_id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS item_themes (
    item_id TEXT REFERENCES items(id), theme TEXT REFERENCES themes(code),
    PRIMARY KEY (item_id, theme)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS item_districts (
    item_id TEXT REFERENCES items(id), district TEXT REFERENCES districts(code),
    PRIMARY KEY (item_id, district)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS item_sectors (
    item_id TEXT REFERENCES items(id), sector TEXT REFERENCES sectors(code),
    PRIMARY KEY (item_id, sector)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS recommendation_themes (
    recommendation_id TEXT REFERENCES recommendations(id), theme TEXT REFERENCES themes(code),
    PRIMARY KEY (recommendation_id, theme)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS recommendation_districts (
    recommendation_id TEXT REFERENCES recommendations(id),
    district TEXT REFERENCES districts(code),
    PRIMARY KEY (recommendation_id, district)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS recommendation_sectors (
    recommendation_id TEXT REFERENCES recommendations(id), sector TEXT REFERENCES sectors(code),
    PRIMARY KEY (recommendation_id, sector)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedupe_links (
    recommendation_id TEXT REFERENCES recommendations(id),
    item_a TEXT REFERENCES items(id), item_b TEXT REFERENCES items(id),
    similarity REAL, shared TEXT, method TEXT,
    PRIMARY KEY (recommendation_id, item_a, item_b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ingest_errors (path TEXT, line INTEGER, reason TEXT);
CREATE TABLE IF NOT EXISTS skipped_lines (
    note_id TEXT REFERENCES notes(id), line INTEGER, text TEXT, reason TEXT
);
"""

INDEXES = {
    "items": [["note_id"], ["kind"], ["recommendation_id"], ["language"]],
    "recommendations": [["kind"], ["groups"], ["canonical_item_id"]],
    "organizations": [["sector"]],
    "partnerships": [["item_id"], ["partnership_type"], ["status"]],
    "partnership_members": [["organization_id"], ["sector"]],
    "item_themes": [["theme"]],
    "item_districts": [["district"]],
    "item_sectors": [["sector"]],
    "recommendation_themes": [["theme"]],
    "recommendation_districts": [["district"]],
    "recommendation_sectors": [["sector"]],
    "dedupe_links": [["item_a"], ["item_b"]],
    "skipped_lines": [["note_id"]],
    "notes": [["district"]],
}

SEARCHABLE = {"items": ["text", "lemmas"], "recommendations": ["text", "lemmas"]}

# A view per kind of recommendation cluster, most supported first.
KIND_VIEWS = {
    "rekomendacje": "recommendation",
    "problemy": "problem",
    "dobre_praktyki": "good_practice",
    "partnerstwa": "partnership",
    "zadania": "task",
}

VIEWS = {
    **{
        name: f"""
select id, text, themes, districts, sectors, mentions, groups, meetings, canonical_item_id
from recommendations where kind = '{kind}'
order by groups desc, mentions desc, id
"""
        for name, kind in KIND_VIEWS.items()
    },
    "partnerstwa_miedzysektorowe": """
select partnerships.id, partnerships.text, partnerships.partnership_type, partnerships.status,
       partnerships.scope, partnerships.districts, partnerships.with_refugees,
       (select group_concat(name, '; ') from partnership_members
        where partnership_members.partnership_id = partnerships.id) as members_names,
       partnerships.item_id
from partnerships where cross_sector = 1
order by partnerships.members desc, partnerships.id
""",
    "partnerstwa_wg_dzielnic": """
select districts.code as district, districts.label_pl,
       count(partnerships.id) as partnerships,
       sum(partnerships.cross_sector) as cross_sector,
       round(1.0 * sum(partnerships.cross_sector) / count(partnerships.id), 3) as cross_sector_share
from districts
join partnerships on exists (
  select 1 from json_each(partnerships.districts) where json_each.value = districts.code)
group by districts.code order by partnerships desc, districts.code
""",
    "partnerstwa_wg_typu": """
select partnership_type, count(*) as partnerships, sum(cross_sector) as cross_sector,
       sum(with_refugees) as with_refugees
from partnerships group by partnership_type order by partnerships desc, partnership_type
""",
    "organizacje_wg_partnerstw": """
select organizations.id, organizations.name, organizations.sector, organizations.generic,
       count(distinct partnership_members.partnership_id) as partnerships
from organizations
join partnership_members on partnership_members.organization_id = organizations.id
group by organizations.id order by partnerships desc, organizations.id
""",
    "mapa_dzielnic": """
select districts.code, districts.label_pl as district, districts.latitude, districts.longitude,
       (select count(*) from item_districts where item_districts.district = districts.code)
         as items,
       (select count(*) from recommendation_districts
        join recommendations on recommendations.id = recommendation_districts.recommendation_id
        where recommendation_districts.district = districts.code
          and recommendations.kind = 'recommendation') as recommendations,
       (select count(*) from recommendation_districts
        join recommendations on recommendations.id = recommendation_districts.recommendation_id
        where recommendation_districts.district = districts.code
          and recommendations.kind = 'problem') as problems,
       (select count(*) from partnerships, json_each(partnerships.districts)
        where json_each.value = districts.code) as partnerships
from districts order by districts.code
""",
    "obszary_tematyczne": """
select themes.code as theme, themes.label_pl, themes.label_en, kinds.code as kind,
       kinds.label_pl as kind_label_pl,
       (select count(*) from recommendation_themes
        join recommendations on recommendations.id = recommendation_themes.recommendation_id
        where recommendation_themes.theme = themes.code and recommendations.kind = kinds.code)
         as recommendations
from themes, kinds where kinds.code in ('recommendation', 'problem', 'good_practice', 'partnership')
order by themes.rowid, kinds.rowid
""",
}


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the tables, indexes, full-text search and views that are missing; safe to re-run."""
    ensure_tables(db)
    ensure_indexes(db)


def ensure_tables(db: sqlite_utils.Database) -> None:
    """The tables (with any columns an older schema lacks) and the schema version."""
    db.executescript(TABLES)
    _add_missing_columns(db)
    db["build_info"].upsert({"key": "schema_version", "value": SCHEMA_VERSION}, pk="key")


def ensure_indexes(db: sqlite_utils.Database) -> None:
    """The indexes, full-text search indexes (filled from the rows already written, then
    kept up to date by triggers) and views."""
    for table, indexes in INDEXES.items():
        for columns in indexes:
            db[table].create_index(columns, if_not_exists=True)
    for table, columns in SEARCHABLE.items():
        if not db[table].detect_fts():
            db[table].enable_fts(columns, fts_version="FTS5", create_triggers=True)
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)


def _add_missing_columns(db: sqlite_utils.Database) -> None:
    """Add the columns a database built by an older schema lacks (CREATE … IF NOT EXISTS
    leaves existing tables as they are)."""
    reference = sqlite_utils.Database(memory=True)
    reference.executescript(TABLES)
    for table in reference.tables:
        existing = db[table.name].columns_dict
        for column in table.columns:
            if column.name not in existing:
                db.execute(f"ALTER TABLE [{table.name}] ADD COLUMN [{column.name}] {column.type}")
