"""Dated, versioned releases of the public database, with a changelog of what changed.

`make_release(db, out_dir)` copies the database to
`out_dir/rekomendacje-<version>-<YYYY-MM-DD>.db`, writes the changelog beside it
(`….md`) and appends the release to `out_dir/releases.json`. Releases compare by the
stable ids of recommendations and partnerships. The version is semantic, bumped from the
previous release in the folder: major when the schema version changed, minor when
recommendations or partnerships were added or removed, patch for anything else (support,
wording, item labels). A database identical in content to the last release is refused.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from datetime import date as Date
from pathlib import Path

from pipeline.errors import RekomendacjeError
from pipeline.export import open_database, require_public

INDEX = "releases.json"
PREFIX = "rekomendacje"
FIRST_VERSION = "1.0.0"
# Tables whose content decides whether anything changed, each ordered by its key.
CONTENT_TABLES = {
    "notes": "id",
    "items": "id",
    "recommendations": "id",
    "organizations": "id",
    "partnerships": "id",
    "partnership_members": "partnership_id, position",
}


@dataclass(frozen=True)
class Release:
    """One entry of releases.json."""

    version: str
    date: str
    database: str  # file name in the releases folder
    changelog: str
    sha256: str  # of the released database file
    content: str  # digest of the content tables, to tell identical databases
    schema_version: str | None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """What a release compares: recommendations and partnerships by id, and a content digest."""

    recommendations: dict[str, dict]
    partnerships: dict[str, dict]
    schema_version: str | None
    content: str
    counts: dict[str, int]


@dataclass
class Changes:
    """Differences between two snapshots, by stable id."""

    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    support_changed: list[tuple[dict, dict]] = field(default_factory=list)
    reworded: list[tuple[dict, dict]] = field(default_factory=list)
    new_partnerships: list[dict] = field(default_factory=list)
    removed_partnerships: list[dict] = field(default_factory=list)
    schema_changed: bool = False


def snapshot(connection: sqlite3.Connection) -> Snapshot:
    """Read what releases compare from an open database."""
    recommendations = {
        row["id"]: dict(row)
        for row in connection.execute(
            "select id, kind, text, mentions, groups from recommendations order by id"
        )
    }
    partnerships = {
        row["id"]: dict(row)
        for row in connection.execute(
            "select id, text, partnership_type, districts from partnerships order by id"
        )
    }
    digest = hashlib.sha256()
    counts = {}
    for table, key in CONTENT_TABLES.items():
        rows = connection.execute(f"select * from {table} order by {key}").fetchall()
        counts[table] = len(rows)
        for row in rows:
            digest.update(json.dumps(list(row), ensure_ascii=False).encode())
    version = connection.execute(
        "select value from build_info where key = 'schema_version'"
    ).fetchone()
    return Snapshot(
        recommendations, partnerships, version[0] if version else None, digest.hexdigest(), counts
    )


def compare(old: Snapshot, new: Snapshot) -> Changes:
    """What changed from `old` to `new`."""
    changes = Changes(schema_changed=old.schema_version != new.schema_version)
    for rid, row in new.recommendations.items():
        before = old.recommendations.get(rid)
        if before is None:
            changes.added.append(row)
            continue
        if (before["mentions"], before["groups"]) != (row["mentions"], row["groups"]):
            changes.support_changed.append((before, row))
        if before["text"] != row["text"]:
            changes.reworded.append((before, row))
    changes.removed = [
        r for rid, r in old.recommendations.items() if rid not in new.recommendations
    ]
    changes.new_partnerships = [
        p for pid, p in new.partnerships.items() if pid not in old.partnerships
    ]
    changes.removed_partnerships = [
        p for pid, p in old.partnerships.items() if pid not in new.partnerships
    ]
    return changes


def next_version(previous: str | None, changes: Changes | None) -> str:
    """The semantic version after `previous` for these changes (1.0.0 for the first)."""
    if previous is None or changes is None:
        return FIRST_VERSION
    major, minor, patch = (int(part) for part in previous.split("."))
    if changes.schema_changed:
        return f"{major + 1}.0.0"
    if changes.added or changes.removed or changes.new_partnerships or changes.removed_partnerships:
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def read_index(out_dir: Path) -> list[Release]:
    """The releases in the folder, oldest first (none when there is no releases.json)."""
    path = Path(out_dir) / INDEX
    if not path.exists():
        return []
    try:
        return [Release(**entry) for entry in json.loads(path.read_text("utf-8"))["releases"]]
    except (ValueError, KeyError, TypeError) as error:
        raise RekomendacjeError(
            f"not a valid releases index ({error}); fix or remove it", str(path)
        ) from None


def _line(row: dict) -> str:
    return (
        f"- `{row['id']}` ({row['kind']}): {row['text']} — "
        f"{row['groups']} groups, {row['mentions']} mentions"
    )


def changelog_markdown(release: Release, previous: Release | None, changes: Changes | None) -> str:
    """The changelog of one release, in Markdown (Polish headings with English beside)."""
    since = f"od wersji / since {previous.version} ({previous.date})" if previous else ""
    lines = [f"# rekomendacje {release.version} — {release.date}", ""]
    counts = ", ".join(f"{table}: {count}" for table, count in release.counts.items())
    lines += [f"Schemat / schema {release.schema_version}; {counts}.", ""]
    if changes is None:
        return "\n".join(lines + ["Pierwsze wydanie / First release.", ""])
    lines += [f"Zmiany {since}.", ""]
    if changes.schema_changed:
        lines += [
            f"Zmiana schematu bazy / schema changed: {previous.schema_version if previous else '—'}"
            f" → {release.schema_version}.",
            "",
        ]
    sections = [
        ("Nowe rekomendacje / Added", [_line(r) for r in changes.added]),
        ("Usunięte / Removed", [_line(r) for r in changes.removed]),
        (
            "Zmienione poparcie / Changed support",
            [
                f"- `{new['id']}` ({new['kind']}): {new['text']} — groups {old['groups']} → "
                f"{new['groups']}, mentions {old['mentions']} → {new['mentions']}"
                for old, new in changes.support_changed
            ],
        ),
        (
            "Zmienione brzmienie / Reworded",
            [f"- `{new['id']}`: {old['text']} → {new['text']}" for old, new in changes.reworded],
        ),
        (
            "Nowe partnerstwa / New partnerships",
            [
                f"- `{p['id']}` ({p['partnership_type'] or '—'}): {p['text']}"
                for p in changes.new_partnerships
            ],
        ),
        (
            "Usunięte partnerstwa / Removed partnerships",
            [f"- `{p['id']}`: {p['text']}" for p in changes.removed_partnerships],
        ),
    ]
    for title, entries in sections:
        lines += [f"## {title} ({len(entries)})", ""] + (entries or ["—"]) + [""]
    return "\n".join(lines)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def make_release(db_path: Path, out_dir: Path, on: Date | None = None) -> Release:
    """Copy the public database into out_dir as the next version, with its changelog."""
    out_dir = Path(out_dir)
    on = on or datetime.now(UTC).date()
    connection = open_database(db_path)
    try:
        require_public(connection, db_path)
        current = snapshot(connection)
        releases = read_index(out_dir)
        previous = releases[-1] if releases else None
        changes = None
        if previous is not None:
            previous_connection = open_database(out_dir / previous.database)
            try:
                changes = compare(snapshot(previous_connection), current)
            finally:
                previous_connection.close()
            if previous.content == current.content:
                raise RekomendacjeError(
                    f"nothing changed since release {previous.version}; no release written",
                    str(db_path),
                )
        version = next_version(previous.version if previous else None, changes)
        name = f"{PREFIX}-{version}-{on.isoformat()}"
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / f"{name}.db"
        # The backup API copies a consistent state even while another process reads it.
        with sqlite3.connect(target) as copy:
            connection.backup(copy)
        copy.close()
    finally:
        connection.close()
    release = Release(
        version=version,
        date=on.isoformat(),
        database=target.name,
        changelog=f"{name}.md",
        sha256=_file_sha256(target),
        content=current.content,
        schema_version=current.schema_version,
        counts=current.counts,
    )
    (out_dir / release.changelog).write_text(
        changelog_markdown(release, previous, changes), encoding="utf-8"
    )
    index = {"releases": [asdict(r) for r in [*releases, release]]}
    (out_dir / INDEX).write_text(
        json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return release
