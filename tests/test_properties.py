"""Properties of segment, annotate and dedupe on any text: no crash, one output per input,
valid codes only, nothing lost, the same result every time.

One Annotator serves the module (it trains its model when constructed); examples are few
and deadlines off, so the file stays within seconds of its Annotator's construction.
"""

from __future__ import annotations

import sqlite3
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline.dedupe.incremental as incremental
from pipeline.annotate import Annotator
from pipeline.dedupe import DedupeStore, cluster_items
from pipeline.records import AnnotatedItem, Annotation, Note, NoteDocument
from pipeline.segment import segment_document
from pipeline.vocabulary import codes, districts

# Letters and marks the notes are written in, the pieces that shape segmentation
# (bullets, headings, emphasis, arrows, comments, rules, names), and any other character.
TOKEN = st.one_of(
    st.sampled_from(list("aąbcćdeęfghijklłmnńoóprsśtuwyzźż AĄĆĘŁŃÓŚŹŻ.,;:!?…()\"'„”")),
    st.sampled_from(list("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГ")),
    st.sampled_from(
        [
            "- ",
            "* ",
            "• ",
            "1. ",
            "a) ",
            "# ",
            "## ",
            "**",
            "__",
            "-> ",
            "→ ",
            "<!--",
            "-->",
            "---",
            "| ",
            "\t",
            "   ",
            "Rekomendacje",
            "Problemy",
            "UD Wola",
            "OPS",
            "na Woli",
            "UNHCR",
            "Fundacja Ocalenie",
        ]
    ),
    st.characters(codec="utf-8"),
)
TEXT = st.lists(TOKEN, max_size=50).map("".join)
LINE = TEXT.map(lambda text: text.replace("\n", " ").replace("\r", " "))
LINES = st.lists(LINE, min_size=1, max_size=25)
# No example database: CI starts clean, and the working tree stays free of .hypothesis/.
FEW = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def document(lines: list[str], front_matter: tuple[str, ...] = (), fmt: str = "md") -> NoteDocument:
    note = Note(id="notatka", path="notatka.md", sha256="0" * 64, format=fmt)
    return NoteDocument(note, tuple(lines), len(front_matter) + 1, front_matter)


@FEW
@given(LINES, st.booleans(), st.sampled_from(["md", "txt", "docx"]))
def test_segmentation_loses_no_line_and_is_deterministic(lines, with_front_matter, fmt):
    front = ("---", "event: Spotkanie", "---") if with_front_matter else ()
    doc = document(lines, front, fmt)
    items, skipped = segment_document(doc)
    assert (items, skipped) == segment_document(doc)
    total = len(front) + len(lines)
    in_items: set[int] = set()
    for item in items:
        in_items.update(range(item.line, (item.end_line or item.line) + 1))
        assert item.text.strip() and item.note_id == "notatka"
    skipped_lines = [entry.line for entry in skipped]
    # Each line is in items (a prose line may hold several sentences) or skipped once.
    assert len(set(skipped_lines)) == len(skipped_lines)
    assert not in_items & set(skipped_lines)
    assert in_items | set(skipped_lines) == set(range(1, total + 1))
    assert [item.position for item in items] == list(range(len(items)))
    assert len({item.id for item in items}) == len(items)
    kinds = set(codes("kinds"))
    assert all(item.kind_hint is None or item.kind_hint in kinds for item in items)


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return Annotator()


def assert_valid(annotation: Annotation) -> None:
    assert annotation.language in codes("languages")
    assert annotation.kind in codes("kinds")
    assert annotation.themes and set(annotation.themes) <= set(codes("themes"))
    assert annotation.sectors == sorted(set(annotation.sectors))
    assert set(annotation.sectors) <= set(codes("sectors"))
    assert {actor.sector for actor in annotation.actors} == set(annotation.sectors)
    assert set(annotation.districts) <= set(districts())
    if annotation.partnership_type is not None:
        assert annotation.kind == "partnership" and len(annotation.actors) >= 2


