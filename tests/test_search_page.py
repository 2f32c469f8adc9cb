"""The site's search page (db/plugins/search_page.py), where the landing page's box goes."""

from __future__ import annotations

import pytest
from test_datasette import get, site
from test_publish import sample_knowledge_base

from pipeline.errors import RekomendacjeError
from pipeline.publish import write_databases
from pipeline.publish.rowids import item_rowid, recommendation_rowid


@pytest.fixture(scope="module")
def datasette(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search-page")
    public, internal = folder / "rekomendacje.db", folder / "rekomendacje-internal.db"
    write_databases(sample_knowledge_base(), public, internal)
    return site(public, internal)


# One meeting: its notes in the order of their ids' hashes (grupa-2 first), then position.
HOUSING_ITEMS = ["grupa-2-a", "grupa-1-a", "grupa-1-b"]


def search(datasette, words: str, database: str = "rekomendacje", **kwargs) -> dict:
    response = get(datasette, f"/{database}/-/szukaj.json", params={"q": words}, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def ids(found: dict, key: str) -> list[str]:
    return [row["id"] for row in found[key]]


@pytest.mark.parametrize("words", ["mieszkaniach", "mieszkań", "mieszkanie", "MIESZKANIA"])
def test_any_form_of_a_word_finds_every_form(datasette, words):
    found = search(datasette, words)
    # Recommendations most supported first (3 groups, then 1); items in rowid order.
    assert ids(found, "recommendations") == ["r-housing", "r-grupa-1-a"]
    assert ids(found, "items") == HOUSING_ITEMS
    assert found["items"][0]["fragment"].startswith("Rekomendujemy więcej «mieszkań»")
    assert "«mieszkaniach»" in found["items"][0]["fragment"]
    assert found["items"][1]["grupa"] == "Grupa 1: Potrzeby podstawowe"


def test_ukrainian_words_find_ukrainian_items_in_another_form(datasette):
    found = search(datasette, "житло")
    assert ids(found, "items") == ["grupa-3-a"]
    assert "«житла»" in found["items"][0]["fragment"]
    assert ids(found, "recommendations") == ["r-housing"]


def test_quoted_words_are_an_exact_phrase(datasette):
    assert ids(search(datasette, '"mieszkań interwencyjnych"'), "items") == [
        "grupa-2-a",
        "grupa-1-b",
    ]
    assert ids(search(datasette, '"interwencyjnych mieszkań"'), "items") == []


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ('"', []),
        ("*", []),
        ("OR", []),
        ("NOT", []),
        ("mieszkań*", HOUSING_ITEMS),
        ("mieszkań OR szkołach", []),
        ("szkołach -mieszkań", []),
        ('mieszkań "', HOUSING_ITEMS),
        ("text: mieszkań", []),
        ("NEAR(mieszkań szkoła)", []),
        ("^mieszkań", HOUSING_ITEMS),
        ("'; drop table items; --", []),
    ],
)
def test_fts_syntax_is_searched_as_words(datasette, words, expected):
    # Operators are words here: "OR" must appear in the text, not join two searches.
    assert ids(search(datasette, words), "items") == expected


def test_items_are_searched_by_meeting_date_then_note_then_position():
    # The search reads the index in rowid order (pipeline/publish/rowids.py).
    assert item_rowid("2022-05-27", "zzz", 9) < item_rowid("2022-06-30", "aaa", 0)
    assert item_rowid(None, "a", 0) < item_rowid("1970-01-02", "a", 0)
    assert item_rowid("2022-05-27", "a", 1) == item_rowid("2022-05-27", "a", 0) + 1
    with pytest.raises(RekomendacjeError, match="position 65536"):
        item_rowid("2022-05-27", "a", 1 << 16)


def test_recommendations_are_searched_most_groups_first():
    assert (
        recommendation_rowid(3, "z") < recommendation_rowid(2, "a") < recommendation_rowid(1, "a")
    )
    assert recommendation_rowid(5000, "a") == recommendation_rowid(1023, "a")
    assert recommendation_rowid(1, "a") < 2**63


@pytest.mark.parametrize("words", ["", "   "])
def test_an_empty_search_shows_the_form_and_no_results(datasette, words):
    assert search(datasette, words) == {"q": "", "recommendations": [], "items": []}
    page = get(datasette, "/rekomendacje/-/szukaj", params={"q": words})
    assert page.status_code == 200
    assert 'action="/rekomendacje/-/szukaj"' in page.text
    assert "Wpisz słowa w dowolnej formie" in page.text
    assert "<table" not in page.text


def test_the_page_lists_both_kinds_of_results_with_links(datasette):
    page = get(datasette, "/rekomendacje/-/szukaj", params={"q": "szkołach"}).text
    assert 'value="szkołach"' in page
    assert '<a href="/rekomendacje/recommendations/r-grupa-2-b">' in page
    assert '<a href="/rekomendacje/items/grupa-2-b">' in page
    assert "…zmienić przepisy o zatrudnianiu asystentów w «szkołach».</a>" in page
    assert "/rekomendacje/wyszukiwanie_wypowiedzi?q=szko%C5%82ach" in page


def test_the_landing_page_search_box_opens_the_search_page(datasette):
    landing = get(datasette, "/").text
    assert '<form class="search" action="/rekomendacje/-/szukaj" method="get">' in landing


def test_text_is_escaped(datasette):
    page = get(datasette, "/rekomendacje/-/szukaj", params={"q": "alert"}).text
    assert "&lt;script&gt;«alert»" in page
    assert "<script>alert" not in page
    page = get(datasette, "/rekomendacje/-/szukaj", params={"q": '"><b>x'}).text
    assert 'value="&#34;&gt;&lt;b&gt;x"' in page


@pytest.mark.parametrize("words", ["Kowalska", "Anna", "601", "gmail", "Шевченко", "Wiśniewska"])
def test_no_personal_data_is_found_in_the_public_database(datasette, words):
    assert search(datasette, words) == {"q": words, "recommendations": [], "items": []}


def test_redacted_text_is_what_the_public_search_shows(datasette):
    found = search(datasette, "kontakt")
    assert [row["fragment"] for row in found["items"]] == [
        "«Kontakt»: [osoba], tel. [telefon], [e-mail]"
    ]
    page = get(datasette, "/rekomendacje/-/szukaj", params={"q": "Wola"}).text
    assert "Katarzyna Wiśniewska" not in page


def test_the_internal_database_search_is_for_the_analyst_only(datasette):
    response = get(datasette, "/rekomendacje-internal/-/szukaj.json", params={"q": "Kowalska"})
    assert response.status_code == 403
    cookie = {"ds_actor": datasette.sign({"a": {"id": "analyst"}}, "actor")}
    found = search(datasette, "Kowalska", database="rekomendacje-internal", cookies=cookie)
    assert ids(found, "items") == ["grupa-1-c"]


def test_an_unknown_database_is_not_found(datasette):
    assert get(datasette, "/nie-ma/-/szukaj.json", params={"q": "x"}).status_code == 404
