"""Publish: the knowledge base as SQLite databases and a Datasette site.

`write_databases` writes the public database (redacted, no facilitators) and the
internal one (original texts); `serve_command` gives the Datasette command line with
the project's configuration under `db/`.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.publish.redact import redact
from pipeline.publish.schema import ensure_schema
from pipeline.publish.serve import serve_command
from pipeline.publish.write import INTERNAL, PUBLIC, write_database
from pipeline.records import KnowledgeBase

__all__ = ["ensure_schema", "redact", "serve_command", "write_database", "write_databases"]


def write_databases(
    knowledge_base: KnowledgeBase, public_path: Path, internal_path: Path | None = None
) -> None:
    """Write the public database and, when a path is given, the internal one."""
    write_database(knowledge_base, public_path, PUBLIC)
    if internal_path is not None:
        write_database(knowledge_base, internal_path, INTERNAL)
