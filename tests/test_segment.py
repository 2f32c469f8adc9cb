"""Segmentation: items, headings and hints, and the line accounting ("nothing lost")."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import section
from pipeline.ingest import read_note
from pipeline.records import Item, Note, NoteDocument, SkippedLine
from pipeline.segment import kind_hint, segment_document

NOTE = Note(id="n", path="n.md", sha256="0" * 64, format="md")


def segment(text: str, front_matter: tuple[str, ...] = ()) -> tuple[list[Item], list[SkippedLine]]:
    document = NoteDocument(NOTE, tuple(text.split("\n")), len(front_matter) + 1, front_matter)
    return segment_document(document)


def texts(items: list[Item]) -> list[str]:
    return [item.text for item in items]


def assert_every_line_accounted(items, skipped, total: int) -> None:
    covered = [n for item in items for n in range(item.line, item.end_line + 1)]
    skipped_lines = [line.line for line in skipped]
    assert len(skipped_lines) == len(set(skipped_lines))
    assert set(covered).isdisjoint(skipped_lines)
    assert set(covered) | set(skipped_lines) == set(range(1, total + 1))


MIXED = """# Grupa 1 – potrzeby podstawowe

Notatka: K. Wróblewska, uzupełnienia z flipchartu: Tomasz (PCPM). Obecnych 17 osób
z 9 dzielnic.

## Problemy

- Brak mieszkań
  na wynajem, zwłaszcza dla matek.
- **Kaucja** to bariera
  - nested: brak poręczeń
---
* ...

