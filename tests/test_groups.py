import csv
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.errors import RekomendacjeError
from pipeline.groups import cluster_subjects, propose_groups, write_proposal_csv
from pipeline.groups.subjects import subject_keys
from pipeline.records import Registration
from pipeline.registrations import read_registrations

SAMPLE = Path(__file__).parent.parent / "notes" / "registrations" / "rejestracja-2022-05-27.csv"


@pytest.fixture(scope="module")
def registrations():
    return read_registrations(SAMPLE).rows


@pytest.fixture(scope="module")
def proposal(registrations):
    return propose_groups(registrations, min_size=8, max_size=18)


def person(
    number: int, sector: str | None, choices: tuple[str, ...], other: str | None = None
) -> Registration:
    return Registration(
        f"2022-05-20T10:{number:02d}:00",
        f"Osoba {number}",
        f"osoba{number}@example.org",
        f"Organizacja {number}",
        sector,
        None,
        choices,
        other,
        "",
        number + 2,
    )


def test_each_participant_in_exactly_one_group(proposal, registrations):
    assert [a.registration for a in proposal.assignments] == list(registrations)
    placed = Counter(a.group for a in proposal.assignments)
    assert {g.code: g.size for g in proposal.groups} == dict(placed)
    assert sum(placed.values()) == 120
    assert propose_groups(registrations, min_size=8, max_size=18) == proposal  # deterministic


def test_sizes_within_limits(proposal):
    assert all(8 <= group.size <= 18 for group in proposal.groups)
    assert len(proposal.groups) == 8
    assert proposal.left_out == ()


def test_every_group_mixes_at_least_three_sectors(proposal):
    assert proposal.sector_target == 3
    assert all(len(group.sectors) >= 3 for group in proposal.groups)
    assert proposal.groups_meeting_sector_target() == 8


def test_first_choice_for_at_least_80_percent(proposal):
    assert proposal.satisfaction >= 0.8
    assert proposal.satisfaction == pytest.approx(109 / 120)
    # 22 chose basic_needs first (4 over the limit of 18), and 7 chose an "inne"
    # subject too small for a group: nobody else could have had a first choice.
    assert proposal.best_satisfaction == pytest.approx(109 / 120)
    assert all(a.choice in (1, 2) for a in proposal.assignments)


def test_shared_inne_subject_becomes_an_extra_group(proposal):
    extra = [group for group in proposal.groups if group.code.startswith("other_")]
    assert [group.code for group in extra] == ["other_1"]
    assert "romsk" in extra[0].subject
    assert extra[0].first_choice_demand == 9
    members = [a for a in proposal.assignments if a.group == "other_1"]
    assert all("other" in a.registration.choices for a in members)
    small = {subject.subject: len(subject.lines) for subject in proposal.subjects[1:]}
    assert small == {
        "osoby spoza Ukrainy (TCN)": 5,
        "seniorzy z Ukrainy": 1,
        "osoby z niepełnosprawnościami": 1,
    }


def test_subject_keys_join_forms_of_the_same_subject():
    assert subject_keys("Romowie", 5) == subject_keys("uchodźcy romscy", 5) == {"roma"}
    assert subject_keys("obywatele państw trzecich", 5) >= {"third_country"}
    assert subject_keys("osoby z niepełnosprawnościami", 5) == {"disability"}
    requests = [
        person(1, "ngo", ("other",), "rodziny romskie"),
        person(2, "ngo", ("other",), "Romowie z Ukrainy"),
        person(3, "ngo", ("other",), "seniorzy"),
    ]
    clusters = cluster_subjects(requests, 0.5, 5)
    assert [c.lines for c in clusters] == [(3, 4), (5,)]


def test_repair_brings_three_sectors_into_single_sector_choices():
    # Each sector chose the same group first: without repair every group has one sector.
    plan = [
        ("local_government", ("basic_needs", "health_protection")),
        ("ngo", ("health_protection", "labour_market")),
        ("business", ("labour_market", "basic_needs")),
    ]
    people = [
        person(6 * index + n, sector, choices)
        for index, (sector, choices) in enumerate(plan)
        for n in range(6)
    ]
    result = propose_groups(people, min_size=4, max_size=8)
    assert [len(group.sectors) for group in result.groups] == [3, 3, 3]
    assert [group.size for group in result.groups] == [6, 6, 6]
    # Two newcomers per group: one can be on their second choice, one on none.
    assert Counter(a.choice for a in result.assignments) == {1: 12, 2: 3, None: 3}


def test_little_chosen_group_is_left_out_and_deterministic():
    people = [person(n, "ngo" if n % 2 else "business", ("basic_needs",)) for n in range(6)] + [
        person(n, "faith", ("education_awareness", "basic_needs")) for n in range(6, 8)
    ]
    first = propose_groups(people, min_size=3, max_size=10)
    again = propose_groups(people, min_size=3, max_size=10)
    assert first == again
    assert [g.code for g in first.groups] == ["basic_needs"]
    assert "education_awareness" in first.left_out
    assert first.satisfaction == pytest.approx(6 / 8)


def test_impossible_sizes_are_refused(registrations):
    with pytest.raises(RekomendacjeError, match="raise --max-size"):
        propose_groups(registrations, min_size=2, max_size=5)
    with pytest.raises(RekomendacjeError, match="min"):
        propose_groups(registrations, min_size=10, max_size=5)


def test_csv_holds_one_row_per_participant(proposal, tmp_path):
    path = tmp_path / "proposal.csv"
    assert write_proposal_csv(proposal, path) == 120
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 120
    assert Counter(row["group"] for row in rows)["basic_needs"] == 18
    assert set(rows[0]) == {
        "group",
        "group_name",
        "choice",
        "name",
        "organization",
        "sector",
        "district",
    }


def test_cli_prints_groups_scores_and_no_personal_data(registrations, tmp_path):
    out = tmp_path / "grupy.csv"
    result = CliRunner().invoke(cli, ["groups", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "other_1" in result.stdout
    assert "satisfaction: 0.91" in result.stdout
    assert "groups with ≥ 3 sectors: 8/8: OK" in result.stdout
    assert out.exists()
    assert "rejestracja-2022-05-27.csv:35: nierozpoznany sektor" in result.stderr
    verbose = CliRunner().invoke(cli, ["groups", str(SAMPLE), "--verbose"])
    assert "Fundacja Wawer (ngo)" in verbose.stdout
    for registration in registrations:
        assert registration.email not in verbose.stdout
        assert registration.name not in verbose.stdout


def test_cli_bad_input_exits_2_with_one_line(tmp_path):
    missing = CliRunner().invoke(cli, ["groups", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2
    assert len(missing.stderr.strip().splitlines()) == 1
    sizes = CliRunner().invoke(cli, ["groups", str(SAMPLE), "--min-size", "9", "--max-size", "4"])
    assert sizes.exit_code == 2
    assert sizes.stderr.strip().splitlines() == [
        "error: group sizes must satisfy 1 ≤ min ≤ max (got min 9, max 4)"
    ]


def test_cli_help_has_an_example():
    result = CliRunner().invoke(cli, ["groups", "--help"])
    assert result.exit_code == 0
    assert "rekomendacje groups notes/registrations/" in result.output
