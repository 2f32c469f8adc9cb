"""analysis: the notebooks' helpers on the sample database."""

from __future__ import annotations

import pytest
from research_sample import ITEMS

from pipeline.analysis import (
    DATABASE_VARIABLE,
    PROJECT_ROOT,
    Matrix,
    connect,
    count_items,
    database_path,
    gaps,
    group_count,
    label,
    run_query,
    support_distribution,
    theme_district_matrix,
)


@pytest.fixture(scope="module")
def connection(sample_db):
    connection = connect(sample_db)
    yield connection
    connection.close()


def test_database_path_comes_from_the_environment_or_the_project(monkeypatch, tmp_path):
    monkeypatch.setenv(DATABASE_VARIABLE, str(tmp_path / "x.db"))
    assert database_path() == tmp_path / "x.db"
    monkeypatch.delenv(DATABASE_VARIABLE)
    monkeypatch.chdir(tmp_path)
    assert database_path() == PROJECT_ROOT / "db" / "rekomendacje.db"


def test_labels_come_from_the_taxonomy_and_district_names():
    assert label("sectors", "refugee_led") == "organizacja uchodźcza / diaspora"
    assert label("kinds", "problem", "en") == "problem / challenge"
    assert label("districts", "praga_poludnie") == "Praga-Południe"


def test_item_counts_and_groups(connection):
    assert count_items(connection, "kind")["recommendation"] == 14
    assert sum(count_items(connection, "language").values()) == len(ITEMS)
    assert count_items(connection, "group")["Spotkanie robocze Bielany"] == 4
    assert count_items(connection, "theme")["basic_needs"] == 11
    assert group_count(connection) == 5


def test_support_distribution_counts_recommendations_by_groups(connection):
    assert support_distribution(connection) == {5: 1, 2: 3, 1: 1}


def test_theme_district_matrices_and_gaps(connection):
    problems = theme_district_matrix(connection, "problem")
    answers = theme_district_matrix(connection, "partnership").plus(
        theme_district_matrix(connection, "good_practice")
    )
    assert problems.total() == 2
    # Partnerships: Wola (2 themes), Bielany (two, 2 + 1 themes); good practices: 2.
    assert answers.total() == 7
    assert gaps(problems, answers) == [("health_protection", "mokotow", 1)]


def test_matrices_of_other_shape_do_not_add():
    with pytest.raises(ValueError):
        Matrix(("a",), ("x",), ((1,),)).plus(Matrix(("b",), ("x",), ((1,),)))


def test_run_query_runs_a_research_query_by_name(connection):
    assert run_query(connection, "only_ukrainian_groups")[0]["id"] == "r-mothers"
