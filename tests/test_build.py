"""The whole pipeline on the sample notes: what a newcomer sees after `make run`."""

from __future__ import annotations

import json
import shutil

import sqlite_utils
from conftest import NOTES
from contract import CONTRACT_TABLES

from pipeline.build import build, internal_path_for
from pipeline.vocabulary import codes

KINDS = set(codes("kinds"))


def rows(path, table):
    db = sqlite_utils.Database(path)
    return list(db[table].rows_where(order_by="rowid"))


def test_sample_notes_build_into_the_contract_tables(sample_build):
    path, summary = sample_build
    assert summary.notes >= 14 and summary.items >= 250 and summary.errors == []
    db = sqlite_utils.Database(path)
    for table, columns in CONTRACT_TABLES.items():
        assert columns <= set(db[table].columns_dict), table
    items = rows(path, "items")
    assert len(items) == summary.items
    assert {item["kind"] for item in items} == KINDS
    assert all(json.loads(item["themes"]) for item in items)
    assert sum(bool(json.loads(item["districts"])) for item in items) > 40
    assert sum(bool(json.loads(item["sectors"])) for item in items) > 100
    assert {item["language"] for item in items} >= {"pl", "uk", "en"}


def test_recommendations_count_their_mentions_and_every_item_points_to_one(sample_build):
    path, _ = sample_build
    recommendations = {row["id"]: row for row in rows(path, "recommendations")}
    items = rows(path, "items")
    assert all(item["recommendation_id"] in recommendations for item in items)
    mentions = {}
    for item in items:
        mentions[item["recommendation_id"]] = mentions.get(item["recommendation_id"], 0) + 1
    assert all(recommendations[rid]["mentions"] == n for rid, n in mentions.items())
    most = max(recommendations.values(), key=lambda row: row["groups"])
    assert most["groups"] >= 3 and most["kind"] == "recommendation"


def test_the_public_database_holds_no_personal_data_of_the_sample_notes(sample_build):
    path, _ = sample_build
    public = sqlite_utils.Database(path)
    texts = " ".join(item["text"] for item in public["items"].rows)
    for secret in ("601 234 567", "anna.kowalczyk@gmail.com", "Marta Zielińska", "123 45 67"):
        assert secret not in texts
    assert "[telefon]" in texts and "[e-mail]" in texts
    internal = sqlite_utils.Database(internal_path_for(path))
    internal_texts = " ".join(item["text"] for item in internal["items"].rows)
    assert "anna.kowalczyk@gmail.com" in internal_texts


def test_rebuilding_unchanged_notes_changes_nothing(sample_build, tmp_path):
    path, _ = sample_build
    again = tmp_path / "rekomendacje.db"
    build(NOTES, again, use_cache=False)
    first, second = sqlite_utils.Database(path), sqlite_utils.Database(again)
    for table in first.table_names():
        if table == "build_info" or "_fts" in table:  # FTS shadow tables follow the rows
            continue
        assert list(first[table].rows) == list(second[table].rows), table


def test_a_note_that_cannot_be_read_is_listed_and_the_rest_is_built(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "dobra.md").write_text(
        "# Rekomendacje\n\n- Potrzebny jest punkt informacyjny na Woli.\n", encoding="utf-8"
    )
    (notes / "zepsuta.docx").write_bytes(b"PK\x03\x04 to nie jest plik docx")
    shutil.copy(notes / "dobra.md", notes / "kopia.md")
    summary = build(notes, tmp_path / "db" / "rekomendacje.db")
    assert summary.notes == 2 and summary.items == 2
    assert [error.path for error in summary.errors] == ["zepsuta.docx"]
    errors = rows(tmp_path / "db" / "rekomendacje.db", "ingest_errors")
    assert errors[0]["path"] == "zepsuta.docx" and errors[0]["reason"]


def test_registrants_stay_in_the_internal_database_only(sample_build):
    import csv

    path, _ = sample_build
    with (NOTES / "registrations" / "rejestracja-2022-05-27.csv").open(encoding="utf-8") as f:
        registrants = list(csv.DictReader(f))
    emails = {row["Adres e-mail"].lower() for row in registrants if row["Adres e-mail"]}
    names = {row["Imię i nazwisko"] for row in registrants if row["Imię i nazwisko"]}
    public = sqlite_utils.Database(path)
    assert "registrations" not in public.table_names()
    dump = "\n".join(public.iterdump()).lower()
    assert not [email for email in emails if email in dump]
    assert not [name for name in names if name.lower() in dump]
    internal = sqlite_utils.Database(internal_path_for(path))
    assert internal["registrations"].count == len(emails)
    sources = {row["source"] for row in public["organizations"].rows}
    assert {"reference", "registration"} <= sources


def test_partnership_views_count_what_the_tables_hold(sample_build):
    path, summary = sample_build
    db = sqlite_utils.Database(path)
    by_type = list(db["partnerstwa_wg_typu"].rows)
    assert sum(row["partnerships"] for row in by_type) == summary.partnerships
    by_organization = list(db["organizacje_wg_partnerstw"].rows)
    top = by_organization[0]
    members = db.execute(
        "select count(distinct partnership_id) from partnership_members where organization_id = ?",
        [top["id"]],
    ).fetchone()[0]
    assert top["partnerships"] == members >= 3
    for row in db["partnerstwa_wg_dzielnic"].rows:
        assert 0 <= row["cross_sector_share"] <= 1
        assert row["cross_sector_share"] == round(row["cross_sector"] / row["partnerships"], 3)


def test_a_release_and_its_changelog_are_made_from_the_sample_notes(sample_build, tmp_path):
    from pipeline.release import make_release

    path, _ = sample_build
    release = make_release(path, tmp_path / "releases")
    files = sorted(p.name for p in (tmp_path / "releases").iterdir())
    assert any(name.startswith("rekomendacje-1.0.0-") and name.endswith(".db") for name in files)
    changelog = next((tmp_path / "releases").glob("*.md")).read_text(encoding="utf-8")
    assert "1.0.0" in changelog and release is not None
