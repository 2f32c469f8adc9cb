"""build on bad input: one message and one ingest_errors row per bad file, the rest built.

One real build (a subprocess, as a person runs it) of the bad-input corpus of
tests/bad_input plus the cases it leaves to this test (a 50 MB file, a 200,000-character
line, UTF-16, Windows-1250, mixed line endings, Polish letters and spaces in names) plus
a copy of the sample notes, on which "nothing lost" is checked line by line. Its peak
memory is measured with getrusage. Unreadable permissions need a non-root reader: root
(as in CI) ignores permission bits, so that case runs ingest as user `nobody`.
"""

from __future__ import annotations

import json
import os
import pwd
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from bad_input import GOOD_NOTE, build_bad_corpus
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.ingest import read_notes
from pipeline.records import Annotation

SAMPLE_NOTES = Path(__file__).resolve().parent.parent / "notes"
POLISH_NOTE = "# Rekomendacje\n\n- Zwiększyć liczbę miejsc w żłobkach na Żoliborzu.\n"
MEGABYTE = 1024 * 1024
PEAK_MEMORY_LIMIT_MB = 1500  # the whole build, models included; the 50 MB file is never read


def write_extra_cases(folder: Path) -> dict[str, str | None]:
    """The cases tests/bad_input leaves out; expected outcome per relative path."""
    long_line = "- Pierwszy punkt.\n" + "x" * 200_000 + "\n- Ostatni punkt na Woli.\n"
    cases: dict[str, tuple[bytes, str | None]] = {
        "duzy.txt": (b"", "over the limit of 20 MB"),
        "dluga-linia.md": (long_line.encode(), None),
        "utf16.md": (POLISH_NOTE.encode("utf-16"), None),
        "windows-1250.txt": (POLISH_NOTE.encode("cp1250"), None),
        "konce-linii.md": (b"# Problemy\r\n\r\n- pierwszy\n- drugi\r- trzeci\r\n", None),
        "Notatka ze spotkania – Śródmieście łączone.md": (POLISH_NOTE.encode(), None),
    }
    for name, (content, _) in cases.items():
        (folder / name).write_bytes(content)
    with (folder / "duzy.txt").open("wb") as handle:
        line = "- Punkt informacyjny na Woli działa od rana do wieczora.\n".encode()
        handle.write(line * (50 * MEGABYTE // len(line) + 1))
    return {name: reason for name, (_, reason) in cases.items()}


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    """The corpus, and the CLI build of it: (corpus, expected, completed process, db, peak MB)."""
    corpus = tmp_path_factory.mktemp("bad-notes")
    expected = build_bad_corpus(corpus)
    expected.update(write_extra_cases(corpus))
    shutil.copytree(SAMPLE_NOTES, corpus / "probka", ignore=shutil.ignore_patterns("*.csv"))
    db_path = tmp_path_factory.mktemp("db") / "rekomendacje.db"
    completed = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", str(corpus), "--db", str(db_path)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return corpus, expected, completed, db_path, peak_mb


def rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as connection:
        return connection.execute(sql).fetchall()


def test_build_completes_despite_bad_files(bad_build):
    corpus, expected, completed, db_path, _ = bad_build
    assert completed.returncode == 0, completed.stderr[-2000:]
    messages = [line for line in completed.stderr.splitlines() if line.startswith("not ingested: ")]
    summary = completed.stdout.strip().splitlines()[-1]
    assert f"{len(messages)} errors" in summary
    assert len(rows(db_path, "SELECT * FROM ingest_errors")) == len(messages)
    paths = {row[0] for row in rows(db_path, "SELECT path FROM notes")}
    good = {path for path, reason in expected.items() if reason is None}
    assert good <= paths
    assert any(path.startswith("probka/") for path in paths)


def test_each_bad_file_has_a_message_and_a_row_with_its_reason(bad_build):
    """One message per problem: one per file, or one per bad front-matter line."""
    _, expected, completed, db_path, _ = bad_build
    messages = [line for line in completed.stderr.splitlines() if line.startswith("not ingested: ")]
    error_rows = rows(db_path, "SELECT path, line, reason FROM ingest_errors")
    for path, reason in expected.items():
        mine = [m for m in messages if m.startswith(f"not ingested: {path}:")]
        mine_rows = [row for row in error_rows if row[0] == path]
        if reason is None:
            assert mine == [] and mine_rows == [], path
            continue
        assert sum(reason in message for message in mine) == 1, (path, mine)
        assert sum(reason in row[2] for row in mine_rows) == 1, (path, mine_rows)
        assert len(mine) == len(mine_rows) == len({row[1] for row in mine_rows}), path
    named = {m.removeprefix("not ingested: ").split(":")[0] for m in messages}
    assert named <= set(expected)  # no sample note and no good note is reported


def test_awkward_text_notes_are_read(bad_build):
    _, _, _, db_path, _ = bad_build
    encodings = dict(rows(db_path, "SELECT path, encoding FROM notes"))
    assert encodings["utf16.md"] == "utf-16"
    assert encodings["windows-1250.txt"] == "cp1250"
    texts = {row[0] for row in rows(db_path, "SELECT text FROM items")}
    assert "Zwiększyć liczbę miejsc w żłobkach na Żoliborzu." in texts
    assert {"pierwszy", "drugi", "trzeci"} <= texts  # \n, \r and \r\n all end a line
    skipped = rows(db_path, "SELECT line, reason FROM skipped_lines WHERE note_id = 'dluga-linia'")
    assert (2, "too long") in skipped
    assert {"Pierwszy punkt.", "Ostatni punkt na Woli."} <= texts


def test_memory_stays_bounded_with_a_50_mb_file(bad_build):
    *_, peak_mb = bad_build
    assert peak_mb < PEAK_MEMORY_LIMIT_MB, f"peak RSS {peak_mb:.0f} MB"


def test_no_line_of_an_ingested_note_is_lost(bad_build):
    """Every source line of every note is in an item (line … end_line) or a skipped line."""
    corpus, _, _, db_path, _ = bad_build
    documents = read_notes(corpus).documents
    assert len(documents) > 14
    covered: dict[str, set[int]] = {}
    for note_id, line, end_line in rows(db_path, "SELECT note_id, line, end_line FROM items"):
        covered.setdefault(note_id, set()).update(range(line, (end_line or line) + 1))
    for note_id, line in rows(db_path, "SELECT note_id, line FROM skipped_lines"):
        covered.setdefault(note_id, set()).add(line)
    for document in documents:
        total = len(document.front_matter) + len(document.lines)
        assert document.first_line == len(document.front_matter) + 1
        missing = set(range(1, total + 1)) - covered.get(document.note.id, set())
        assert not missing, f"{document.note.path}: lines {sorted(missing)[:10]} lost"


class FakeAnnotator:
    def __init__(self, extra_training=()) -> None:
        pass

    def annotate(self, texts, kind_hints=None, progress=None) -> list[Annotation]:
        return [Annotation("pl", "recommendation", ["other"]) for _ in texts]


def test_strict_build_fails_in_one_line_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.build.Annotator", FakeAnnotator)
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "dobra.md").write_text(GOOD_NOTE, encoding="utf-8")
    (notes / "pusta.md").write_bytes(b"")
    db_path = tmp_path / "db" / "rekomendacje.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["build", str(notes), "--db", str(db_path), "--strict"])
    assert result.exit_code == 2
    messages = [line for line in result.stderr.splitlines() if "error" in line]  # not the bars
    assert len(messages) == 1
    assert messages[0].startswith("error: 1 ingest error(s), first: pusta.md: empty note")
    assert result.stdout == ""
    assert not db_path.exists()

    result = runner.invoke(cli, ["build", str(notes), "--db", str(db_path)])
    assert result.exit_code == 0
    assert "not ingested: pusta.md: empty note" in result.stderr
    assert "1 errors" in result.stdout
    assert db_path.exists()


# Lists the ingest errors of a folder as JSON. Root reads any file, so as root the reader
# drops to `nobody` once the interpreter, the package and its config are loaded (the
# interpreter lives under /root, which `nobody` cannot enter).
_READ_AS_NOBODY = """
import json, os, pwd, sys
from pathlib import Path
from pipeline.config import section
from pipeline.ingest import read_notes
section("ingest")
if os.geteuid() == 0:
    nobody = pwd.getpwnam("nobody")
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
result = read_notes(Path(sys.argv[1]))
print(json.dumps([[e.path, e.reason] for e in result.errors]))
"""


def test_unreadable_file_and_folder_are_reported():
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("nobody")
        except KeyError:
            pytest.skip("running as root and there is no user `nobody` to read as")
    # A folder `nobody` can reach: tmp_path sits under a root-only folder.
    folder = Path(tempfile.mkdtemp(prefix="rekomendacje-perm-"))
    try:
        folder.chmod(0o755)
        (folder / "dobra.md").write_text(GOOD_NOTE, encoding="utf-8")
        locked = folder / "zablokowana.md"
        locked.write_text(GOOD_NOTE, encoding="utf-8")
        locked.chmod(0)
        closed = folder / "zamkniety-folder"
        closed.mkdir()
        (closed / "notatka.md").write_text(GOOD_NOTE, encoding="utf-8")
        closed.chmod(0)
        completed = subprocess.run(
            [sys.executable, "-c", _READ_AS_NOBODY, str(folder)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        closed.chmod(0o755)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert completed.returncode == 0, completed.stderr[-2000:]
    errors = dict(json.loads(completed.stdout))
    assert errors["zablokowana.md"] == "cannot read file: permission denied"
    assert errors["zamkniety-folder"] == "cannot list folder: permission denied"
    assert "dobra.md" not in errors
