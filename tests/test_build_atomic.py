"""build is atomic and exclusive: killed builds leave the last database whole, readers never fail.

Builds run as subprocesses of the real command line with a fast stand-in annotator (the
model is beside the point here, and this keeps each build to a few seconds); the
stand-in can be slowed through FAKE_ANNOTATE_SECONDS to hold the build lock.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_datasette import site

from pipeline.cli import cli
from pipeline.lock import lock_path_for

SAMPLE_NOTES = Path(__file__).resolve().parent.parent / "notes"
SAMPLE_FILES = (
    "2022-05-27/grupa-1-potrzeby-podstawowe-I.md",
    "2022-05-27/grupa-5-integracja-obywatelska-uk.md",
    "2022-05-27/grupa-6-edukacja-swiadomosc-spoleczna.txt",
)
EXTRA_NOTE = "2022-05-27/grupa-8-inne-romowie-tcn-flipchart.txt"

_BUILD_WITH_FAKE_ANNOTATOR = """
import os, sys, time
import pipeline.build
from pipeline.cli import cli
from pipeline.records import Annotation

class FakeAnnotator:
    def __init__(self, extra_training=()):
        time.sleep(float(os.environ.get("FAKE_ANNOTATE_SECONDS", "0")))
    def annotate(self, texts, kind_hints=None, progress=None):
        return [Annotation("pl", "recommendation", ["other"]) for _ in texts]

pipeline.build.Annotator = FakeAnnotator
cli(sys.argv[1:])
"""


def start_build(notes: Path, db_path: Path, annotate_seconds: float = 0) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            _BUILD_WITH_FAKE_ANNOTATOR,
            "build",
            str(notes),
            "--db",
            str(db_path),
            "--no-cache",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "FAKE_ANNOTATE_SECONDS": str(annotate_seconds)},
    )


def finish(process: subprocess.Popen) -> None:
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr[-2000:]


def copy_sample(target: Path, files=SAMPLE_FILES) -> Path:
    for relative in files:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLE_NOTES / relative, target / relative)
    return target


def snapshot(db_path: Path) -> dict[str, int]:
    """Row count of every table, after SQLite's own integrity check."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables
        }


def served_items(db_path: Path) -> int:
    """How many items a fresh Datasette serves from db_path (asserting every page works)."""
    datasette = site(db_path)

    async def fetch() -> int:
        for path in ("/", "/rekomendacje", "/rekomendacje/items", "/rekomendacje/recommendations"):
            response = await datasette.client.get(path)
            assert response.status_code == 200, path
        response = await datasette.client.get(
            "/rekomendacje.json?sql=select+count(*)+as+n+from+items&_shape=array"
        )
        assert response.status_code == 200
        return response.json()[0]["n"]

    return asyncio.run(fetch())


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path, dict[str, int]]:
    """Notes, a database built from them, and its snapshot; then one more note is added."""
    notes = copy_sample(tmp_path / "notes")
    db_path = tmp_path / "db" / "rekomendacje.db"
    finish(start_build(notes, db_path))
    before = snapshot(db_path)
    copy_sample(notes, (EXTRA_NOTE,))
    return notes, db_path, before


def wait_for(condition, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


def temporary_files(folder: Path, stem: str) -> list[Path]:
    return list(folder.glob(f".build-{stem}-*.db"))


@pytest.mark.parametrize("moment", ["while reading and annotating", "while writing"])
def test_killed_build_leaves_the_previous_database_whole(built, moment):
    notes, db_path, before = built
    process = start_build(notes, db_path, annotate_seconds=1.0)
    if moment == "while writing":
        assert wait_for(lambda: temporary_files(db_path.parent, "rekomendacje"))
    else:
        assert wait_for(lambda: lock_path_for(db_path).read_text().strip() == str(process.pid))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert snapshot(db_path) == before
    assert served_items(db_path) == before["items"]
    # The lock died with the process and a leftover temporary file does not block a build.
    finish(start_build(notes, db_path))
    assert snapshot(db_path)["items"] > before["items"]


def test_serve_during_a_build_never_fails(built):
    notes, db_path, before = built
    datasette = site(db_path)
    paths = (
        "/rekomendacje/items.json?_shape=array&_size=5",
        "/rekomendacje/recommendations.json?_shape=array&_size=5",
        "/rekomendacje/items.json?_search=pomoc&_shape=array",
        "/rekomendacje.json?sql=select+count(*)+as+n+from+items&_shape=array",
    )

    async def read_while(process: subprocess.Popen) -> tuple[int, set[int]]:
        requests, counts = 0, set()
        while process.poll() is None or requests < 40:
            for path in paths:
                response = await datasette.client.get(path)
                assert response.status_code == 200, (path, response.text[:300])
                requests += 1
                if "count" in path:
                    counts.add(response.json()[0]["n"])
        return requests, counts

    process = start_build(notes, db_path)
    requests, counts = asyncio.run(read_while(process))
    finish(process)
    after = snapshot(db_path)
    assert requests >= 40
    assert counts <= {before["items"], after["items"]}  # a whole old or whole new database
    assert served_items(db_path) == after["items"] > before["items"]


def test_a_second_build_at_once_fails_with_the_lock_message(built):
    notes, db_path, before = built
    process = start_build(notes, db_path, annotate_seconds=30)
    try:
        assert wait_for(lambda: lock_path_for(db_path).read_text().strip() == str(process.pid))
        result = CliRunner().invoke(cli, ["build", str(notes), "--db", str(db_path)])
        assert result.exit_code == 2
        assert result.stderr.strip().splitlines()[-1] == (
            f"error: {db_path}: another build of this database is running (pid {process.pid}); "
            "wait for it to finish, then run the build again"
        )
    finally:
        process.kill()
        process.wait(timeout=60)
    assert snapshot(db_path) == before
