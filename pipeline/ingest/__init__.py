"""Ingest: every note file under a folder read into a NoteDocument, or an IngestError row.

One failing file never stops the others. Text notes may be UTF-8 (with or without BOM),
UTF-16 with BOM, or Windows-1250; DOCX and ODT become Markdown-like lines (see office.py).
A front-matter problem (invalid YAML, a bad date …) is recorded as an error row but the
note is kept, with the metadata that could be read and its body after the closing `---`
(an unclosed block keeps every line as body). A line over `segment.max_line_chars` stays
in the document; segmentation lists it as a skipped line ("too long") and keeps the rest.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from pipeline.errors import RekomendacjeError
from pipeline.ids import note_id
from pipeline.ingest.files import FileStat, NoteFile, discover_notes, note_format, os_error_reason
from pipeline.ingest.frontmatter import date_from_path, parse_front_matter
from pipeline.ingest.office import read_office_lines
from pipeline.ingest.text import decode_note, read_limited, split_lines
from pipeline.records import IngestError, Note, NoteDocument

__all__ = ["IngestResult", "KnownNotes", "read_note", "read_notes"]

_TEXT_FORMATS = ("md", "txt")


@dataclass
class IngestResult:
    """The notes that were read, and a row for every file or part of one that was not.

    `notes` holds every note in path order; `documents` those read from their files this
    time (every one, unless a cache knew some files unchanged: their segments are cached).
    """

    documents: list[NoteDocument]
    errors: list[IngestError]
    notes: list[Note] = dataclasses.field(default_factory=list)
    # note id -> its file's `stable_stat` before it was read, for the cache
    stats: dict[str, FileStat | None] = dataclasses.field(default_factory=dict)


class KnownNotes(Protocol):
    """Notes an earlier build read (the build cache, pipeline/cache.py)."""

    def known_note(
        self, note_file: NoteFile, note_id: str
    ) -> tuple[Note, list[IngestError]] | None:
        """The note of a file unchanged since then (by `note_file.stat`), with its ingest
        errors; None when the file is new or may have changed."""
        ...


def read_notes(
    notes_dir: Path,
    progress: Callable[[str], None] | None = None,
    known: KnownNotes | None = None,
) -> IngestResult:
    """Read every note under notes_dir (recursively, sorted by path).

    `progress` is called once per note file with its relative path. Two files whose ids
    would collide ("a.md", "a.txt") keep both: the later one gets the suffix as well.
    Files that `known` holds unchanged are not read again.
    """
    if not notes_dir.is_dir():
        raise RekomendacjeError(
            "notes folder not found; give the folder that holds the notes", str(notes_dir)
        )
    files, errors = discover_notes(notes_dir)
    result = IngestResult([], errors)
    used_ids: set[str] = set()
    for note_file in files:
        if progress is not None:
            progress(note_file.relative)
        unique_id = _unique_id(note_id(note_file.relative), note_file.relative, used_ids)
        reused = known.known_note(note_file, unique_id) if known is not None else None
        if reused is not None:
            note, note_errors = reused
            errors.extend(note_errors)
        else:
            try:
                document, problems = load_note(note_file)
            except RekomendacjeError as error:
                errors.append(IngestError(note_file.relative, error.message, error.line))
                continue
            errors.extend(IngestError(note_file.relative, p.message, p.line) for p in problems)
            if document.note.id != unique_id:
                document = dataclasses.replace(
                    document, note=dataclasses.replace(document.note, id=unique_id)
                )
            result.documents.append(document)
            result.stats[unique_id] = note_file.stat
            note = document.note
        used_ids.add(unique_id)
        result.notes.append(note)
    errors.sort(key=lambda error: (error.path, error.line or 0))
    return result


def read_note(path: Path, notes_dir: Path) -> NoteDocument:
    """Read one note strictly: any problem, front matter included, raises RekomendacjeError."""
    try:
        relative = path.relative_to(notes_dir).as_posix()
    except ValueError:
        relative = path.name
    document, problems = load_note(NoteFile(path, relative, note_format(relative)))
    if problems:
        raise problems[0]
    return document


def load_note(note_file: NoteFile) -> tuple[NoteDocument, list[RekomendacjeError]]:
    """A note and the problems that did not stop it being read; raises when it cannot be read."""
    relative = note_file.relative
    try:
        raw = read_limited(note_file.path, relative)
    except OSError as error:
        raise RekomendacjeError(f"cannot read file: {os_error_reason(error)}", relative) from error
    encoding: str | None = None
    problems: list[RekomendacjeError] = []
    if note_file.format in _TEXT_FORMATS:
        text, encoding, problems = decode_note(raw, relative)
        lines = split_lines(text)
    else:
        lines = read_office_lines(raw, relative, note_file.format)
        if not any(line.strip() for line in lines):
            raise RekomendacjeError("empty note", relative)
    front_matter = parse_front_matter(lines, relative)
    problems.extend(front_matter.problems)
    fields = dict(front_matter.fields)
    if "date" not in fields:
        fields["date"] = date_from_path(relative)
    body = lines[len(front_matter.lines) :]
    if front_matter.lines and not any(line.strip() for line in body):
        problems.append(
            RekomendacjeError(
                "the note has front matter but no text after it", relative, len(lines)
            )
        )
    note = Note(
        id=note_id(relative),
        path=relative,
        sha256=hashlib.sha256(raw).hexdigest(),
        format=note_file.format,
        encoding=encoding,
        **fields,
    )
    document = NoteDocument(note, tuple(body), len(front_matter.lines) + 1, front_matter.lines)
    return document, problems


def _unique_id(base: str, path: str, used_ids: set[str]) -> str:
    """A note id not among those already used: base, else with the file's suffix, else
    numbered (deterministic for files read in path order)."""
    candidate = base
    if candidate in used_ids:
        candidate = f"{base}-{PurePosixPath(path).suffix.lstrip('.').lower()}"
    counter = 1
    while candidate in used_ids:
        counter += 1
        candidate = f"{base}-{counter}"
    return candidate
