"""publish: both databases from a small hand-made KnowledgeBase."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from contract import CONTRACT_TABLES
from knowledge_base_builders import (
    CONFERENCE,
    annotated,
    make_items,
    make_knowledge_base,
    make_note,
    make_partnership,
    write_public_and_internal,
)

from pipeline.publish import ensure_schema, redact, write_databases
from pipeline.publish.rows import upsert_rows
from pipeline.records import (
    Actor,
    Cluster,
    ClusterLink,
    IngestError,
    KnowledgeBase,
    Organization,
    SkippedLine,
)

WOLA_OFFICE = Actor("Urząd Dzielnicy Wola", "local_government", "urzad-dzielnicy-wola")
OCALENIE = Actor("Fundacja Ocalenie", "ngo", "fundacja-ocalenie")
MINISTRY = Actor("MEN", "central_government", "men")

# Every note's front matter; the public database leaves out facilitator and participants.
NOTE_DETAILS = {
    "encoding": "utf-8",
    "event": CONFERENCE,
    "facilitator": "Katarzyna Wiśniewska",
    "participants": ("Fundacja Ocalenie", "UD Wola"),
}

TEXTS = {
    "grupa-1-a": (
        "grupa-1",
        "Brakuje mieszkań dla rodzin z dziećmi na Woli.",
        annotated("problem", ["basic_needs"], ["wola"]),
    ),
    "grupa-1-b": (
        "grupa-1",
        "Należy zwiększyć liczbę mieszkań interwencyjnych na Woli.",
        annotated("recommendation", ["basic_needs"], ["wola"], [WOLA_OFFICE]),
    ),
    "grupa-1-c": (
        "grupa-1",
        "Kontakt: Anna Kowalska, tel. 601 234 567, anna.kowalska@gmail.com",
        annotated("other", ["other"]),
    ),
    "grupa-1-d": (
        "grupa-1",
        "Urząd Dzielnicy Wola i Fundacja Ocalenie uzgodniły punkt informacyjny.",
        annotated(
            "partnership",
            ["information_language", "networking_systemic"],
            ["wola"],
            [WOLA_OFFICE, OCALENIE],
        ),
    ),
    "grupa-2-a": (
        "grupa-2",
        "Rekomendujemy więcej mieszkań interwencyjnych w mieszkaniach komunalnych.",
        annotated("recommendation", ["basic_needs"], ["wola"]),
    ),
    "grupa-2-b": (
        "grupa-2",
        "MEN powinno zmienić przepisy o zatrudnianiu asystentów w szkołach.",
        annotated("recommendation", ["education_awareness"], [], [MINISTRY]),
    ),
    "grupa-2-c": (
        "grupa-2",
        "Brakuje psychologów mówiących po ukraińsku na Mokotowie.",
        annotated("problem", ["health_protection"], ["mokotow"]),
    ),
    "grupa-2-d": (
        "grupa-2",
        "Wpis <script>alert('x')</script> z flipchartu.",
        annotated("other", ["other"]),
    ),
    "grupa-3-a": (
        "grupa-3",
        "Потрібно більше житла для біженців на Волі, Олена Шевченко, +380 67 123 45 67.",
        annotated("recommendation", ["basic_needs"], ["wola"], language="uk"),
    ),
}


def sample_knowledge_base() -> KnowledgeBase:
    """Three notes, nine items, clusters, organisations and one partnership."""
    housing = Cluster(
        id="r-housing",
        item_ids=("grupa-1-b", "grupa-2-a", "grupa-3-a"),
        canonical_item_id="grupa-1-b",
        links=(
            ClusterLink("grupa-1-b", "grupa-2-a", 0.82, ("mieszkanie", "interwencyjny"), "lemma"),
            ClusterLink("grupa-1-b", "grupa-3-a", 0.71, ("housing", "шевченко"), "translation"),
        ),
    )
    return make_knowledge_base(
        notes=[
            make_note("grupa-1", "Grupa 1: Potrzeby podstawowe", **NOTE_DETAILS),
            make_note("grupa-2", "Grupa 2: Zdrowie i edukacja", **NOTE_DETAILS),
            make_note("grupa-3", "Grupa 3 (UA)", language="uk", **NOTE_DETAILS),
        ],
        entries=TEXTS,
        clusters=[housing],
        items=make_items(TEXTS, first_line=3, heading="Rekomendacje", kind_hint="recommendation"),
        organizations=[
            Organization("fundacja-ocalenie", "Fundacja Ocalenie", "ngo"),
            Organization(
                "urzad-dzielnicy-wola",
                "Urząd Dzielnicy Wola",
                "local_government",
                short_name="UD Wola",
                districts=("wola",),
            ),
            Organization(
                "men", "Ministerstwo Edukacji i Nauki", "central_government", short_name="MEN"
            ),
        ],
        partnerships=[make_partnership("grupa-1-d", TEXTS["grupa-1-d"][2], lead=True)],
        ingest_errors=[IngestError("zepsuty.docx", "not a DOCX file; save it again as .docx")],
        skipped_lines=[SkippedLine("grupa-1", 1, "## Rekomendacje", "heading")],
    )


@pytest.fixture(scope="module")
def databases(tmp_path_factory) -> tuple[Path, Path]:
    return write_public_and_internal(sample_knowledge_base(), tmp_path_factory.mktemp("db"))


def rows(path: Path, sql: str, params=()) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, params).fetchall()


def test_contract_tables_and_columns_exist(databases):
    db = sqlite_utils.Database(databases[0])
    for table, columns in CONTRACT_TABLES.items():
        assert columns <= set(db[table].columns_dict), table
    assert "lemmas" in db["items"].columns_dict
    assert {"rekomendacje", "problemy", "dobre_praktyki", "partnerstwa_miedzysektorowe"} <= set(
        db.view_names()
    )


def test_recommendation_counts_groups_and_unions_labels(databases):
    (row,) = rows(
        databases[0],
        "select text, kind, themes, districts, mentions, groups, meetings,"
        " languages, sectors from recommendations where id = 'r-housing'",
    )
    assert row[0] == "Należy zwiększyć liczbę mieszkań interwencyjnych na Woli."
    assert row[1:7] == ("recommendation", '["basic_needs"]', '["wola"]', 3, 3, 3)
    assert json.loads(row[7]) == ["pl", "uk"]
    assert json.loads(row[8]) == ["local_government"]
    assert rows(databases[0], "select recommendation_id from items where id = 'grupa-2-a'") == [
        ("r-housing",)
    ]
    assert rows(
        databases[0], "select count(*) from dedupe_links where recommendation_id = 'r-housing'"
    ) == [(2,)]


def test_link_tables_lookups_and_foreign_keys(databases):
    public = databases[0]
    assert rows(
        public, "select theme from recommendation_themes where recommendation_id = 'r-housing'"
    ) == [("basic_needs",)]
    assert rows(public, "select item_id from item_sectors where sector = 'central_government'") == [
        ("grupa-2-b",)
    ]
    assert rows(public, "select count(*) from districts") == [(18,)]
    assert rows(public, "select label_pl from kinds where code = 'good_practice'") == [
        ("dobra praktyka",)
    ]
    assert rows(public, "pragma foreign_key_check") == []
    assert rows(public, "select cross_sector, members, sectors from partnerships") == [
        (1, 2, '["local_government", "ngo"]')
    ]
    assert rows(
        public, "select organization_id, role from partnership_members order by position"
    ) == [("urzad-dzielnicy-wola", "lead"), ("fundacja-ocalenie", None)]
    assert rows(public, "select mentions from organizations where id = 'urzad-dzielnicy-wola'") == [
        (2,)
    ]
    assert rows(public, "select reason from ingest_errors") == [
        ("not a DOCX file; save it again as .docx",)
    ]
    assert rows(public, "select text, reason from skipped_lines") == [
        ("## Rekomendacje", "heading")
    ]


@pytest.mark.parametrize("query", ["mieszkanie", "mieszkań", "mieszkaniach"])
def test_full_text_search_finds_inflected_forms(databases, query):
    from pipeline.publish.search import fts_query

    found = rows(
        databases[0],
        "select items.id from items_fts join items on items.rowid = items_fts.rowid"
        " where items_fts match ? order by items.id",
        [fts_query(query)],
    )
    assert [row[0] for row in found] == ["grupa-1-a", "grupa-1-b", "grupa-2-a"]


def test_public_database_is_redacted_and_internal_keeps_originals(databases):
    public, internal = databases
    assert rows(public, "select text from items where id = 'grupa-1-c'") == [
        ("Kontakt: [osoba], tel. [telefon], [e-mail]",)
    ]
    assert rows(public, "select text from items where id = 'grupa-3-a'") == [
        ("Потрібно більше житла для біженців на Волі, [osoba], [telefon].",)
    ]
    assert rows(public, "select facilitator, participants from notes where id = 'grupa-1'") == [
        (None, None)
    ]
    assert rows(internal, "select facilitator from notes where id = 'grupa-1'") == [
        ("Katarzyna Wiśniewska",)
    ]
    assert (
        "anna.kowalska@gmail.com"
        in rows(internal, "select text from items where id = 'grupa-1-c'")[0][0]
    )
    assert rows(public, "select value from build_info where key = 'audience'") == [("public",)]
    assert rows(internal, "select value from build_info where key = 'audience'") == [("internal",)]


def test_no_personal_data_in_any_text_column_of_the_public_database(databases):
    db = sqlite_utils.Database(databases[0])
    leaks = ("kowalsk", "601 234 567", "@gmail", "шевченко", "123 45 67", "wiśniewska")
    for table in db.tables:
        if table.name.endswith(("_fts", "_data", "_idx", "_docsize", "_config")):
            continue
        text_columns = [c.name for c in table.columns if c.type == "TEXT"]
        for row in table.rows:
            for column in text_columns:
                value = row[column] or ""
                assert not any(leak in value.lower() for leak in leaks), (table.name, column)
                assert redact(value) == value, (table.name, column, value)  # nothing left


def test_rewriting_gives_identical_rows(tmp_path):
    knowledge_base = sample_knowledge_base()
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    write_databases(knowledge_base, first)
    write_databases(knowledge_base, second)
    write_databases(knowledge_base, second)
    for table in sqlite_utils.Database(first).table_names():
        assert rows(first, f"select * from [{table}]") == rows(
            second, f"select * from [{table}]"
        ), table
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db", "b.db"]  # no temporary files left
    assert first.read_bytes() == second.read_bytes()


def test_a_failed_build_leaves_the_old_database_in_place(tmp_path):
    target = tmp_path / "rekomendacje.db"
    write_databases(sample_knowledge_base(), target)
    broken = sample_knowledge_base()
    broken.clusters.append(Cluster(id="r-housing", item_ids=(), canonical_item_id="x"))
    broken.notes.append(None)  # type: ignore[arg-type]  # makes the writer fail half-way
    with pytest.raises(AttributeError):
        write_databases(broken, target)
    assert rows(target, "select count(*) from items") == [(9,)]
    assert [p.name for p in tmp_path.iterdir()] == ["rekomendacje.db"]


def test_ensure_schema_is_safe_to_rerun(tmp_path):
    db = sqlite_utils.Database(tmp_path / "schema.db")
    ensure_schema(db)
    ensure_schema(db)
    assert db["items"].detect_fts() == "items_fts"
    assert {fk.other_table for fk in db["items"].foreign_keys} == {
        "notes",
        "kinds",
        "recommendations",
    }
    assert ["recommendation_id"] in [index.columns for index in db["items"].indexes]


def test_ensure_schema_adds_columns_an_older_database_lacks(tmp_path):
    db = sqlite_utils.Database(tmp_path / "old.db")
    db.execute("CREATE TABLE items (id TEXT PRIMARY KEY, text TEXT)")
    db["items"].insert({"id": "a", "text": "Brakuje mieszkań."})
    ensure_schema(db)
    assert {"end_line", "lemmas", "recommendation_id"} <= set(db["items"].columns_dict)
    assert rows(tmp_path / "old.db", "select id, text, lemmas from items") == [
        ("a", "Brakuje mieszkań.", None)
    ]


def test_upsert_rows_treats_a_repeated_key_as_sqlite_utils_upsert_does():
    rows_in = [
        {"code": "wola", "label_pl": "Wola", "label_en": None},
        {"code": "bemowo", "label_pl": "Bemowo", "label_en": "Bemowo"},
        {"code": "wola", "label_pl": "Wola (dzielnica)", "label_en": "Wola"},
    ]
    ours, theirs = sqlite_utils.Database(memory=True), sqlite_utils.Database(memory=True)
    for db in (ours, theirs):
        db.execute("CREATE TABLE kinds (code TEXT PRIMARY KEY, label_pl TEXT, label_en TEXT)")
    upsert_rows(ours, "kinds", rows_in, "code")
    theirs["kinds"].upsert_all(rows_in, pk="code")
    query = "select rowid, * from kinds order by rowid"
    assert (
        ours.execute(query).fetchall()
        == theirs.execute(query).fetchall()
        == [
            (1, "wola", "Wola (dzielnica)", "Wola"),
            (2, "bemowo", "Bemowo", "Bemowo"),
        ]
    )
