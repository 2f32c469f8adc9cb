"""The rule-based sentence splitter."""

from __future__ import annotations

import pytest

from pipeline.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Punkt przy ul. Modlińskiej. Działa od marca.",
            ["Punkt przy ul. Modlińskiej.", "Działa od marca."],
        ),
        (
            "Byli m.in. OPS, np. PAH, tj. razem 9 org. Dobrze.",
            ["Byli m.in. OPS, np. PAH, tj. razem 9 org.", "Dobrze."],
        ),
        (
            "Spotkanie o godz. 16 w Urzędzie m.st. Warszawy, tel. 22 443 00 00. Koniec.",
            ["Spotkanie o godz. 16 w Urzędzie m.st. Warszawy, tel. 22 443 00 00.", "Koniec."],
        ),
        (
            "Prowadzi dr Joanna P. (PMM) i prof. Nowak. Zgoda!",
            ["Prowadzi dr Joanna P. (PMM) i prof. Nowak.", "Zgoda!"],
        ),
        (
            "Parafia św. Zygmunta, SP nr 103 itd. działają.",
            ["Parafia św. Zygmunta, SP nr 103 itd. działają."],
        ),
        (
            "Czy to działa? „Tak” – mówili. 40 osób przyszło… Dobrze.",
            ["Czy to działa?", "„Tak” – mówili.", "40 osób przyszło…", "Dobrze."],
        ),
        (
            "Вул. Ягеллонська, напр. 54. Наступна зустріч.",
            ["Вул. Ягеллонська, напр. 54.", "Наступна зустріч."],
        ),
        (
            "We agreed, e.g. UNHCR. Next steps follow.",
            ["We agreed, e.g. UNHCR.", "Next steps follow."],
        ),
        ("koszt 1.5 tys. zł. mało", ["koszt 1.5 tys. zł. mało"]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert [sentence for _, sentence in split_sentences(text)] == sentences


def test_offsets_point_at_each_sentence() -> None:
    text = "  Pierwsze zdanie.   Drugie."
    assert [(start, text[start : start + len(s)]) for start, s in split_sentences(text)] == [
        (2, "Pierwsze zdanie."),
        (21, "Drugie."),
    ]
