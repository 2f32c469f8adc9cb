"""The Datasette command line that serves the databases with the project's configuration.

The configuration lives in `db/` at the repository root: `metadata.yaml` (titles,
descriptions, facets, canned queries, the sign-in plugin's settings), `templates/`
(the Polish landing page and the search page), `plugins/` (lemma search, the search
page, access to the internal database) and `static/`. Databases are served immutable (`-i`).

The internal database is shown only to the analyst signed in through
datasette-auth-passwords. Make the password hash with

    .venv/bin/python -c "from datasette_auth_passwords.utils import hash_password; \
        print(hash_password('PASSWORD'))"

(or on the page /-/password-tool of a running site), export it as
REKOMENDACJE_ANALYST_PASSWORD_HASH, then `rekomendacje serve --db db/rekomendacje.db
--db db/rekomendacje-internal.db` and sign in at /-/login as `analyst`.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.config import section
from pipeline.errors import RekomendacjeError

CONFIG_DIR = Path(__file__).resolve().parents[2] / "db"
ANALYST = "analyst"
# Datasette settings taken from the `serve` section of the configuration.
DATASETTE_SETTINGS = (
    "sql_time_limit_ms",
    "max_returned_rows",
    "facet_time_limit_ms",
    "num_sql_threads",
    "default_page_size",
    "suggest_facets",
)


def audience_of(path: Path) -> str:
    """'public' or 'internal', as written in the database's build_info table."""
    try:
        with sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro&immutable=1", uri=True) as conn:
            row = conn.execute("select value from build_info where key = 'audience'").fetchone()
    except sqlite3.Error as error:
        raise RekomendacjeError(
            f"not a rekomendacje database ({error}); run `rekomendacje build`", str(path)
        ) from error
    return row[0] if row else "public"


def password_hash_variable() -> str:
    return section("serve").get("password_hash_variable", "REKOMENDACJE_ANALYST_PASSWORD_HASH")


def serve_command(db_paths: Sequence[Path], port: int, host: str = "127.0.0.1") -> list[str]:
    """The `datasette serve` argv for these databases; refuses to serve the internal
    database without the analyst's password hash in the environment."""
    settings = section("serve")
    variable = password_hash_variable()
    if any(audience_of(path) == "internal" for path in db_paths) and not os.environ.get(variable):
        raise RekomendacjeError(
            f"the internal database needs a sign-in: set {variable} to a hash made with "
            "datasette_auth_passwords.utils.hash_password(PASSWORD), "
            "or serve only the public database"
        )
    argv = [sys.executable, "-m", "datasette", "serve"]
    for path in db_paths:
        argv += ["-i", str(path)]
    argv += [
        "--metadata",
        str(CONFIG_DIR / "metadata.yaml"),
        "--template-dir",
        str(CONFIG_DIR / "templates"),
        "--plugins-dir",
        str(CONFIG_DIR / "plugins"),
        "--static",
        f"static:{CONFIG_DIR / 'static'}",
        "--port",
        str(port),
        "--host",
        host,
    ]
    for name in DATASETTE_SETTINGS:
        if name in settings:
            value = settings[name]
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            argv += ["--setting", name, shown]
    return argv
