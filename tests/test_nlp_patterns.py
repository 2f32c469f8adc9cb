"""Pre-tested regular expressions: the strings every match contains, read from the pattern."""

import re

import pytest

from pipeline.nlp.lexicons import kind_patterns
from pipeline.nlp.patterns import PrefilteredPattern, requirements, start
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


@pytest.mark.parametrize(
    ("pattern", "begins"),
    [
        (r"\bdo\s+\d{1,2}", "do"),
        (r"\b(?:by|until)\s+", "by|until"),
        (r"\b\d{3}[ -]?\d{3}", r"[\d]"),
        (r"[^)a-c]+x", r"[^\)a-c]"),
        (r"ab?c", "a"),
        (r"^\s*\w+", None),
        (r"(?i)zoom", None),
        (r"(?:x|)y", None),
    ],
)
def test_what_a_match_begins_with(pattern, begins):
    assert start(pattern) == begins


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("xdo 15", False),  # "do" found, but inside a word
        ("xdo do 15", True),
        ("nr 12 lub 600 700 800", True),
        ("nr 12 lub 600x700", False),
        ("ab\ndo 1", True),
    ],
)
def test_a_search_from_where_a_match_can_begin_finds_what_the_expression_finds(text, found):
    pattern = PrefilteredPattern.join([r"\bdo\s+\d", r"\b\d{3}[ -]?\d{3}\b", r"^do"], re.M)
    assert pattern.search(text) is found
    assert (pattern.expression.search(text) is not None) is found