@FEW
@given(st.lists(TEXT, min_size=1, max_size=8), st.data())
def test_annotation_gives_one_valid_result_per_text(annotator, texts, data):
    hints = data.draw(
        st.lists(
            st.one_of(st.none(), st.sampled_from([*codes("kinds"), "Rekomendacje", "Problemy"])),
            min_size=len(texts),
            max_size=len(texts),
        )
    )
    annotations = annotator.annotate(texts, hints)
    assert len(annotations) == len(texts)
    for annotation in annotations:
        assert_valid(annotation)
    assert annotator.annotate(texts, hints) == annotations
    # Each text's result does not depend on the others in its batch.
    assert annotator.annotate(texts[:1], hints[:1]) == annotations[:1]


ANNOTATIONS = st.builds(
    Annotation,
    language=st.sampled_from(codes("languages")),
    kind=st.sampled_from(codes("kinds")),
    themes=st.lists(st.sampled_from(codes("themes")), min_size=1, max_size=3, unique=True),
    districts=st.lists(st.sampled_from(sorted(districts())), max_size=2, unique=True),
    lemmas=st.lists(
        st.sampled_from(
            [
                "punkt",
                "informacyjny",
                "mieszkanie",
                "kurs",
                "język",
                "polski",
                "psycholog",
                "wola",
                "praca",
            ]
        ),
        min_size=1,
        max_size=6,
    ),
)


# Segmentation makes items only of text with a letter or digit (see segment._finish).
ITEM_TEXT = TEXT.filter(lambda text: any(char.isalnum() for char in text))


@FEW
@given(
    st.lists(
        st.tuples(ITEM_TEXT, ANNOTATIONS, st.sampled_from(["g1", "g2", None])),
        min_size=1,
        max_size=20,
    ),
    st.randoms(use_true_random=False),
)
def test_deduplication_covers_every_item_once_in_any_order(entries, random):
    items = [
        AnnotatedItem(f"item-{number:03d}", text, annotation, group)
        for number, (text, annotation, group) in enumerate(entries)
    ]
    clusters = cluster_items(items)
    members = [item_id for cluster in clusters for item_id in cluster.item_ids]
    assert sorted(members) == sorted(item.id for item in items)
    assert len({cluster.id for cluster in clusters}) == len(clusters)
    for cluster in clusters:
        assert cluster.canonical_item_id in cluster.item_ids
        kinds = {item.annotation.kind for item in items if item.id in cluster.item_ids}
        assert len(kinds) == 1  # kinds are never merged with each other
    shuffled = list(items)
    random.shuffle(shuffled)
    assert cluster_items(shuffled) == clusters


@FEW
@given(
    st.lists(st.tuples(ITEM_TEXT, ANNOTATIONS), min_size=1, max_size=16),
    st.lists(st.tuples(ITEM_TEXT, ANNOTATIONS), max_size=6),
    st.randoms(use_true_random=False),
)
def test_incremental_deduplication_equals_a_full_run(first, later, random):
    items = [
        AnnotatedItem(f"item-{number:03d}", text, annotation)
        for number, (text, annotation) in enumerate(first)
    ]
    store = DedupeStore(sqlite3.connect(":memory:"), "test")
    # Any share of changed items follows the changes rather than running in full.
    with mock.patch.object(incremental, "MAX_CHANGED_SHARE", 10.0):
        cluster_items(items, store=store)
        edited = [entry for entry in items if random.random() < 0.7]
        for number, (text, annotation) in enumerate(later):
            item_id = f"new-{number:03d}"
            if edited and random.random() < 0.3:  # a reworded item keeps its id
                item_id = edited.pop(random.randrange(len(edited))).id
            edited.append(AnnotatedItem(item_id, text, annotation))
        assert cluster_items(edited, store=store) == cluster_items(edited)


def test_deduplication_of_items_without_terms():
    annotation = Annotation("pl", "recommendation", ["other"])
    items = [AnnotatedItem("a", "a", annotation), AnnotatedItem("b", "…", annotation)]
    assert sorted(cluster.item_ids for cluster in cluster_items(items)) == [("a",), ("b",)]