1) OPS są przeciążone
2. Kolejki po PESEL
a) **Trudny dostęp do lekarzy**
"""


def test_mixed_note_items_and_accounting() -> None:
    front = ("---", "event: x", "---")
    items, skipped = segment(MIXED, front)
    assert texts(items) == [
        "Notatka: K. Wróblewska, uzupełnienia z flipchartu: Tomasz (PCPM).",
        "Obecnych 17 osób z 9 dzielnic.",
        "Brak mieszkań na wynajem, zwłaszcza dla matek.",
        "**Kaucja** to bariera",
        "nested: brak poręczeń",
        "OPS są przeciążone",
        "Kolejki po PESEL",
        "Trudny dostęp do lekarzy",
    ]
    assert [(item.line, item.end_line) for item in items] == [
        (6, 6),
        (6, 7),
        (11, 12),
        (13, 13),
        (14, 14),
        (18, 18),
        (19, 19),
        (20, 20),
    ]
    assert [item.position for item in items] == list(range(8))
    assert items[0].kind_hint is None and items[0].heading == "Grupa 1 – potrzeby podstawowe"
    assert {item.kind_hint for item in items[2:]} == {"problem"}
    reasons = {line.line: line.reason for line in skipped}
    assert [reasons[n] for n in (1, 2, 3, 4, 5, 9, 15, 16)] == [
        "front matter",
        "front matter",
        "front matter",
        "heading",
        "blank",
        "heading",
        "rule",
        "no text",
    ]
    assert_every_line_accounted(items, skipped, len(front) + len(MIXED.split("\n")))


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("Problemy", "problem"),
        ("WYZWANIA I BARIERY", "problem"),
        ("Dobre praktyki", "good_practice"),
        ("Co dziala", "good_practice"),
        ("Postulaty", "recommendation"),
        ("Partnerstwa / ustalenia", "partnership"),
        ("Współpraca", "partnership"),
        ("Następne kroki", "task"),
        ("NASTEPNE KROKI", "task"),
        ("Kto co kiedy?", "task"),
        ("Проблеми", "problem"),
        ("Рекомендації", "recommendation"),
        ("Партнерства / домовленості", "partnership"),
        ("Наступні кроки", "task"),
        ("Good practices", "good_practice"),
        ("Partnerships / agreements", "partnership"),
        ("Next steps", "task"),
        ("Problemy i rekomendacje", None),
        ("Grupa 1 – potrzeby podstawowe I", None),
        ("Group 7 – Networking and systemic action", None),
    ],
)
def test_headings_give_kind_hints(heading: str, kind: str | None) -> None:
    assert kind_hint(heading) == kind


def test_bold_caps_and_colon_lines_are_headings() -> None:
    items, skipped = segment(
        "**Rekomendacje:**\n- a\n\nPROBLEMY\n- b\n\nNastępne kroki:\n- c\n\n"
        "WSPOLNE / systemowe\n- d\n\n1) ROMOWIE\n- e\n\nUczestnicy mówili o wielu sprawach:\n- f"
    )
    assert [(item.text, item.heading, item.kind_hint) for item in items] == [
        ("a", "Rekomendacje", "recommendation"),
        ("b", "PROBLEMY", "problem"),
        ("c", "Następne kroki", "task"),
        ("d", "WSPOLNE / systemowe", None),
        ("e", "ROMOWIE", None),
        ("f", "Uczestnicy mówili o wielu sprawach", None),
    ]
    assert [line.line for line in skipped if line.reason == "heading"] == [1, 4, 7, 10, 13, 16]


def test_subheadings_inherit_the_hint_of_their_section() -> None:
    items, _ = segment("## Rekomendacje\n### Mieszkania\n- a\n## Inne\n- b")
    assert [(i.heading, i.kind_hint) for i in items] == [
        ("Mieszkania", "recommendation"),
        ("Inne", None),
    ]


def test_flipchart_arrows() -> None:
    items, _ = segment(
        "REKOMENDACJE\n"
        "- brak opieki nad dziecmi -> mamy nie moga isc do pracy\n"
        "  -> trzeba klubu malucha\n"
        "+ KIK - osobny hostel\n"
        "-> Rekom.: mediator romski przy OPS\n"
        "-> szkolenie antydyskryminacyjne"
    )
    assert [(i.text, i.line, i.end_line, i.kind_hint) for i in items] == [
        (
            "brak opieki nad dziecmi -> mamy nie moga isc do pracy -> trzeba klubu malucha",
            2,
            3,
            "recommendation",
        ),
        ("KIK - osobny hostel", 4, 4, "recommendation"),
        ("Rekom.: mediator romski przy OPS", 5, 5, "recommendation"),
        ("szkolenie antydyskryminacyjne", 6, 6, "recommendation"),
    ]


def test_inline_prefix_overrides_the_section_hint() -> None:
    items, _ = segment("Problemy:\n- Postulat: punkt w każdej dzielnicy\n- brak punktów")
    assert [i.kind_hint for i in items] == ["recommendation", "problem"]


def test_flipchart_lines_without_punctuation_stay_apart() -> None:
    items, _ = segment(
        "GRUPA 4 - RYNEK PRACY / aktywizacja I\n27.05 CWK, flipchart (przepisala Ola)"
    )
    assert texts(items) == [
        "GRUPA 4 - RYNEK PRACY / aktywizacja I",
        "27.05 CWK, flipchart (przepisala Ola)",
    ]


def test_wrapped_prose_is_joined_and_split_into_sentences() -> None:
    prose = (
        "Spotkanie odbyło się przy ul. Traktorzystów, m.in. z udziałem OPS i szkół z\n"
        "Ursusa. Rodzice pytali np. o kursy polskiego dla dorosłych w godzinach\n"
        "wieczornych. Następne spotkanie we wrześniu."
    )
    items, _ = segment(prose)
    assert [(i.text, i.line, i.end_line) for i in items] == [
        (
            "Spotkanie odbyło się przy ul. Traktorzystów, m.in. z udziałem OPS i szkół z Ursusa.",
            1,
            2,
        ),
        ("Rodzice pytali np. o kursy polskiego dla dorosłych w godzinach wieczornych.", 2, 3),
        ("Następne spotkanie we wrześniu.", 3, 3),
    ]


def test_too_long_line_is_skipped_and_the_rest_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(section("segment"), "max_line_chars", 50)
    items, skipped = segment("- krótki punkt\n- " + "x" * 400 + "\n- drugi punkt")
    assert texts(items) == ["krótki punkt", "drugi punkt"]
    [long_line] = skipped
    assert (long_line.line, long_line.reason) == (2, "too long")
    assert len(long_line.text) == section("segment")["skipped_text_chars"]


def test_table_rows_are_items() -> None:
    items, skipped = segment("| Kto | Co |\n|---|---|\n| **OPS** | lista |")
    assert texts(items) == ["Kto | Co", "OPS | lista"]
    assert [(s.line, s.reason) for s in skipped] == [(2, "rule")]


def test_item_ids_survive_lines_added_above_and_repeat_safely() -> None:
    items, _ = segment("- Punkt A\n- punkt  a\n- Punkt B")
    moved, _ = segment("Nowy wstęp.\n\n- Punkt A\n- punkt  a\n- Punkt B")
    assert [i.id for i in items] == [i.id for i in moved[1:]]
    assert len({i.id for i in items}) == 3
    assert all(i.id.startswith("n-") and len(i.id) == 10 for i in items)


def test_real_files_account_for_every_line(tmp_path: Path) -> None:
    raw = (
        "---\r\nevent: Spotkanie\r\n---\r\n\r\n## Ustalenia\r\n- UD Wola + PAH: punkt\r\n"
        "  mieszkaniowy\r\n\r\nRóżne. Uwagi\r\n***\r\n- !!!\r\n"
    )
    path = tmp_path / "spotkanie.md"
    path.write_bytes(raw.encode("cp1250"))
    document = read_note(path, tmp_path)
    items, skipped = segment_document(document)
    assert [(i.text, i.kind_hint, i.line) for i in items] == [
        ("UD Wola + PAH: punkt mieszkaniowy", "partnership", 6),
        ("Różne.", "partnership", 9),
        ("Uwagi", "partnership", 9),
    ]
    assert [(s.line, s.reason) for s in skipped] == [
        (1, "front matter"),
        (2, "front matter"),
        (3, "front matter"),
        (4, "blank"),
        (5, "heading"),
        (8, "blank"),
        (10, "rule"),
        (11, "no text"),
    ]
    assert_every_line_accounted(items, skipped, 11)


def test_a_short_line_naming_a_problem_is_not_a_heading() -> None:
    items, skipped = segment("Problemy i wyzwania\n\nProblem z kaucją\n\nDobre praktyki")
    assert [(i.text, i.kind_hint) for i in items] == [("Problem z kaucją", "problem")]
    assert [s.reason for s in skipped] == ["heading", "blank", "blank", "heading"]


def test_template_guidance_comments_and_empty_bullets_become_no_items() -> None:
    template = Path(__file__).parents[1] / "notes" / "TEMPLATE.md"
    if not template.exists():
        pytest.skip("notes/TEMPLATE.md is not in this checkout")
    document = read_note(template, template.parent)
    items, skipped = segment_document(document)
    assert items == []
    reasons = {s.reason for s in skipped}
    assert reasons == {"front matter", "blank", "heading", "comment", "no text"}
    assert_every_line_accounted(items, skipped, len(document.front_matter) + len(document.lines))


def test_comment_on_one_line_and_over_several() -> None:
    items, skipped = segment("- a\n<!-- uwaga -->\n<!--\n- b\n-->\n- c")
    assert texts(items) == ["a", "c"]
    assert [(s.line, s.reason) for s in skipped] == [
        (2, "comment"),
        (3, "comment"),
        (4, "comment"),
        (5, "comment"),
    ]


def test_docx_paragraphs_are_never_joined(tmp_path: Path) -> None:
    from docx import Document

    word = Document()
    word.add_heading("Rekomendacje", level=2)
    word.add_paragraph("Krótki wstęp bez kropki")
    word.add_paragraph("Drugi akapit, też bez kropki")
    word.add_paragraph("Punkt listy", style="List Bullet")
    word.add_paragraph("Akapit po liście")
    word.save(str(tmp_path / "n.docx"))
    items, _ = segment_document(read_note(tmp_path / "n.docx", tmp_path))
    assert [(i.text, i.line, i.kind_hint) for i in items] == [
        ("Krótki wstęp bez kropki", 2, "recommendation"),
        ("Drugi akapit, też bez kropki", 3, "recommendation"),
        ("Punkt listy", 4, "recommendation"),
        ("Akapit po liście", 5, "recommendation"),
    ]


LINE_SHAPES = [
    "",
    "   ",
    "# Problemy",
    "PROBLEMY:",
    "**Rekomendacje:**",
    "---",
    "- Brak mieszkań na Woli.",
    "  - zagnieżdżony punkt",
    "  dalszy ciąg punktu",
    "-> strzałka",
    "1) ROMOWIE",
    "2. Kolejki po PESEL",
    "* ...",
    "| a | b |",
    "|---|---|",
    "<!-- uwaga",
    "-->",
    "Zdanie pierwsze. Zdanie drugie przy ul. Żeromskiego",
    "zawinięta linia prozy bez kropki",
    "Tak!",
]


@given(st.lists(st.sampled_from(LINE_SHAPES) | st.text(max_size=40), max_size=40))
@settings(max_examples=300, deadline=None)
def test_every_line_is_accounted_for_exactly_once(lines: list[str]) -> None:
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    items, skipped = segment(text)
    assert_every_line_accounted(items, skipped, len(text.split("\n")))
    assert all(item.text == item.text.strip() and item.text for item in items)
