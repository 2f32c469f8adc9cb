"""Finding the note files under a folder: sorted, skipping non-notes, never looping."""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.config import section
from pipeline.errors import RekomendacjeError
from pipeline.records import IngestError

# A file changed this recently may change again within the same timestamp tick (coarse
# clocks, FAT's 2 s, network file systems) and keep its size: its stat is not trusted.
RECENT_NS = 2_000_000_000

FileStat = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class NoteFile:
    """A file found under the notes folder that should be read as a note."""

    path: Path  # as found, through any symbolic links
    relative: str  # POSIX path relative to the notes folder
    format: str  # md, txt, docx, odt
    stat: FileStat | None = None  # `stable_stat` when it was found, before it was read


def stable_stat(status: os.stat_result, now_ns: int | None = None) -> FileStat | None:
    """Size, modification and change times (ns), inode and device: equal between two builds
    only if the file was not written in between; None when it was written too recently.

    A write sets the modification and change times to the clock's current tick, so a
    rewrite with the same size could keep all five values only within the tick of the
    previous write; a file last written more than `RECENT_NS` before it is looked at
    cannot be. The change time also moves when a tool puts the modification time back
    (`touch -d`, `cp -p`, `rsync -t`), and the inode when an editor replaces the file.
    """
    now_ns = time.time_ns() if now_ns is None else now_ns
    if max(status.st_mtime_ns, status.st_ctime_ns) > now_ns - RECENT_NS:
        return None
    return (
        status.st_size,
        status.st_mtime_ns,
        status.st_ctime_ns,
        status.st_ino,
        status.st_dev,
    )


def is_skipped(name: str) -> bool:
    """Whether a file or folder name is one the notes folder may hold without it being a note."""
    settings = section("ingest")
    lowered = name.lower()
    if lowered in {skip.lower() for skip in settings["skip_names"]}:
        return True
    return any(
        fnmatch.fnmatchcase(lowered, pattern.lower()) for pattern in settings["skip_patterns"]
    )


def note_format(relative: str) -> str:
    """The note format of a file by its suffix; raises RekomendacjeError for other types."""
    formats: dict[str, str] = section("ingest")["note_formats"]
    suffix = PurePosixPath(relative).suffix.lower()
    if suffix in formats:
        return formats[suffix]
    accepted = ", ".join(formats)
    described = (
        f"unsupported file type {suffix}" if suffix else "unsupported file without extension"
    )
    hint = section("ingest").get("conversion_hints", {}).get(suffix)
    message = f"{described} (accepted: {accepted})"
    raise RekomendacjeError(f"{message}; {hint}" if hint else message, relative)


def discover_notes(notes_dir: Path) -> tuple[list[NoteFile], list[IngestError]]:
    """Every note file under notes_dir, recursively, sorted by path; and what could not be listed.

    Symbolic links are followed, but a folder reached a second time (a link loop, or a
    second link to the same folder) is reported instead of read again.
    """
    found: list[NoteFile] = []
    errors: list[IngestError] = []
    root = os.stat(notes_dir)
    _walk(
        notes_dir,
        PurePosixPath(),
        [(root.st_dev, root.st_ino)],
        {(root.st_dev, root.st_ino)},
        found,
        errors,
    )
    return found, errors


def _walk(
    folder: Path,
    relative: PurePosixPath,
    ancestors: list[tuple[int, int]],
    visited: set[tuple[int, int]],
    found: list[NoteFile],
    errors: list[IngestError],
) -> None:
    """Collect the notes of one folder and its subfolders (depth first, sorted by name)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        errors.append(
            IngestError(str(relative) or ".", f"cannot list folder: {os_error_reason(error)}")
        )
        return
    for entry in entries:
        if is_skipped(entry.name):
            continue
        entry_relative = relative / entry.name
        shown = str(entry_relative)
        try:
            status = entry.stat(follow_symlinks=True)
        except OSError as error:
            errors.append(IngestError(shown, _link_reason(entry, error)))
            continue
        if stat.S_ISDIR(status.st_mode):
            key = (status.st_dev, status.st_ino)
            if key in ancestors:
                errors.append(
                    IngestError(
                        shown,
                        f"symbolic link loop: points back to {os.readlink(entry.path)}; "
                        "not followed",
                    )
                )
            elif key in visited:
                errors.append(
                    IngestError(
                        shown, "symbolic link to a folder that was already read; not read twice"
                    )
                )
            else:
                visited.add(key)
                _walk(Path(entry.path), entry_relative, [*ancestors, key], visited, found, errors)
        elif stat.S_ISREG(status.st_mode):
            try:
                found.append(
                    NoteFile(Path(entry.path), shown, note_format(shown), stable_stat(status))
                )
            except RekomendacjeError as error:
                errors.append(IngestError(shown, error.message))
        else:
            errors.append(IngestError(shown, "not a regular file (device, pipe or socket)"))


def _link_reason(entry: os.DirEntry, error: OSError) -> str:
    """Why a folder entry could not be examined, in words."""
    if entry.is_symlink():
        target = os.readlink(entry.path)
        if error.errno == errno.ELOOP:
            return f"symbolic link loop ({target}); not followed"
        if error.errno == errno.ENOENT:
            return f"broken symbolic link to {target}"
    return os_error_reason(error)


def os_error_reason(error: OSError) -> str:
    """An OSError as a short reason ("permission denied") without the path repeated."""
    return (error.strerror or str(error)).lower()
