"""Publish: the knowledge base as SQLite databases and a Datasette site.

`write_databases` writes the public database (redacted, no facilitators) and the
internal one (original texts), whole or, given the build cache's record of the previous
ones, by replacing only what changed; `serve_command` gives the Datasette command line
with the project's configuration under `db/`.
"""

from __future__ import annotations

from pipeline.publish.redact import redact
from pipeline.publish.schema import ensure_schema
from pipeline.publish.serve import serve_command
from pipeline.publish.write import write_database, write_databases

__all__ = ["ensure_schema", "redact", "serve_command", "write_database", "write_databases"]
