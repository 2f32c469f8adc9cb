"""Rows as the databases store them: JSON columns, ordered codes, one `executemany` per table."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from typing import NamedTuple

import sqlite_utils

from pipeline.publish.rowids import key_rowid

_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


class TableRows(NamedTuple):
    """Rows for one table, with the key an upsert matches on (None: plain inserts)."""

    table: str
    rows: Iterable[dict]
    key: str | tuple[str, ...] | None = None


def keyed(table: str, rows: Iterable[dict], key: str | tuple[str, ...]) -> TableRows:
    """Rows for a table with a primary key, each with a rowid that is a stable hash of its
    key (`pipeline/publish/rowids.py`), so a full and an incremental write agree on it."""
    keys = (key,) if isinstance(key, str) else key
    return TableRows(
        table,
        ({"rowid": key_rowid(*(row[column] for column in keys)), **row} for row in rows),
        key,
    )


def to_json(value: object) -> str:
    """JSON for a list or dict column: UTF-8 as is, keys sorted, so rebuilds are identical."""
    # json.dumps with these arguments builds this same encoder on every call.
    return _JSON.encode(value)


def in_order(values: Iterable[str], order: tuple[str, ...]) -> list[str]:
    """Distinct values, those of `order` first in its order, then any others sorted."""
    distinct = set(values)
    return [code for code in order if code in distinct] + sorted(distinct - set(order))


def by_id(record) -> str:
    """Sort key of records with an id."""
    return record.id


def upsert_rows(
    db: sqlite_utils.Database,
    table: str,
    rows: Iterable[dict],
    key: str | tuple[str, ...] | None = None,
) -> None:
    """Insert rows (dicts with the same keys, in the table's column names) in one
    `executemany`. With a key, a row whose key was already written updates that row, as
    sqlite-utils' `upsert` does (it keeps the first row's rowid). A `rowid` in the rows
    is written as the row's rowid (`pipeline/publish/rowids.py`)."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    columns = list(first)
    sql = (
        f"INSERT INTO [{table}] ({', '.join(f'[{column}]' for column in columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    if key is not None:
        keys = (key,) if isinstance(key, str) else key
        updates = [column for column in columns if column not in (*keys, "rowid")]
        sql += f" ON CONFLICT ({', '.join(f'[{column}]' for column in keys)}) " + (
            "DO UPDATE SET " + ", ".join(f"[{column}] = excluded.[{column}]" for column in updates)
            if updates
            else "DO NOTHING"
        )
    db.conn.executemany(
        sql, (tuple(row[column] for column in columns) for row in itertools.chain([first], rows))
    )


def write_tables(db: sqlite_utils.Database, tables: Iterable[TableRows]) -> None:
    """Upsert each table's rows, in order."""
    for table, rows, key in tables:
        upsert_rows(db, table, rows, key)
