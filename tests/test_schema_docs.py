"""docs/schema.md is generated from the schema code and the Datasette metadata."""

from __future__ import annotations

import re

from pipeline.schema_docs import (
    SCHEMA_DOC,
    generate_schema_markdown,
    missing_descriptions,
    schema_database,
)

CONTRACT_TABLES = (
    "notes",
    "items",
    "recommendations",
    "organizations",
    "partnerships",
    "partnership_members",
)


def test_docs_schema_md_is_what_the_generator_produces():
    # If this fails, run: .venv/bin/python -m pipeline.schema_docs
    assert SCHEMA_DOC.read_text(encoding="utf-8") == generate_schema_markdown()


def test_every_table_view_and_column_of_the_schema_is_in_the_document():
    text = generate_schema_markdown()
    connection = schema_database()
    for (name,) in connection.execute(
        "select name from sqlite_master where type in ('table', 'view') "
        "and name not like '%_fts%' and name not like 'sqlite_%'"
    ):
        section = text.split(f"### `{name}`\n", 1)[1].split("\n### ", 1)[0]
        columns = [row[1] for row in connection.execute(f"pragma table_info([{name}])")]
        assert re.findall(r"^\| `(\w+)` \|", section, flags=re.M) == columns


def test_contract_tables_have_a_bilingual_description_of_every_column():
    missing = [name for name in missing_descriptions() if name.split(".")[0] in CONTRACT_TABLES]
    assert missing == []
    assert "| `groups` | INTEGER |  | Liczba różnych grup/spotkań" in generate_schema_markdown()


def test_foreign_keys_and_full_text_search_are_documented():
    text = generate_schema_markdown()
    assert "| `note_id` | TEXT | `notes.id` |" in text
    assert "Wyszukiwanie pełnotekstowe / full-text search (FTS5): `text`, `lemmas`" in text
