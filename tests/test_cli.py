"""The command line through click's runner: contract commands, help, one-line errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

COMMANDS = ("build", "serve", "annotate", "dedupe", "evaluate")


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"rekomendacje {command}" in result.output


def test_annotate_reads_and_writes_json_lines_in_order(runner):
    lines = [
        {"id": "1", "text": "Brakuje mieszkań dla rodzin z dziećmi na Woli.", "source": "x"},
        {"id": "2", "text": "Потрібно відкрити пункт інформації на Празі-Південь."},
        {"id": "3", "text": "UD Ursus and UNHCR agreed to run a joint info point."},
    ]
    result = runner.invoke(cli, ["annotate"], input="\n".join(json.dumps(r) for r in lines))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["1", "2", "3"]
    assert records[0]["source"] == "x"
    assert [r["language"] for r in records] == ["pl", "uk", "en"]
    assert records[0]["kind"] == "problem" and "basic_needs" in records[0]["themes"]
    assert records[0]["districts"] == ["wola"] and records[1]["districts"] == ["praga_poludnie"]
    assert records[2]["kind"] == "partnership"
    assert records[2]["partnership_type"] == "international+local_government"
    assert all(r["themes"] for r in records)


def test_dedupe_joins_a_recommendation_and_its_flipchart_twin_only(runner):
    lines = [
        {"id": "a", "text": "W każdej dzielnicy potrzebny jest punkt informacyjny dla osób z UA."},
        {"id": "b", "text": "w kazdej dzielnicy punkt info dla osob z UA"},
        {"id": "c", "text": "Brakuje mieszkań na Woli."},
    ]
    result = runner.invoke(cli, ["dedupe"], input="\n".join(json.dumps(r) for r in lines))
    assert result.exit_code == 0, result.output
    clusters = [json.loads(line)["cluster"] for line in result.stdout.splitlines()]
    assert clusters[0] == clusters[1] != clusters[2]


def test_bad_json_lines_input_exits_2_with_the_line(runner):
    result = runner.invoke(cli, ["annotate"], input='{"id": "1", "text": "ok"}\n{oops\n')
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: <stdin>:2: not valid JSON")


def test_evaluate_prints_scores_per_label_and_the_targets(runner, tmp_path):
    gold = tmp_path / "gold.jsonl"
    records = [
        {
            "id": "g1",
            "text": "Brakuje mieszkań na Woli.",
            "language": "pl",
            "kind": "problem",
            "themes": ["basic_needs"],
            "actors": [],
            "sectors": [],
            "districts": ["wola"],
            "partnership_type": None,
            "cluster": "c1",
        },
        {
            "id": "g2",
            "text": "Należy uruchomić kursy polskiego dla dorosłych wieczorem.",
            "language": "pl",
            "kind": "recommendation",
            "themes": ["information_language"],
            "actors": [],
            "sectors": [],
            "districts": [],
            "partnership_type": None,
            "cluster": "c2",
        },
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    result = runner.invoke(cli, ["evaluate", str(gold)])
    assert result.exit_code == 0, result.output
    assert "gold items: 2" in result.output
    assert "basic_needs" in result.output and "B-cubed" in result.output
    assert "districts micro-F1" in result.output


def test_build_of_a_missing_folder_and_serve_of_a_missing_database_fail_in_one_line(
    runner, tmp_path
):
    result = runner.invoke(cli, ["build", str(tmp_path / "nie-ma"), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'nie-ma'}: no such folder of notes\n"
    result = runner.invoke(cli, ["serve", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "run `rekomendacje build` first" in result.stderr
