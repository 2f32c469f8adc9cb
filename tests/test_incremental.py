"""Incremental builds write only what changed, and give the databases a full build gives.

The builds use a fast, deterministic stand-in annotator (the model is beside the point
here: the cache and the writer are), which still gives items kinds, districts, actors
and lemmas, so dedupe, partnerships and the organisation registry have work to do.
"""

from __future__ import annotations

import copy
import os
import pickle
import shutil
import sqlite3
import zlib
from pathlib import Path
from unittest.mock import patch

import pytest
from conftest import NOTES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_datasette import get, site

import pipeline.ingest
import pipeline.publish.update
import pipeline.publish.write
from pipeline.build import build, internal_path_for
from pipeline.ingest.files import RECENT_NS, stable_stat
from pipeline.publish.audience import PUBLIC
from pipeline.publish.fingerprints import Written, fingerprints
from pipeline.publish.temporary import TemporaryFile
from pipeline.publish.update import file_stat, plan_update
from pipeline.publish.write import write_database
from pipeline.records import (
    Actor,
    Annotation,
    Cluster,
    Item,
    KnowledgeBase,
    Note,
    Organization,
    Partnership,
    PartnershipMember,
    SkippedLine,
)

KINDS = ("recommendation", "problem", "good_practice", "partnership", "task")
ACTORS = (
    Actor("Urząd Dzielnicy Wola", "local_government", "urzad-dzielnicy-wola"),
    Actor("Fundacja Ocalenie", "ngo", "fundacja-ocalenie"),
    Actor("Jan Kowalski z UNHCR", "international"),
)
FTS_SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content")
SEARCH_WORDS = ("punkt", "wola", "dzieci", "pomoc", "mieszkań")


