"""release: dated, versioned copies of the public database with a changelog."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import date

import pytest
from click.testing import CliRunner
from research_sample import sample_knowledge_base, without_items

from pipeline.cli import cli
from pipeline.errors import RekomendacjeError
from pipeline.publish import write_databases
from pipeline.publish.write import INTERNAL, write_database
from pipeline.records import Annotation, Cluster, Item
from pipeline.release import Changes, make_release, next_version, read_index

FIRST_DAY, SECOND_DAY = date(2022, 6, 1), date(2022, 7, 1)


def with_new_recommendation(knowledge_base):
    """The knowledge base plus one new item (a new cluster) and one more mention of courses."""
    new = Item(
        id="g2-interpreters",
        note_id="g2",
        position=99,
        line=99,
        text="Potrzebni są tłumacze w przychodniach.",
    )
    courses = Item(
        id="g2-courses",
        note_id="g2",
        position=100,
        line=100,
        text="Kursy polskiego także dla seniorów.",
    )
    annotations = dict(knowledge_base.annotations)
    annotations[new.id] = Annotation("pl", "recommendation", ["health_protection"])
    annotations[courses.id] = Annotation("pl", "recommendation", ["information_language"])
    clusters = [
        replace(c, item_ids=c.item_ids + (courses.id,)) if c.id == "r-courses" else c
        for c in knowledge_base.clusters
    ] + [Cluster("r-interpreters", (new.id,), new.id)]
    return replace(
        knowledge_base,
        items=knowledge_base.items + [new, courses],
        annotations=annotations,
        clusters=clusters,
    )


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    """Three builds: the sample, the sample grown, and the grown one without a partnership."""
    folder = tmp_path_factory.mktemp("builds")
    first, second, third = (folder / f"build-{n}.db" for n in (1, 2, 3))
    write_databases(sample_knowledge_base(), first)
    grown = with_new_recommendation(sample_knowledge_base())
    write_databases(grown, second)
    write_databases(without_items(grown, {"g7-partnership"}), third)
    return first, second, third


def test_first_release_is_1_0_0_dated_with_index_and_changelog(databases, tmp_path):
    out = tmp_path / "releases"
    release = make_release(databases[0], out, FIRST_DAY)
    assert release.database == "rekomendacje-1.0.0-2022-06-01.db"
    copy = sqlite3.connect(out / release.database)
    assert copy.execute("select count(*) from recommendations").fetchone()[0] == 14
    assert [r.version for r in read_index(out)] == ["1.0.0"]
    index = json.loads((out / "releases.json").read_text("utf-8"))["releases"][0]
    assert index["counts"]["items"] == 23 and index["schema_version"] == "1"
    assert "Pierwsze wydanie / First release." in (out / release.changelog).read_text("utf-8")


def test_added_recommendation_bumps_minor_and_the_changelog_lists_changes(databases, tmp_path):
    out = tmp_path / "releases"
    make_release(databases[0], out, FIRST_DAY)
    release = make_release(databases[1], out, SECOND_DAY)
    assert release.version == "1.1.0"
    assert release.database == "rekomendacje-1.1.0-2022-07-01.db"
    changelog = (out / release.changelog).read_text("utf-8")
    assert "## Nowe rekomendacje / Added (1)" in changelog
    assert "`r-interpreters` (recommendation): Potrzebni są tłumacze w przychodniach." in changelog
    assert "## Zmienione poparcie / Changed support (1)" in changelog
    assert "`r-courses`" in changelog and "groups 2 → 3, mentions 2 → 3" in changelog
    assert "## Usunięte / Removed (0)" in changelog
    assert [r.version for r in read_index(out)] == ["1.0.0", "1.1.0"]


def test_removed_partnership_is_listed_and_bumps_minor(databases, tmp_path):
    out = tmp_path / "releases"
    make_release(databases[1], out, FIRST_DAY)
    release = make_release(databases[2], out, SECOND_DAY)
    assert release.version == "1.1.0"
    changelog = (out / release.changelog).read_text("utf-8")
    assert "## Usunięte partnerstwa / Removed partnerships (1)" in changelog
    assert "`p-g7-partnership`" in changelog
    assert "`r-g7-partnership`" in changelog  # its cluster is gone too


def test_unchanged_database_is_refused(databases, tmp_path):
    out = tmp_path / "releases"
    make_release(databases[0], out, FIRST_DAY)
    with pytest.raises(RekomendacjeError, match="nothing changed since release 1.0.0"):
        make_release(databases[0], out, SECOND_DAY)
    assert len(read_index(out)) == 1


def test_internal_database_is_never_released(tmp_path):
    internal = tmp_path / "internal.db"
    write_database(sample_knowledge_base(), internal, INTERNAL)
    with pytest.raises(RekomendacjeError, match="internal database"):
        make_release(internal, tmp_path / "releases", FIRST_DAY)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (None, "1.0.0"),
        (Changes(schema_changed=True), "2.0.0"),
        (Changes(new_partnerships=[{"id": "p-x"}]), "1.3.0"),
        (Changes(removed=[{"id": "r-x"}]), "1.3.0"),
        (Changes(support_changed=[({}, {})]), "1.2.4"),
    ],
)
def test_next_version_is_semantic(changes, expected):
    previous = None if changes is None else "1.2.3"
    assert next_version(previous, changes) == expected


def test_release_command_prints_the_version_and_files(databases, tmp_path):
    out = tmp_path / "releases"
    result = CliRunner().invoke(cli, ["release", "--db", str(databases[0]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("release 1.0.0: ")
    again = CliRunner().invoke(cli, ["release", "--db", str(databases[0]), "--out", str(out)])
    assert again.exit_code == 2 and "nothing changed" in again.output
