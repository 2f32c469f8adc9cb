"""The Datasette site: landing page, facets, lemma search, canned queries, access, escaping."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette
from test_publish import sample_knowledge_base

from pipeline.errors import RekomendacjeError
from pipeline.publish import serve_command, write_databases
from pipeline.publish.serve import CONFIG_DIR

HASH_VARIABLE = "REKOMENDACJE_ANALYST_PASSWORD_HASH"


def site(public: Path, internal: Path | None = None) -> Datasette:
    """A Datasette configured as `serve_command` configures it."""
    return Datasette(
        immutables=[str(path) for path in (public, internal) if path],
        metadata=yaml.safe_load((CONFIG_DIR / "metadata.yaml").read_text(encoding="utf-8")),
        template_dir=str(CONFIG_DIR / "templates"),
        plugins_dir=str(CONFIG_DIR / "plugins"),
        static_mounts=[("static", str(CONFIG_DIR / "static"))],
        settings={"sql_time_limit_ms": 3000, "max_returned_rows": 1000},
    )


@pytest.fixture(scope="module")
def paths(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("site")
    public, internal = folder / "rekomendacje.db", folder / "rekomendacje-internal.db"
    write_databases(sample_knowledge_base(), public, internal)
    return public, internal


@pytest.fixture(scope="module")
def datasette(paths) -> Datasette:
    return site(*paths)


def get(datasette: Datasette, path: str, **kwargs):
    return asyncio.run(datasette.client.get(path, **kwargs))


def test_landing_page_is_polish_and_links_every_canned_query(datasette):
    response = get(datasette, "/")
    assert response.status_code == 200
    assert "Rekomendacje: wsparcie uchodźców w dzielnicach Warszawy" in response.text
    for query in (
        "najczesciej_popierane",
        "rekomendacje_dla_dzielnicy",
        "rekomendacje_w_obszarze",
        "wspolpraca_miedzysektorowa",
        "poziom_centralny",
        "problemy_bez_odpowiedzi",
        "wyszukiwanie",
    ):
        assert f"/rekomendacje/{query}" in response.text
    assert '<option value="praga_poludnie">Praga-Południe</option>' in response.text
    assert "rekomendacje 2 · problemy 2" in response.text
    assert "z 9 wypowiedzi w 3 notatkach" in response.text


def test_search_with_an_inflected_word_finds_other_forms(datasette):
    response = get(datasette, "/rekomendacje/items.json?_search=mieszkań&_shape=array")
    assert sorted(row["id"] for row in response.json()) == ["grupa-1-a", "grupa-1-b", "grupa-2-a"]
    response = get(datasette, "/rekomendacje/recommendations.json?_search=житло&_shape=array")
    assert [row["id"] for row in response.json()] == ["r-housing"]


def test_table_pages_describe_tables_and_columns(datasette):
    page = get(datasette, "/rekomendacje/items").text
    assert "Wypowiedzi — jeden punkt lub zdanie notatki z etykietami" in page
    assert "Brakuje psychologów mówiących po ukraińsku na Mokotowie." in page
    page = get(datasette, "/rekomendacje/recommendations/r-housing").text
    assert "Należy zwiększyć liczbę mieszkań interwencyjnych na Woli." in page


def test_table_facets_come_from_the_configuration(datasette):
    facets = get(datasette, "/rekomendacje/items.json").json()["facet_results"]
    assert {"kind", "themes", "districts", "sectors"} <= set(facets)
    kinds = {value["value"]: value["count"] for value in facets["kind"]["results"]}
    assert kinds == {"recommendation": 4, "problem": 2, "other": 2, "partnership": 1}
    themes = {value["value"]: value["count"] for value in facets["themes"]["results"]}
    assert themes["basic_needs"] == 4
    partnerships = get(datasette, "/rekomendacje/partnerships.json").json()["facet_results"]
    assert {"partnership_type", "status"} <= set(partnerships)


def query_ids(datasette: Datasette, path: str) -> list[str]:
    response = get(datasette, path + ("&" if "?" in path else "?") + "_shape=array")
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()]


def test_canned_queries_answer_the_landing_page_questions(datasette):
    assert query_ids(datasette, "/rekomendacje/najczesciej_popierane.json")[0] == "r-housing"
    assert query_ids(datasette, "/rekomendacje/rekomendacje_dla_dzielnicy.json?district=wola") == [
        "r-housing"
    ]
    assert query_ids(datasette, "/rekomendacje/rekomendacje_dla_dzielnicy.json?district=Wola") == [
        "r-housing"
    ]
    assert query_ids(
        datasette, "/rekomendacje/rekomendacje_w_obszarze.json?theme=education_awareness"
    ) == ["r-grupa-2-b"]
    assert query_ids(datasette, "/rekomendacje/wspolpraca_miedzysektorowa.json") == ["p-grupa-1-d"]
    assert query_ids(datasette, "/rekomendacje/poziom_centralny.json") == ["r-grupa-2-b"]
    assert query_ids(datasette, "/rekomendacje/problemy_bez_odpowiedzi.json") == ["r-grupa-2-c"]


def test_lemma_search_queries_order_matches_and_show_the_matched_passage(datasette):
    response = get(datasette, "/rekomendacje/wyszukiwanie.json?q=mieszkaniach&_shape=array")
    rows = response.json()
    # Most supported first: three groups, then one.
    assert [row["id"] for row in rows] == ["r-housing", "r-grupa-1-a"]
    fragments = " ".join(row["fragment"] for row in rows)
    assert "«mieszkań»" in fragments
    items = get(
        datasette, "/rekomendacje/wyszukiwanie_wypowiedzi.json?q=szkoła&_shape=array"
    ).json()
    assert [(row["id"], row["grupa"]) for row in items] == [
        ("grupa-2-b", "Grupa 2: Zdrowie i edukacja")
    ]


def test_text_from_notes_is_escaped(datasette):
    response = get(datasette, "/rekomendacje/items/grupa-2-d")
    assert "&lt;script&gt;alert" in response.text
    assert "<script>alert" not in response.text


def test_internal_database_needs_the_signed_in_analyst(datasette):
    for path in (
        "/rekomendacje-internal",
        "/rekomendacje-internal/notes",
        "/rekomendacje-internal.db",
        "/rekomendacje-internal/notes.json?_shape=array",
    ):
        assert get(datasette, path).status_code == 403, path
    assert get(datasette, "/rekomendacje-internal?sql=select+1").status_code == 403
    cookie = {"ds_actor": datasette.sign({"a": {"id": "analyst"}}, "actor")}
    response = get(datasette, "/rekomendacje-internal/notes.json?_shape=array", cookies=cookie)
    assert response.status_code == 200
    assert response.json()[0]["facilitator"] == "Katarzyna Wiśniewska"
    assert get(datasette, "/rekomendacje/notes").status_code == 200


def test_serve_command_configures_datasette(paths, monkeypatch):
    public, internal = paths
    argv = serve_command([public], port=8123)
    assert argv[1:4] == ["-m", "datasette", "serve"]
    assert argv[argv.index("-i") + 1] == str(public)
    assert argv[argv.index("--metadata") + 1] == str(CONFIG_DIR / "metadata.yaml")
    assert argv[argv.index("--plugins-dir") + 1] == str(CONFIG_DIR / "plugins")
    assert ["--setting", "sql_time_limit_ms", "3000"] == argv[
        argv.index("sql_time_limit_ms") - 1 :
    ][:3]
    assert ["--port", "8123", "--host", "127.0.0.1"] == argv[argv.index("--port") :][:4]
    monkeypatch.delenv(HASH_VARIABLE, raising=False)
    with pytest.raises(RekomendacjeError, match=HASH_VARIABLE):
        serve_command([public, internal], port=8123)
    monkeypatch.setenv(HASH_VARIABLE, "pbkdf2_sha256$480000$salt$hash")
    assert str(internal) in serve_command([public, internal], port=8123)


def test_internal_database_has_its_own_description_and_the_same_queries(datasette):
    cookie = {"ds_actor": datasette.sign({"a": {"id": "analyst"}}, "actor")}
    page = get(datasette, "/rekomendacje-internal", cookies=cookie).text
    assert "Baza wewnętrzna: oryginalne notatki" in page
    assert "/rekomendacje-internal/najczesciej_popierane" in page


def test_no_plugin_can_write_or_upload(datasette):
    names = {plugin["name"] for plugin in get(datasette, "/-/plugins.json").json()}
    assert names <= {
        "datasette-auth-passwords",
        "datasette-cluster-map",
        "datasette-vega",
        "datasette-leaflet",
        "access.py",
        "lemma_search.py",
        "search_page.py",
        "search_requests.py",
        "site_config.py",
    }


def test_a_search_of_the_big_tables_skips_facets_and_the_exact_count(datasette):
    searched = get(datasette, "/rekomendacje/items.json?_search=mieszkań").json()
    assert sorted(row[0] for row in searched["rows"]) == ["grupa-1-a", "grupa-1-b", "grupa-2-a"]
    assert searched["facet_results"] == {}
    assert searched["filtered_table_rows_count"] is None
    browsed = get(datasette, "/rekomendacje/items.json").json()
    assert "kind" in browsed["facet_results"]
    asked = get(datasette, "/rekomendacje/items.json?_search=mieszkań&_facet=kind").json()
    kinds = {value["value"]: value["count"] for value in asked["facet_results"]["kind"]["results"]}
    assert kinds == {"recommendation": 2, "problem": 1}


def test_password_hash_is_not_published(paths, monkeypatch):
    monkeypatch.setenv(HASH_VARIABLE, "pbkdf2_sha256$480000$secretsalt$secrethash")
    text = get(site(*paths), "/-/metadata.json").text
    assert "secrethash" not in text
    assert HASH_VARIABLE in text


def test_researchers_example_queries_are_canned_queries_of_the_public_database(datasette):
    from pipeline.analysis import research_queries

    response = get(datasette, "/rekomendacje.json")
    names = {query["name"] for query in response.json()["queries"]}
    assert set(research_queries()) <= names
    rows = get(datasette, "/rekomendacje/most_supported_recommendations.json?_shape=array").json()
    assert rows[0]["id"] == "r-housing"
    internal = get(datasette, "/rekomendacje-internal.json")
    assert internal.status_code == 403
