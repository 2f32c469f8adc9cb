"""cache: unchanged notes are neither segmented nor annotated again; results equal a full build."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from test_incremental import assert_same_databases

import pipeline.annotate
from pipeline.build import build
from pipeline.cache import (
    code_version,
    default_cache_path,
    items_digest,
    model_version,
    open_cache,
)
from pipeline.cached_stages import annotate_items, segment_notes
from pipeline.ingest import read_notes
from pipeline.packing import RecordTable, pack_known_items, unpack_known_items
from pipeline.records import (
    Actor,
    Annotation,
    Item,
    KnownItem,
    Partnership,
    PartnershipMember,
)

SAMPLE_NOTES = Path(__file__).resolve().parent.parent / "notes"
# A few sample notes of different formats keep the three builds below quick.
SAMPLE_FILES = (
    "2022-05-27/grupa-1-potrzeby-podstawowe-I.md",
    "2022-05-27/grupa-4-rynek-pracy-flipchart.txt",
    "2022-05-27/grupa-2-potrzeby-podstawowe-II.docx",
    "2022-05-27/grupa-7-sieciowanie-systemowe-en.md",
)


def copy_sample(target: Path) -> Path:
    for relative in SAMPLE_FILES:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLE_NOTES / relative, target / relative)
    return target


class FakeAnnotator:
    """Annotates every text as a recommendation and records what it was asked."""

    def __init__(self, log: list[str]) -> None:
        self.log = log

    def annotate(self, texts, kind_hints=None, progress=None) -> list[Annotation]:
        self.log.extend(texts)
        return [Annotation("pl", "recommendation", ["other"], lemmas=[text]) for text in texts]


def item(number: int, text: str) -> Item:
    return Item(f"n-{number}", "n", number, text, number + 1)


def test_default_cache_path_is_beside_the_database():
    assert default_cache_path(Path("db/rekomendacje.db")) == Path("db/.cache/rekomendacje.sqlite")


def test_model_version_changes_with_corrections(tmp_path):
    code = code_version()
    assert code == code_version()
    corrections = tmp_path / "corrections.csv"
    without = model_version(code, corrections, [])
    corrections.write_text("item_id,field,value\nx,kind,problem\n", encoding="utf-8")
    with_file = model_version(code, corrections, [])
    with_examples = model_version(code, corrections, [("Brak mieszkań.", {"kind": "problem"})])
    assert len({without, with_file, with_examples}) == 3


def test_annotator_is_built_only_for_missing_items(tmp_path):
    log: list[str] = []
    built: list[int] = []

    def make_annotator() -> FakeAnnotator:
        built.append(1)
        return FakeAnnotator(log)

    first = [item(0, "Punkt informacyjny na Woli."), item(1, "Kursy polskiego.")]
    with open_cache(tmp_path / "cache.sqlite") as cache:
        annotations = annotate_items(first, make_annotator, cache, "m1")
    assert [a.lemmas[0] for a in annotations] == [it.text for it in first]
    assert built == [1]

    with open_cache(tmp_path / "cache.sqlite") as cache:
        again = annotate_items(first, make_annotator, cache, "m1")
    assert built == [1]  # nothing missing: the slow Annotator is never constructed
    assert [a.lemmas for a in again] == [a.lemmas for a in annotations]

    second = [first[1], item(2, "Nowy punkt."), first[0]]
    with open_cache(tmp_path / "cache.sqlite") as cache:
        mixed = annotate_items(second, make_annotator, cache, "m1")
        assert cache.hits["annotations"] == 2 and cache.misses["annotations"] == 1
    assert log[2:] == ["Nowy punkt."]
    assert [a.lemmas[0] for a in mixed] == [it.text for it in second]

    with open_cache(tmp_path / "cache.sqlite") as cache:
        annotate_items(first, make_annotator, cache, "m2")  # another model: all again
    assert log[3:] == [it.text for it in first]


def test_unchanged_notes_are_not_segmented_again(tmp_path, monkeypatch):
    notes = copy_sample(tmp_path / "notes")
    ingested = read_notes(notes)
    with open_cache(tmp_path / "cache.sqlite") as cache:
        items, skipped = segment_notes(ingested, cache)
    assert cache.misses["segments"] == len(ingested.documents)

    calls: list[str] = []
    monkeypatch.setattr(
        "pipeline.cached_stages.segment_document",
        lambda document: calls.append(document.note.id) or ([], []),
    )
    with open_cache(tmp_path / "cache.sqlite") as cache:
        assert segment_notes(ingested, cache) == (items, skipped)
    assert calls == []

    changed = notes / SAMPLE_FILES[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n- Nowy punkt.\n", encoding="utf-8")
    with open_cache(tmp_path / "cache.sqlite") as cache:
        segment_notes(read_notes(notes), cache)
    assert calls == [ingested.documents[0].note.id]


def test_deleted_notes_are_pruned(tmp_path):
    notes = copy_sample(tmp_path / "notes")
    path = tmp_path / "cache.sqlite"
    with open_cache(path) as cache:
        segment_notes(read_notes(notes), cache)
    (notes / SAMPLE_FILES[1]).unlink()
    with open_cache(path) as cache:
        segment_notes(read_notes(notes), cache)
    with sqlite3.connect(path) as connection:
        kept = {row[0] for row in connection.execute("SELECT note_id FROM notes")}
    assert kept == {document.note.id for document in read_notes(notes).documents}
    assert len(kept) == len(SAMPLE_FILES) - 1


def test_a_damaged_cache_file_is_replaced(tmp_path):
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    with open_cache(path) as cache:
        assert cache.note_annotations("n", [item(0, "Tekst.")], "key") is None


def test_a_failed_build_commits_nothing(tmp_path):
    path = tmp_path / "cache.sqlite"
    first = item(0, "Tekst.")
    known = KnownItem(first, Annotation("pl", "problem", ["other"]), "fingerprint", None)
    with pytest.raises(RuntimeError), open_cache(path) as cache:
        cache.store_note_annotations("n", "m", "key", ["item key"], [known])
        assert cache.note_annotations("n", [first], "key") is not None
        raise RuntimeError("killed")
    with open_cache(path) as cache:
        assert cache.note_annotations("n", [first], "key") is None


def test_incremental_build_equals_a_full_build(tmp_path, monkeypatch):
    # The code version is pinned: this test is about notes changing, and a source file
    # edited while it runs (a shared working tree) would otherwise empty the cache.
    monkeypatch.setattr("pipeline.cache.code_version", lambda: "pinned")
    # One trained Annotator serves the three builds (no corrections: the same model).
    shared = pipeline.annotate.Annotator()
    monkeypatch.setattr("pipeline.build.Annotator", lambda extra_training=(): shared)
    notes = copy_sample(tmp_path / "notes")
    incremental_db = tmp_path / "incremental" / "rekomendacje.db"
    build(notes, incremental_db)

    changed = notes / SAMPLE_FILES[0]
    text = changed.read_text(encoding="utf-8")
    changed.write_text(
        text.replace("\n- ", "\n- Pilne: ", 1) + "\n- Należy otworzyć punkt pomocy na Bemowie.\n",
        encoding="utf-8",
    )
    (notes / SAMPLE_FILES[1]).unlink()
    annotated: list[str] = []
    original = pipeline.annotate.Annotator.annotate

    def recording(self, texts, *args, **kwargs):
        annotated.extend(texts)
        return original(self, texts, *args, **kwargs)

    monkeypatch.setattr(pipeline.annotate.Annotator, "annotate", recording)
    incremental = build(notes, incremental_db)
    changed_id = next(
        document.note.id
        for document in read_notes(notes).documents
        if document.note.path == SAMPLE_FILES[0]
    )
    assert annotated and len(annotated) <= 3  # the edited and the added line, nothing else
    assert "Należy otworzyć punkt pomocy na Bemowie." in annotated

    full_db = tmp_path / "full" / "rekomendacje.db"
    full = build(notes, full_db, use_cache=False)
    assert not (full_db.parent / ".cache").exists()
    assert (incremental.items, incremental.recommendations) == (full.items, full.recommendations)
    assert_same_databases(incremental_db, full_db)
    with sqlite3.connect(incremental_db) as connection:
        note_ids = {row[0] for row in connection.execute("SELECT note_id FROM items")}
    assert changed_id in note_ids and len(note_ids) == len(SAMPLE_FILES) - 1


def test_known_items_come_back_equal_with_actors_and_members_shared():
    wola = Actor("Urząd Dzielnicy Wola", "local_government", "urzad-dzielnicy-wola")
    ngo = Actor("organizacje pozarządowe", "ngo", generic=True)
    member = PartnershipMember(wola.name, wola.sector, wola.organization_id, role="lead")
    partnership = Partnership("p-n-1", "n-1", "local_government+ngo", (member,), "proposed", "city")
    items = [item(0, "Punkt na Woli."), item(1, "Punkt z NGO."), item(2, "Nic.")]
    known = [
        KnownItem(items[0], Annotation("pl", "problem", ["other"], [wola]), "f0", None),
        KnownItem(
            items[1],
            Annotation("pl", "partnership", [], [wola, ngo], scores={"kind": 0.5}),
            "f1",
            partnership,
        ),
        KnownItem(
            items[2], Annotation("en", "task", [], lemmas=["nic"], manual=["kind"]), "f2", None
        ),
    ]
    actors, members = RecordTable(Actor), RecordTable(PartnershipMember)
    again = unpack_known_items(items, pack_known_items(known), actors, members)
    assert again == known
    assert again[0].annotation.actors[0] is again[1].annotation.actors[0]
    other = unpack_known_items(items, pack_known_items(known), actors, members)
    assert other[1].partnership.members[0] is again[1].partnership.members[0]
    assert unpack_known_items([], pack_known_items([]), actors, members) == []
    with pytest.raises(ValueError):
        unpack_known_items(items[:2], pack_known_items(known), actors, members)


def test_the_items_key_of_segmented_items_is_that_of_equal_items_made_elsewhere(tmp_path):
    notes = copy_sample(tmp_path / "notes")
    ingested = read_notes(notes)
    with open_cache(tmp_path / "cache.sqlite") as cache:
        items, _ = segment_notes(ingested, cache)
    note_id = items[0].note_id
    note_items = [it for it in items if it.note_id == note_id]
    copies = [Item(*vars(it).values()) for it in note_items]
    with open_cache(tmp_path / "cache.sqlite") as cache:  # read from the stat, unchanged
        again, _ = segment_notes(read_notes(notes, known=cache), cache)
        given = [it for it in again if it.note_id == note_id]
        assert given == note_items and given[0] is not note_items[0]
        key = cache.items_key("m", note_id, given)
        assert key == cache.items_key("m", note_id, copies)
        assert key != cache.items_key("m2", note_id, given)
        assert key != cache.items_key("m", note_id, given[:-1])
        assert items_digest(given) == items_digest(copies)
