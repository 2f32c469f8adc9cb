"""Pre-tested regular expressions: the strings every match contains, read from the pattern."""

import pytest

from pipeline.nlp.lexicons import kind_patterns
from pipeline.nlp.patterns import PrefilteredPattern, requirements
from pipeline.nlp.text import fold


def test_literal_parts_of_a_pattern_are_required():
    assert requirements(r"\bdo\s+\d{1,2}[./]\d{1,2}") == [{"do"}, {".", "/"}]
    assert requirements(r"\b(?:kto|who)\s*[:.]") == [{"kto", "who"}, {":", "."}]


@pytest.mark.parametrize(
    "pattern", [r"\b\d{3}[ -]?\d{3}", r"(?i)zoom", r"[^a]+", r"(?:x|\d)y?", r"(?i:ab)c?"]
)
def test_what_cannot_be_told_adds_no_condition(pattern):
    assert requirements(pattern) == []


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Ola (CWK) - lista wolontariuszy do 15.06", {"task"}),
        ("brak tlumaczy -> dyzury w OPS!!", {"recommendation"}),
        ("UD + NGO + firma: wspolny punkt", {"partnership"}),
        ("Spotkanie online, kontakt: ola@example.org, tel. 600 700 800", {"other"}),
        ("Бракує перекладачів у школах", set()),
        ("Schools need interpreters by 15 June", {"task"}),
    ],
)
def test_kind_patterns_find_what_the_plain_expressions_find(text, kinds):
    folded = fold(text)
    found = {kind for kind, pattern in kind_patterns() if pattern.search(folded)}
    assert found == kinds
    assert found == {kind for kind, pattern in kind_patterns() if pattern.expression.search(folded)}


def test_a_text_without_the_literals_is_not_searched():
    pattern = PrefilteredPattern.join([r"\bdo\s+konca\s+\w+"])
    assert pattern.search("do konca czerwca")
    assert not pattern.search("do polowy czerwca")
