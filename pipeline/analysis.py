"""Query helpers for the research notebooks: the database path, labels, counts and matrices.

Notebooks hold the analysis and the plots; the SQL they share lives here or in
`db/research-queries.yaml` (run by name with `run_query`).
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.export import open_database
from pipeline.publish.serve import CONFIG_DIR
from pipeline.vocabulary import codes, districts, taxonomy

DATABASE_VARIABLE = "REKOMENDACJE_DB"
DEFAULT_DATABASE = Path("db/rekomendacje.db")
PROJECT_ROOT = CONFIG_DIR.parent
RESEARCH_QUERIES = CONFIG_DIR / "research-queries.yaml"

# Item counts by one dimension; "theme" goes through the link table (an item has several).
_ITEM_COUNTS = {
    "kind": "select kind, count(*) from items group by kind",
    "language": "select language, count(*) from items group by language",
    "group": "select coalesce(notes.group_name, items.note_id), count(*) from items "
    "left join notes on notes.id = items.note_id group by 1",
    "theme": "select theme, count(*) from item_themes group by theme",
}


@dataclass(frozen=True)
class ResearchQuery:
    """One example query of db/research-queries.yaml."""

    name: str
    title: str
    question_pl: str
    question_en: str
    sql: str


@dataclass(frozen=True)
class Matrix:
    """Counts with labelled rows and columns (rows × columns)."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]

    def total(self) -> int:
        return sum(map(sum, self.values))

    def plus(self, other: Matrix) -> Matrix:
        """Cell by cell sum with a matrix of the same rows and columns."""
        if (self.rows, self.columns) != (other.rows, other.columns):
            raise ValueError("matrices of different rows or columns")
        return Matrix(
            self.rows,
            self.columns,
            tuple(
                tuple(map(sum, zip(a, b, strict=True)))
                for a, b in zip(self.values, other.values, strict=True)
            ),
        )


def database_path() -> Path:
    """$REKOMENDACJE_DB, else db/rekomendacje.db of the working folder or of the project."""
    configured = os.environ.get(DATABASE_VARIABLE)
    if configured:
        return Path(configured)
    if DEFAULT_DATABASE.exists():
        return DEFAULT_DATABASE
    return PROJECT_ROOT / DEFAULT_DATABASE


def connect(path: Path | None = None) -> sqlite3.Connection:
    """A read-only connection (rows as sqlite3.Row) to the built database."""
    return open_database(path or database_path())


def label(group: str, code: str, language: str = "pl") -> str:
    """The Polish (or English) label of a taxonomy code; district names for 'districts'."""
    if group == "districts":
        known = districts().get(code)
        return known.name if known else code
    known_label = taxonomy()[group].get(code)
    return getattr(known_label, language) if known_label else code


def research_queries(path: Path = RESEARCH_QUERIES) -> dict[str, ResearchQuery]:
    """The example queries by name."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["queries"]
    return {
        name: ResearchQuery(
            name, query["title"], query["question"]["pl"], query["question"]["en"], query["sql"]
        )
        for name, query in raw.items()
    }


def run_query(connection: sqlite3.Connection, name: str) -> list[sqlite3.Row]:
    """The rows of one example query of db/research-queries.yaml."""
    return connection.execute(research_queries()[name].sql).fetchall()


def count_items(connection: sqlite3.Connection, dimension: str) -> Counter[str]:
    """Items by 'kind', 'language', 'group' or 'theme'."""
    return Counter({str(key): count for key, count in connection.execute(_ITEM_COUNTS[dimension])})


def group_count(connection: sqlite3.Connection) -> int:
    """Distinct working groups and meetings (a note without a group is its own)."""
    return connection.execute(
        "select count(distinct coalesce(group_name, id)) from notes"
    ).fetchone()[0]


def support_distribution(connection: sqlite3.Connection, kind: str = "recommendation") -> Counter:
    """{number of groups: number of clusters of this kind raised by that many groups}."""
    return Counter(
        dict(
            connection.execute(
                "select groups, count(*) from recommendations where kind = ? group by groups",
                (kind,),
            ).fetchall()
        )
    )


def theme_district_matrix(connection: sqlite3.Connection, kind: str) -> Matrix:
    """Themes × districts: clusters of `kind` naming the district, or partnerships for
    kind 'partnership' (counted once per partnership record, by its item's themes)."""
    if kind == "partnership":
        sql = (
            "select it.theme, pd.value, count(distinct p.id) from partnerships p "
            "join item_themes it on it.item_id = p.item_id join json_each(p.districts) pd "
            "group by 1, 2"
        )
        pairs = connection.execute(sql).fetchall()
    else:
        pairs = connection.execute(
            "select rt.theme, rd.district, count(*) from recommendations r "
            "join recommendation_themes rt on rt.recommendation_id = r.id "
            "join recommendation_districts rd on rd.recommendation_id = r.id "
            "where r.kind = ? group by 1, 2",
            (kind,),
        ).fetchall()
    counts = {(theme, district): count for theme, district, count in pairs}
    themes, district_codes = codes("themes"), tuple(districts())
    return Matrix(
        themes,
        district_codes,
        tuple(
            tuple(counts.get((theme, district), 0) for district in district_codes)
            for theme in themes
        ),
    )


def gaps(needs: Matrix, answers: Matrix) -> list[tuple[str, str, int]]:
    """(theme, district, needs) where problems were raised and no answer exists, most first."""
    rows = zip(needs.rows, needs.values, answers.values, strict=True)
    found = [
        (theme, district, need)
        for theme, need_row, answer_row in rows
        for district, need, answer in zip(needs.columns, need_row, answer_row, strict=True)
        if need and not answer
    ]
    return sorted(found, key=lambda gap: (-gap[2], gap[0], gap[1]))
