"""export: CSV of recommendations and partnerships, items as JSON Lines, the GraphML network."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest
from click.testing import CliRunner
from research_sample import ITEMS, ORGANIZATIONS, sample_knowledge_base

from pipeline.cli import cli
from pipeline.errors import RekomendacjeError
from pipeline.export import export_all
from pipeline.publish.write import INTERNAL, write_database

KB = sample_knowledge_base()


@pytest.fixture(scope="module")
def exported(sample_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    return folder, export_all(sample_db, folder)


def read_csv(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_all_reports_the_rows_of_every_file(exported):
    _, counts = exported
    assert counts == {
        "organizations.graphml": len(ORGANIZATIONS),
        "recommendations.csv": len(KB.clusters),
        "partnerships.csv": len(KB.partnerships),
        "items.jsonl": len(ITEMS),
    }


def test_recommendations_csv_has_codes_and_support_most_supported_first(exported):
    folder, _ = exported
    rows = read_csv(folder / "recommendations.csv")
    top = rows[0]
    assert top["id"] == "r-housing"
    assert (top["kind"], top["themes"], top["districts"]) == (
        "recommendation",
        "basic_needs",
        "wola",
    )
    assert (top["languages"], top["mentions"], top["groups"]) == ("en;pl;uk", "6", "5")
    procedure = next(row for row in rows if row["id"] == "r-procedure")
    assert procedure["themes"] == "basic_needs;networking_systemic"
    assert procedure["sectors"] == "central_government"


def test_partnerships_csv_lists_members_with_sectors_and_registry_ids(exported):
    folder, _ = exported
    rows = {row["id"]: row for row in read_csv(folder / "partnerships.csv")}
    assert set(rows) == {p.id for p in KB.partnerships}
    wola = rows["p-g1-partnership"]
    assert wola["partnership_type"] == "international+local_government+ngo"
    assert wola["member_names"] == "Urząd Dzielnicy Wola;Fundacja Ocalenie;UNHCR"
    assert wola["member_organization_ids"] == "ud-wola;ocalenie;unhcr"
    assert (wola["cross_sector"], wola["with_refugees"], wola["districts"]) == ("1", "0", "wola")
    assert rows["p-g5-partnership"]["with_refugees"] == "1"


def test_items_jsonl_is_in_the_annotate_output_format_with_cluster_and_group(exported):
    folder, _ = exported
    records = {
        record["id"]: record
        for record in map(json.loads, (folder / "items.jsonl").read_text("utf-8").splitlines())
    }
    assert set(records) == set(ITEMS)
    record = records["g7-procedure"]
    assert record == {
        "id": "g7-procedure",
        "text": "MRiPS should simplify the benefits procedure.",
        "language": "en",
        "kind": "recommendation",
        "themes": ["networking_systemic", "basic_needs"],
        "actors": [{"name": "MRiPS", "sector": "central_government", "organization_id": "mrips"}],
        "sectors": ["central_government"],
        "districts": [],
        "partnership_type": None,
        "scores": {"kind": 0.9},
        "cluster": "r-procedure",
        "group": "Group 7: Networking",
        "note_id": "g7",
    }
    assert records["g1-partnership"]["partnership_type"] == "international+local_government+ngo"


def test_graphml_links_organisations_that_share_a_partnership(exported):
    folder, _ = exported
    graph = nx.read_graphml(folder / "organizations.graphml")
    assert set(graph) == set(ORGANIZATIONS)
    # Two partnerships of three members and two of two: 3 + 3 + 1 + 1 links.
    assert graph.number_of_edges() == 8
    assert graph.nodes["ukrainski-dom"]["refugee_led"] is True
    assert graph.nodes["unhcr"]["partnerships"] == 2
    assert graph.edges["ocalenie", "pah"]["cross_sector"] is False
    assert graph.edges["ud-wola", "unhcr"]["partnerships"] == "p-g1-partnership"
    assert graph.degree("unhcr") == 4


def test_export_command_writes_the_files_and_names_them(sample_db, tmp_path):
    result = CliRunner().invoke(cli, ["export", "--db", str(sample_db), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"{tmp_path / 'items.jsonl'}: {len(ITEMS)}" in result.output
    assert (tmp_path / "organizations.graphml").exists()


def test_the_internal_database_is_not_exported(tmp_path):
    internal = tmp_path / "internal.db"
    write_database(sample_knowledge_base(), internal, INTERNAL)
    with pytest.raises(RekomendacjeError, match="internal database"):
        export_all(internal, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_export_command_without_a_database_says_to_build_it(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "run `rekomendacje build` first" in result.output