class StandInAnnotator:
    """Labels derived from a checksum of the text: varied, deterministic, instant."""

    def __init__(self, extra_training=()) -> None:
        pass

    def annotate(self, texts, kind_hints=None, progress=None) -> list[Annotation]:
        annotations = []
        for text in texts:
            number = zlib.crc32(text.encode("utf-8"))
            actors = [ACTORS[number % 3], ACTORS[(number // 3) % 3]] if number % 4 == 0 else []
            annotations.append(
                Annotation(
                    "pl",
                    KINDS[number % len(KINDS)],
                    ["basic_needs"] if number % 2 else ["education", "other"],
                    actors=actors,
                    sectors=sorted({actor.sector for actor in actors}),
                    districts=["wola"] if number % 3 == 0 else [],
                    lemmas=[word.strip(".,:;()").lower() for word in text.split() if len(word) > 3],
                )
            )
        if progress:
            progress(len(texts))
        return annotations


@pytest.fixture
def stand_in(monkeypatch):
    monkeypatch.setattr("pipeline.cache.code_version", lambda: "pinned")
    monkeypatch.setattr("pipeline.build.Annotator", StandInAnnotator)


@pytest.fixture
def updates(monkeypatch) -> list[str]:
    """The audiences of the databases written incrementally (not whole)."""
    written: list[str] = []
    original = pipeline.publish.write.update_database

    def recording(db, audience, changes):
        written.append(audience.name)
        return original(db, audience, changes)

    monkeypatch.setattr("pipeline.publish.write.update_database", recording)
    return written


def database_rows(path: Path) -> dict[str, list]:
    """Every table's rows with their rowids, in rowid order (FTS tables by their content,
    not their b-tree pages; WITHOUT ROWID tables sorted), the schema, and search matches
    in the order the site's searches read them (rowid)."""
    with sqlite3.connect(path) as connection:
        tables = {
            name: sql
            for name, sql in connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
            )
            if not name.endswith(FTS_SHADOWS)
        }
        found = {
            name: list(connection.execute(f"SELECT rowid, * FROM [{name}] ORDER BY rowid"))
            if not sql.endswith("WITHOUT ROWID")
            else sorted(connection.execute(f"SELECT * FROM [{name}]"), key=repr)
            for name, sql in tables.items()
        }
        found["schema"] = sorted(
            connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"), key=repr
        )
        for word in SEARCH_WORDS:
            for table in ("items", "recommendations"):
                found[f"search {table} {word}"] = list(
                    connection.execute(
                        f"SELECT {table}_fts.rowid, {table}.id FROM {table}_fts JOIN {table} "
                        f"ON {table}.rowid = {table}_fts.rowid WHERE {table}_fts MATCH ? "
                        f"ORDER BY {table}_fts.rowid",
                        (word,),
                    )
                )
    return found


def search_page_results(path: Path) -> list[dict]:
    """What the site's search page (db/plugins/search_page.py) shows for a few words."""
    datasette = site(path)
    return [
        get(datasette, f"/{path.stem}/-/szukaj.json", params={"q": word}).json()
        for word in SEARCH_WORDS
    ]


def assert_same_databases(one: Path, other: Path) -> None:
    for name in (one, internal_path_for(one)):
        first = database_rows(name)
        second = database_rows(other.with_name(name.name.replace(one.stem, other.stem)))
        assert first.keys() == second.keys()
        for table, rows in first.items():
            assert rows == second[table], f"{name.name}: {table} differs"
    assert search_page_results(one) == search_page_results(other)


def copy_notes(target: Path) -> Path:
    shutil.copytree(NOTES, target)
    return target


def test_incremental_build_after_a_change_an_addition_and_a_deletion_equals_a_full_build(
    tmp_path, stand_in, updates
):
    notes = copy_notes(tmp_path / "notes")
    db_path = tmp_path / "incremental" / "rekomendacje.db"
    build(notes, db_path)
    assert updates == []  # nothing to start from: written whole

    changed = notes / "2022-05-27" / "grupa-1-potrzeby-podstawowe-I.md"
    text = changed.read_text(encoding="utf-8")
    changed.write_text(
        text.replace("\n- ", "\n- Pilne: ", 1) + "\n- Punkt pomocy prawnej na Woli dla dzieci.\n",
        encoding="utf-8",
    )
    (notes / "2022-06-30-wola").mkdir()
    (notes / "2022-06-30-wola" / "nowa.md").write_text(
        "---\ngroup: Nowa grupa\n---\n# Rekomendacje\n\n- Punkt pomocy prawnej na Woli.\n"
        "- Kursy polskiego dla dorosłych.\n\n(zdjęcie flipchartu)\n",
        encoding="utf-8",
    )
    (notes / "2022-05-27" / "grupa-4-rynek-pracy-flipchart.txt").unlink()
    incremental = build(notes, db_path)
    assert updates == ["public", "internal"]

    full_path = tmp_path / "full" / "rekomendacje.db"
    full = build(notes, full_path, use_cache=False)
    assert (incremental.items, incremental.recommendations) == (full.items, full.recommendations)
    assert_same_databases(db_path, full_path)

    # Unchanged notes: the databases are updated, and still equal.
    build(notes, db_path)
    assert updates == ["public", "internal"] * 2
    assert_same_databases(db_path, full_path)


def test_a_database_replaced_or_removed_since_is_written_whole(tmp_path, stand_in, updates):
    notes = copy_notes(tmp_path / "notes")
    db_path = tmp_path / "db" / "rekomendacje.db"
    build(notes, db_path)
    internal_path_for(db_path).unlink()
    with sqlite3.connect(db_path) as connection:
        connection.execute("DELETE FROM items WHERE rowid IN (SELECT rowid FROM items LIMIT 3)")
    build(notes, db_path)
    assert updates == []  # the public file changed since it was written, the internal is gone
    full_path = tmp_path / "full" / "rekomendacje.db"
    build(notes, full_path, use_cache=False)
    assert_same_databases(db_path, full_path)


@pytest.fixture
def settled(monkeypatch):
    """Files the test wrote a moment ago count as settled (`stable_stat` trusts them)."""
    monkeypatch.setattr("pipeline.ingest.files.RECENT_NS", 0)


@pytest.fixture
def loaded(monkeypatch) -> list[str]:
    """The note files read (not known unchanged from the cache), by relative path."""
    paths: list[str] = []
    original = pipeline.ingest.load_note

    def recording(note_file):
        paths.append(note_file.relative)
        return original(note_file)

    monkeypatch.setattr("pipeline.ingest.load_note", recording)
    return paths


@pytest.fixture
def annotated(monkeypatch) -> list[str]:
    """The texts the stand-in annotator was asked to annotate."""
    texts: list[str] = []
    original = StandInAnnotator.annotate

    def recording(self, batch, kind_hints=None, progress=None):
        texts.extend(batch)
        return original(self, batch, kind_hints, progress)

    monkeypatch.setattr(StandInAnnotator, "annotate", recording)
    return texts


def test_files_unchanged_since_the_last_build_are_not_read_again(
    tmp_path, stand_in, settled, loaded, annotated
):
    notes = copy_notes(tmp_path / "notes")
    db_path = tmp_path / "incremental" / "rekomendacje.db"
    build(notes, db_path)
    loaded.clear()
    annotated.clear()
    build(notes, db_path)
    assert loaded == [] and annotated == []

    # One letter of an item changed: the same size, and the modification time put back
    # (as `cp -p` or `rsync -t` would); the change time still tells.
    edited = notes / "2022-05-27" / "grupa-1-potrzeby-podstawowe-I.md"
    before = edited.stat()
    text = edited.read_text(encoding="utf-8")
    at = text.index("\n- ") + 3
    edited.write_text(text[:at] + ("X" if text[at] != "X" else "Y") + text[at + 1 :], "utf-8")
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (edited.stat().st_size, edited.stat().st_mtime_ns) == (
        before.st_size,
        before.st_mtime_ns,
    )
    moved = notes / "2022-05-27" / "grupa-4-rynek-pracy-przeniesiona.txt"
    (notes / "2022-05-27" / "grupa-4-rynek-pracy-flipchart.txt").rename(moved)
    (notes / "2022-06-14-bielany" / "spotkanie-robocze.md").unlink()
    build(notes, db_path)
    assert sorted(loaded) == [
        "2022-05-27/grupa-1-potrzeby-podstawowe-I.md",
        "2022-05-27/grupa-4-rynek-pracy-przeniesiona.txt",
    ]
    # The renamed note's items keep their annotations; only the edited item is new.
    assert len(annotated) == 1 and annotated[0].startswith(("X", "Y"))

    full_path = tmp_path / "full" / "rekomendacje.db"
    build(notes, full_path, use_cache=False)
    assert_same_databases(db_path, full_path)


def test_another_code_version_reads_every_file_again(
    tmp_path, stand_in, settled, loaded, monkeypatch
):
    notes = copy_notes(tmp_path / "notes")
    db_path = tmp_path / "db" / "rekomendacje.db"
    build(notes, db_path)
    read_first = sorted(loaded)
    loaded.clear()
    monkeypatch.setattr("pipeline.cache.code_version", lambda: "another")
    build(notes, db_path)
    assert sorted(loaded) == read_first and read_first


def test_a_file_stat_is_trusted_only_once_the_file_has_settled(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("- punkt\n", encoding="utf-8")
    status = path.stat()
    written = max(status.st_mtime_ns, status.st_ctime_ns)
    assert stable_stat(status, now_ns=written + 1) is None
    assert stable_stat(status, now_ns=written + RECENT_NS - 1) is None
    settled = stable_stat(status, now_ns=written + RECENT_NS + 1)
    assert settled == (
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
        status.st_ino,
        status.st_dev,
    )


# A small knowledge base, built from a few numbers, for the property below.


def knowledge_base(notes: dict[str, list[str]], grouping: int) -> KnowledgeBase:
    """Notes with their items' texts; items whose text checksum agrees modulo `grouping`
    form one cluster; every note's first, fourth … item is a partnership."""
    annotator = StandInAnnotator()
    items = [
        Item(f"{note_id}-{position}", note_id, position, text, position + 1, heading="Rekomendacje")
        for note_id, texts in sorted(notes.items())
        for position, text in enumerate(texts)
    ]
    annotations = dict(
        zip((item.id for item in items), annotator.annotate([i.text for i in items]), strict=True)
    )
    groups: dict[int, list[str]] = {}
    for item in items:
        groups.setdefault(zlib.crc32(item.text.encode()) % grouping, []).append(item.id)
    clusters = [
        Cluster(f"r-{members[0]}", tuple(members), members[-1]) for members in groups.values()
    ]
    member = PartnershipMember("Fundacja Ocalenie", "ngo", "fundacja-ocalenie")
    return KnowledgeBase(
        notes=[
            Note(note_id, f"{note_id}.md", str(len(texts)), "md", group_name=f"Grupa {note_id}")
            for note_id, texts in notes.items()
        ],
        items=items,
        annotations=annotations,
        clusters=clusters,
        organizations=[Organization("fundacja-ocalenie", "Fundacja Ocalenie", "ngo")],
        partnerships=[
            Partnership(f"p-{item.id}", item.id, "ngo", (member, member), "agreed", "district")
            for item in items
            if item.position % 3 == 0
        ],
        # one or two skipped lines, which name the note's first item: a changed note keeps
        # its number of skipped lines or not
        skipped_lines=[
            SkippedLine(note_id, line, f"Lista obecności {note_id}: {texts[0]}", "not an item")
            for note_id, texts in notes.items()
            for line in range(1, 2 + len(texts) % 2)
        ],
    )


TEXTS = st.sampled_from(
    [
        "Punkt informacyjny na Woli.",
        "Kursy polskiego dla dorosłych.",
        "Anna Kowalska prowadzi dyżury, tel. 601 234 567.",
        "Brak mieszkań dla rodzin z dziećmi.",
        "Fundacja Ocalenie i Urząd Dzielnicy Wola otworzą punkt pomocy.",
        "Pomoc psychologiczna dla dzieci w szkołach.",
    ]
)
NOTE_SETS = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e"]), st.lists(TEXTS, min_size=1, max_size=4), min_size=1
)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=NOTE_SETS, after=NOTE_SETS, grouping=st.integers(1, 4))
def test_updating_any_database_gives_what_writing_it_whole_gives(
    tmp_path_factory, before, after, grouping
):
    folder = tmp_path_factory.mktemp("property")
    path, whole = folder / "rekomendacje.db", folder / "whole.db"
    first = fingerprints(knowledge_base(before, grouping), "v")
    written = write_database(knowledge_base(before, grouping), path, PUBLIC, None, first)
    second = knowledge_base(after, grouping + 1)
    current = fingerprints(second, "v")
    # However much changed, update the database (a real build would write it whole).
    with patch("pipeline.publish.update.MAX_CHANGED_SHARE", float("inf")):
        plan = plan_update(written, current, path)
        write_database(second, path, PUBLIC, written, current)
    write_database(second, whole, PUBLIC)
    assert plan is not None
    assert plan.notes == {
        note for note in set(before) | set(after) if before.get(note) != after.get(note)
    }
    assert database_rows(path) == database_rows(whole)


def test_a_large_change_or_another_version_means_a_full_write(tmp_path):
    path = tmp_path / "rekomendacje.db"
    kb = knowledge_base({"a": ["Punkt informacyjny na Woli."], "b": ["Kursy polskiego."]}, 2)
    written = write_database(kb, path, PUBLIC, None, fingerprints(kb, "v"))
    assert written is not None and written.stat == file_stat(path)
    same = plan_update(written, fingerprints(kb, "v"), path)
    assert same is not None and not (same.notes or same.clusters or same.links)
    assert plan_update(written, fingerprints(kb, "another code version"), path) is None
    edited = knowledge_base({"a": ["Inny tekst."], "b": ["Jeszcze inny."]}, 2)
    assert plan_update(written, fingerprints(edited, "v"), path) is None  # every note
    stale = Written(written.fingerprints, (0, 0, 0))
    assert plan_update(stale, fingerprints(kb, "v"), path) is None


def test_a_database_of_another_schema_is_written_whole(tmp_path, monkeypatch):
    path, whole = tmp_path / "rekomendacje.db", tmp_path / "whole.db"
    kb = knowledge_base({"a": ["Punkt informacyjny na Woli."], "b": ["Kursy polskiego."]}, 2)
    written = write_database(kb, path, PUBLIC, None, fingerprints(kb, "v"))
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE build_info SET value = 'old' WHERE key = 'schema_version'")
        connection.execute("CREATE TABLE leftover (x)")
    previous = Written(written.fingerprints, file_stat(path))
    updated: list[str] = []
    monkeypatch.setattr(
        "pipeline.publish.write.update_database", lambda *args: updated.append("update")
    )
    write_database(kb, path, PUBLIC, previous, fingerprints(kb, "v"))
    write_database(kb, whole, PUBLIC)
    assert updated == []
    assert database_rows(path) == database_rows(whole)


def test_fingerprints_depend_on_values_not_on_shared_objects():
    kb = knowledge_base({"a": ["Punkt informacyjny na Woli.", "Kursy."], "b": ["Kursy."]}, 2)
    read_back = pickle.loads(pickle.dumps(kb))
    apart = copy.deepcopy(kb)
    apart.annotations = {key: copy.deepcopy(value) for key, value in kb.annotations.items()}
    assert fingerprints(kb, "v") == fingerprints(read_back, "v") == fingerprints(apart, "v")
    other = knowledge_base({"a": ["Punkt informacyjny na Woli.", "Kursy."], "b": ["Inne."]}, 2)
    assert fingerprints(other, "v").notes["a"] == fingerprints(kb, "v").notes["a"]
    assert fingerprints(other, "v").notes["b"] != fingerprints(kb, "v").notes["b"]


@pytest.mark.parametrize(
    ("texts", "rewritten"),
    [
        (["Anna Kowalska prowadzi dyżury, tel. 601 234 567."], []),  # as many skipped lines
        (["Kursy polskiego.", "Inne."], ["skipped_lines"]),  # one more skipped line
    ],
)
def test_skipped_lines_are_updated_in_place_while_their_number_is_kept(
    tmp_path, monkeypatch, texts, rewritten
):
    path, whole = tmp_path / "rekomendacje.db", tmp_path / "whole.db"
    notes = {"a": ["Punkt informacyjny na Woli."], "b": ["Kursy polskiego."], "c": ["Kursy."]}
    before = knowledge_base(notes, 2)
    written = write_database(before, path, PUBLIC, None, fingerprints(before, "v"))
    after = knowledge_base({**notes, "b": texts}, 2)
    rewrites: list[str] = []
    rewrite = pipeline.publish.update._rewrite_in_order
    monkeypatch.setattr(
        "pipeline.publish.update._rewrite_in_order",
        lambda db, table, order, first: (rewrites.append(table), rewrite(db, table, order, first)),
    )
    with patch("pipeline.publish.update.MAX_CHANGED_SHARE", float("inf")):
        write_database(after, path, PUBLIC, written, fingerprints(after, "v"))
    write_database(after, whole, PUBLIC)
    assert rewrites == rewritten
    assert database_rows(path) == database_rows(whole)


@pytest.mark.parametrize("copy_fails", [False, True])
def test_a_database_changed_while_copied_or_not_copied_is_written_whole(
    tmp_path, monkeypatch, copy_fails
):
    path, whole = tmp_path / "rekomendacje.db", tmp_path / "whole.db"
    kb = knowledge_base({"a": ["Punkt informacyjny na Woli."], "b": ["Kursy polskiego."]}, 2)
    written = write_database(kb, path, PUBLIC, None, fingerprints(kb, "v"))
    copy = shutil.copyfile

    def copy_then_touch(source, target):
        if copy_fails:
            raise OSError("no space left on device")
        copy(source, target)
        os.utime(source, ns=(0, 0))  # the file changed while it was copied

    monkeypatch.setattr("pipeline.publish.temporary.shutil.copyfile", copy_then_touch)
    updated: list[str] = []
    monkeypatch.setattr(
        "pipeline.publish.write.update_database", lambda *args: updated.append("update")
    )
    # Copied once the update is planned (the file still as written), then found changed.
    write_database(kb, path, PUBLIC, written, fingerprints(kb, "v"), TemporaryFile(path))
    write_database(kb, whole, PUBLIC)
    assert updated == []
    assert database_rows(path) == database_rows(whole)
    assert list(tmp_path.glob(".build-*")) == []
