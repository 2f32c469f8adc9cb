"""pipeline/publish/search.py: the FTS5 query a visitor's words become, and the passage shown."""

from __future__ import annotations

import sqlite3

import pytest

from pipeline.publish.search import fts_query, passage


def test_each_word_matches_as_written_or_as_its_lemma():
    assert fts_query("mieszkań") == '("mieszkań" OR "mieszkanie")'
    assert fts_query("житла") == '("житла" OR "житло")'
    assert fts_query('"mieszkań interwencyjnych" Wola') == '"mieszkań interwencyjnych" AND "wola"'


@pytest.mark.parametrize(
    "words", ['"', "*", "OR", "a OR b", "NEAR(a b)", "text: a", "-a", "^a", 'a "b', "'; --", ""]
)
def test_any_input_is_a_valid_fts5_query(words):
    connection = sqlite3.connect(":memory:")
    connection.execute("create virtual table t using fts5(text)")
    connection.execute("insert into t values ('a b or near text')")
    connection.execute("select * from t where t match ?", [fts_query(words)]).fetchall()


def test_fts5_operators_are_quoted_words():
    expected = '("mieszkań" OR "mieszkanie") AND "or" AND "szkoła"'
    assert fts_query("mieszkań OR szkoła") == expected
    assert fts_query("*") == '""'


def test_passage_marks_every_form_of_the_words():
    text = "Rekomendujemy więcej mieszkań interwencyjnych w mieszkaniach komunalnych."
    assert passage(text, "mieszkanie") == (
        "Rekomendujemy więcej «mieszkań» interwencyjnych w «mieszkaniach» komunalnych."
    )


def test_passage_shows_the_words_around_the_first_match():
    text = " ".join(f"słowo{number}" for number in range(30)) + " szkoła na końcu"
    assert passage(text, "szkołach", width=4) == "…słowo28 słowo29 «szkoła» na…"


@pytest.mark.parametrize("query", ["psycholog", "", None])
def test_passage_without_a_match_is_the_beginning_of_the_text(query):
    assert passage("Brakuje tłumaczy w urzędzie.", query, width=2) == "Brakuje tłumaczy…"
    assert passage("Punkt.", query) == "Punkt."


@pytest.mark.parametrize("text", ["", None, "—"])
def test_passage_of_a_text_without_words_is_the_text(text):
    assert passage(text, "szkoła") == text
