"""Stable ids: slugs and content-derived item ids."""

from __future__ import annotations

from pipeline.ids import ascii_fold, item_id, normalise_text, note_id, slugify


def test_slugify_folds_polish_and_ukrainian() -> None:
    assert slugify("Urząd Dzielnicy Praga-Południe") == "urzad-dzielnicy-praga-poludnie"
    assert slugify("Łódź, ŻÓŁW!") == "lodz-zolw"
    assert slugify("Український дім") == "ukrainskyi-dim"
    assert ascii_fold("Żółć і Їжак") == "Zolc i Izhak"


def test_note_id_is_the_slug_of_the_path_without_extension() -> None:
    assert (
        note_id("2022-05-27/Grupa 1 – potrzeby podstawowe I.md")
        == "2022-05-27-grupa-1-potrzeby-podstawowe-i"
    )
    assert note_id("grupa-1-potrzeby-podstawowe.docx") == "grupa-1-potrzeby-podstawowe"


def test_item_id_depends_on_normalised_text_and_occurrence() -> None:
    assert normalise_text("  Punkt\u00a0 A\n") == "punkt a"
    first = item_id("n", "Punkt A", 0)
    assert first == item_id("n", "punkt   a", 0)
    assert first != item_id("n", "Punkt A", 1)
    assert first.startswith("n-") and len(first) == len("n-") + 8
