"""db/research-queries.yaml: every example query runs on the sample database and gives
what the sample knowledge base says, computed here in Python."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict

import pytest
from research_sample import ITEMS, NOTES, sample_knowledge_base

from pipeline.analysis import research_queries
from pipeline.vocabulary import codes, districts

QUERIES = research_queries()
KB = sample_knowledge_base()
ANNOTATIONS = KB.annotations


def group_of(item_id: str) -> str:
    return NOTES[ITEMS[item_id][0]][0]


def cluster_groups() -> dict[str, set[str]]:
    return {c.id: {group_of(i) for i in c.item_ids} for c in KB.clusters}


def kind_of(cluster) -> str:
    return ANNOTATIONS[cluster.canonical_item_id].kind


@pytest.fixture(scope="module")
def run(sample_db):
    connection = sqlite3.connect(sample_db)
    connection.row_factory = sqlite3.Row

    def rows(name: str) -> list[sqlite3.Row]:
        return connection.execute(QUERIES[name].sql).fetchall()

    yield rows
    connection.close()


def test_at_least_ten_queries_each_with_title_bilingual_question_and_sql():
    assert len(QUERIES) >= 10
    for query in QUERIES.values():
        assert query.title and " / " in query.title
        assert query.question_pl.endswith("?") and query.question_en.endswith("?")
        assert query.sql.lstrip().lower().startswith("select")


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_returns_rows(run, name):
    assert len(run(name)) >= 1


def test_most_supported_recommendation_has_the_most_groups(run):
    groups = cluster_groups()
    expected = max(
        (c for c in KB.clusters if kind_of(c) == "recommendation"),
        key=lambda c: (len(groups[c.id]), len(c.item_ids)),
    )
    top = run("most_supported_recommendations")[0]
    assert (top["id"], top["groups"], top["mentions"]) == ("r-housing", 5, 6)
    assert top["id"] == expected.id and top["groups"] >= 3


def test_agreed_by_every_group_is_the_recommendation_all_groups_raised(run):
    all_groups = {group for group, *_ in NOTES.values()}
    expected = [c.id for c in KB.clusters if cluster_groups()[c.id] == all_groups]
    assert [row["id"] for row in run("agreed_by_every_group")] == expected == ["r-housing"]


def test_themes_by_district_counts_recommendations_and_their_support(run):
    rows = run("themes_by_district")
    assert [(r["district"], r["theme"], r["recommendations"], r["support"]) for r in rows] == [
        ("bielany", "information_language", 1, 2),
        ("wola", "basic_needs", 1, 5),
    ]


def test_cross_sector_share_equals_the_share_computed_from_the_partnerships(run):
    totals, cross = Counter(), Counter()
    for partnership in KB.partnerships:
        sectors = {member.sector for member in partnership.members}
        for district in partnership.districts or ("city",):
            totals[district] += 1
            cross[district] += len(sectors) >= 2
    rows = run("cross_sector_share_by_district")
    assert {row["district"]: row["partnerships"] for row in rows} == dict(totals)
    for row in rows:
        assert 0 <= row["cross_sector_share"] <= 1
        district = row["district"]
        assert row["cross_sector_share"] == round(cross[district] / totals[district], 3)
    assert {row["district"]: row["cross_sector_share"] for row in rows}["bielany"] == 0.5


def test_bridging_organizations_reach_the_other_sectors_of_their_partners(run):
    reached: dict[str, set[str]] = defaultdict(set)
    for partnership in KB.partnerships:
        for member in partnership.members:
            reached[member.organization_id] |= {
                other.sector for other in partnership.members if other.sector != member.sector
            }
    rows = run("bridging_organizations")
    assert {row["id"]: row["other_sectors"] for row in rows} == {
        organization: len(sectors) for organization, sectors in reached.items() if sectors
    }
    assert (rows[0]["id"], rows[0]["other_sectors"]) == ("unhcr", 4)


def test_central_government_recommendations_name_a_central_government_actor(run):
    expected = [
        c.id
        for c in KB.clusters
        if kind_of(c) == "recommendation"
        and any("central_government" in ANNOTATIONS[i].sectors for i in c.item_ids)
    ]
    assert [row["id"] for row in run("central_government_recommendations")] == expected
    assert expected == ["r-procedure"]


def test_problems_without_partner_are_those_no_partnership_shares_theme_and_district(run):
    # g1-flats (housing on Wola) is answered by the Wola partnership; the psychologists on
    # Mokotów are not: no partnership on health, none on Mokotów.
    assert [row["id"] for row in run("problems_without_partner")] == ["r-g2-psychologists"]


def test_languages_by_group_count_every_item_once(run):
    expected = Counter((group_of(i), ANNOTATIONS[i].language) for i in ITEMS)
    assert {(r["group_name"], r["language"]): r["items"] for r in run("languages_by_group")} == (
        dict(expected)
    )


def test_only_ukrainian_groups_are_recommendations_without_any_other_language_note(run):
    expected = [
        c.id
        for c in KB.clusters
        if kind_of(c) == "recommendation" and all(NOTES[ITEMS[i][0]][1] == "uk" for i in c.item_ids)
    ]
    assert [row["id"] for row in run("only_ukrainian_groups")] == expected == ["r-mothers"]


def test_partnerships_with_refugees_are_co_created_or_have_a_refugee_led_member(run):
    expected = {
        p.id
        for p in KB.partnerships
        if p.with_refugees or any(m.sector == "refugee_led" for m in p.members)
    }
    rows = run("partnerships_with_refugees")
    assert {row["id"] for row in rows} == expected == {"p-g5-partnership", "p-g7-partnership"}
    assert rows[0]["id"] == "p-g5-partnership" and rows[0]["with_refugees"] == 1


def test_good_practices_per_district_lists_all_districts_with_their_counts(run):
    expected = Counter(
        district
        for item_id, annotation in ANNOTATIONS.items()
        if annotation.kind == "good_practice"
        for district in annotation.districts
    )
    rows = run("good_practices_per_district")
    assert {row["district"] for row in rows} == set(districts())
    assert {row["district"]: row["good_practices"] for row in rows} == {
        code: expected[code] for code in districts()
    }


def test_needs_and_answers_by_theme_count_clusters_of_each_kind(run):
    expected: Counter = Counter()
    for cluster in KB.clusters:
        for theme in {t for i in cluster.item_ids for t in ANNOTATIONS[i].themes}:
            expected[theme, kind_of(cluster)] += 1
    rows = run("needs_and_answers_by_theme")
    assert [row["theme"] for row in rows] == list(codes("themes"))
    for row in rows:
        assert row["problems"] == expected[row["theme"], "problem"]
        assert row["partnerships"] == expected[row["theme"], "partnership"]
        assert row["recommendations"] == expected[row["theme"], "recommendation"]
