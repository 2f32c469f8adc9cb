"""Exports of the public database for researchers: CSV, JSON Lines and a GraphML network.

- `recommendations.csv`: every recommendation cluster (all kinds) with its codes;
- `partnerships.csv`: every partnership with its members, their sectors and registry ids;
- `items.jsonl`: every item in the `annotate` output format (plus `cluster`, `group`, `note_id`);
- `organizations.graphml`: organisations as nodes, linked when they share a partnership.

List columns hold taxonomy codes joined by ";" in CSV, JSON arrays in JSON Lines.
Only the public (redacted) database is exported.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from pipeline.errors import RekomendacjeError

LIST_SEPARATOR = ";"
RECOMMENDATION_COLUMNS = (
    "id",
    "kind",
    "text",
    "themes",
    "districts",
    "sectors",
    "languages",
    "mentions",
    "groups",
    "meetings",
    "canonical_item_id",
)
PARTNERSHIP_COLUMNS = (
    "id",
    "item_id",
    "text",
    "partnership_type",
    "sectors",
    "districts",
    "status",
    "scope",
    "cross_sector",
    "with_refugees",
    "members",
    "member_names",
    "member_sectors",
    "member_organization_ids",
)
LIST_COLUMNS = {"themes", "districts", "sectors", "languages"}
REFUGEE_LED = "refugee_led"


def open_database(path: Path) -> sqlite3.Connection:
    """A read-only connection to a built database; a person-readable error when it is missing."""
    path = Path(path)
    if not path.is_file():
        raise RekomendacjeError("database not found; run `rekomendacje build` first", str(path))
    connection = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    return connection


def require_public(connection: sqlite3.Connection, path: Path) -> None:
    """Refuse the internal database: what researchers get must be the redacted public one."""
    row = connection.execute("select value from build_info where key = 'audience'").fetchone()
    if row and row[0] != "public":
        raise RekomendacjeError(
            "this is the internal database (unredacted); use the public one", str(path)
        )


def _codes(value: str | None) -> list[str]:
    return json.loads(value) if value else []


def _csv_value(column: str, value: object) -> object:
    if column in LIST_COLUMNS:
        return LIST_SEPARATOR.join(_codes(value))  # type: ignore[arg-type]
    return value


def export_recommendations(connection: sqlite3.Connection, path: Path) -> int:
    """Write recommendations.csv (most supported first); return the number of rows."""
    rows = connection.execute(
        f"select {', '.join(RECOMMENDATION_COLUMNS)} from recommendations "
        "order by groups desc, mentions desc, id"
    ).fetchall()
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(RECOMMENDATION_COLUMNS)
        for row in rows:
            writer.writerow([_csv_value(column, row[column]) for column in RECOMMENDATION_COLUMNS])
    return len(rows)


def export_partnerships(connection: sqlite3.Connection, path: Path) -> int:
    """Write partnerships.csv with members in their order; return the number of rows."""
    members: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for member in connection.execute(
        "select partnership_id, name, sector, organization_id from partnership_members "
        "order by partnership_id, position"
    ):
        members[member["partnership_id"]].append(member)
    rows = connection.execute(
        "select id, item_id, text, partnership_type, sectors, districts, status, scope, "
        "cross_sector, with_refugees, members from partnerships order by id"
    ).fetchall()
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PARTNERSHIP_COLUMNS)
        for row in rows:
            own = members[row["id"]]
            writer.writerow(
                [_csv_value(column, row[column]) for column in PARTNERSHIP_COLUMNS[:11]]
                + [
                    LIST_SEPARATOR.join(m["name"] or "" for m in own),
                    LIST_SEPARATOR.join(m["sector"] or "" for m in own),
                    LIST_SEPARATOR.join(m["organization_id"] or "" for m in own),
                ]
            )
    return len(rows)


def item_record(row: sqlite3.Row) -> dict:
    """One item as the contract's `annotate` output, with dedupe's `cluster` and its group."""
    return {
        "id": row["id"],
        "text": row["text"],
        "language": row["language"],
        "kind": row["kind"],
        "themes": _codes(row["themes"]),
        "actors": [
            {
                "name": actor["name"],
                "sector": actor["sector"],
                "organization_id": actor.get("organization_id"),
            }
            for actor in _codes(row["actors"])
        ],
        "sectors": _codes(row["sectors"]),
        "districts": _codes(row["districts"]),
        "partnership_type": row["partnership_type"],
        "scores": json.loads(row["scores"]) if row["scores"] else {},
        "cluster": row["recommendation_id"],
        "group": row["group_name"],
        "note_id": row["note_id"],
    }


def export_items(connection: sqlite3.Connection, path: Path) -> int:
    """Write items.jsonl in note order; return the number of lines."""
    rows = connection.execute(
        "select items.*, coalesce(notes.group_name, items.note_id) as group_name from items "
        "left join notes on notes.id = items.note_id order by items.note_id, items.position"
    ).fetchall()
    with Path(path).open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(item_record(row), ensure_ascii=False) + "\n")
    return len(rows)


def partnership_graph(connection: sqlite3.Connection):
    """An undirected networkx graph: organisations linked by the partnerships they share.

    Nodes are registry ids (or "name:<name as written>" for members the registry lacks),
    with `name`, `sector`, `refugee_led`, `generic` and `partnerships`; edges carry
    `weight` (shared partnerships), `partnerships` (their ids, ";"-joined) and
    `cross_sector`.
    """
    import networkx as nx  # only the graph export needs it

    graph = nx.Graph()
    by_partnership: dict[str, list[str]] = defaultdict(list)
    for member in connection.execute(
        "select m.partnership_id, m.organization_id, m.name, m.sector, m.generic, "
        "o.name as registry_name from partnership_members m "
        "left join organizations o on o.id = m.organization_id "
        "order by m.partnership_id, m.position"
    ):
        node = member["organization_id"] or f"name:{member['name']}"
        if node not in graph:
            graph.add_node(
                node,
                name=member["registry_name"] or member["name"] or node,
                sector=member["sector"] or "",
                refugee_led=member["sector"] == REFUGEE_LED,
                generic=bool(member["generic"]),
                partnerships=0,
            )
        if node not in by_partnership[member["partnership_id"]]:
            by_partnership[member["partnership_id"]].append(node)
            graph.nodes[node]["partnerships"] += 1
    for partnership_id, nodes in sorted(by_partnership.items()):
        for a, b in combinations(sorted(nodes), 2):
            if graph.has_edge(a, b):
                edge = graph.edges[a, b]
                edge["weight"] += 1
                edge["partnerships"] += LIST_SEPARATOR + partnership_id
            else:
                graph.add_edge(
                    a,
                    b,
                    weight=1,
                    partnerships=partnership_id,
                    cross_sector=graph.nodes[a]["sector"] != graph.nodes[b]["sector"],
                )
    return graph


def export_partnership_graph(connection: sqlite3.Connection, path: Path) -> tuple[int, int]:
    """Write organizations.graphml; return (nodes, edges)."""
    import networkx as nx

    graph = partnership_graph(connection)
    nx.write_graphml(graph, str(path), encoding="utf-8")
    return graph.number_of_nodes(), graph.number_of_edges()


def export_all(db_path: Path, out_dir: Path) -> dict[str, int]:
    """Write every export of the database into out_dir; return {file name: rows (nodes)}."""
    connection = open_database(db_path)
    try:
        require_public(connection, db_path)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        nodes, _ = export_partnership_graph(connection, out_dir / "organizations.graphml")
        return {
            "recommendations.csv": export_recommendations(
                connection, out_dir / "recommendations.csv"
            ),
            "partnerships.csv": export_partnerships(connection, out_dir / "partnerships.csv"),
            "items.jsonl": export_items(connection, out_dir / "items.jsonl"),
            "organizations.graphml": nodes,
        }
    finally:
        connection.close()
