"""YAML front matter (`---` … `---` at the top of a note) checked into Note fields.

Problems never lose the note: they are returned beside the fields that could be read,
each a RekomendacjeError with the file and the line, for the caller to raise or record.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import yaml

from pipeline.config import section
from pipeline.errors import RekomendacjeError
from pipeline.ids import slugify
from pipeline.vocabulary import districts

_OPENING = "---"
_CLOSINGS = ("---", "...")
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
_ISO_DATE_IN_PATH = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


@dataclass
class FrontMatter:
    """The front matter of one note: its lines, the Note fields read from it, its problems."""

    lines: tuple[str, ...] = ()  # with both fences; empty when the note has none
    fields: dict[str, object] = field(default_factory=dict)
    problems: list[RekomendacjeError] = field(default_factory=list)


def parse_front_matter(lines: list[str], relative: str) -> FrontMatter:
    """Read the front matter at the top of `lines`, if any, into Note keyword arguments."""
    if not lines or lines[0].strip() != _OPENING:
        return FrontMatter()
    closing = next(
        (index for index in range(1, len(lines)) if lines[index].strip() in _CLOSINGS), None
    )
    if closing is None:
        error = RekomendacjeError(
            "front matter opened with '---' is never closed; add a '---' line after it", relative, 1
        )
        return FrontMatter(problems=[error])
    result = FrontMatter(lines=tuple(lines[: closing + 1]))
    try:
        raw = yaml.safe_load("\n".join(lines[1:closing]))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for the fence, +1 for 1-based
        problem = getattr(error, "problem", None) or "unreadable YAML"
        result.problems.append(
            RekomendacjeError(
                f"invalid YAML in front matter: {problem}; the note is read without its metadata",
                relative,
                line,
            )
        )
        return result
    except RecursionError:
        result.problems.append(
            RekomendacjeError(
                "front matter is nested too deeply to be metadata; "
                "the note is read without its metadata",
                relative,
                1,
            )
        )
        return result
    if raw is None:
        return result
    if not isinstance(raw, dict):
        result.problems.append(
            RekomendacjeError("front matter must be 'key: value' lines", relative, 2)
        )
        return result
    for key, value in raw.items():
        line = _key_line(result.lines, str(key))
        try:
            name, checked = _check_field(str(key), value)
        except ValueError as error:
            result.problems.append(RekomendacjeError(str(error), relative, line))
            continue
        if checked is not None:
            result.fields[name] = checked
    return result


def date_from_path(relative: str) -> str | None:
    """The ISO date named in the note's folders or file name, when exactly one is."""
    found = set()
    for part in PurePosixPath(relative).parts:
        for text in _ISO_DATE_IN_PATH.findall(part):
            try:
                found.add(datetime.date.fromisoformat(text).isoformat())
            except ValueError:
                continue
    return found.pop() if len(found) == 1 else None


def _key_line(lines: tuple[str, ...], key: str) -> int:
    """1-based line of a top-level key in the front matter (the opening fence when not found)."""
    pattern = re.compile(rf"{re.escape(key)}\s*:")
    return next((index + 1 for index, line in enumerate(lines) if pattern.match(line)), 1)


def _check_field(key: str, value: object) -> tuple[str, object]:
    """The Note field name and checked value of one front-matter key; ValueError when invalid."""
    known = section("ingest")["front_matter_keys"]
    if key not in known:
        raise ValueError(f"unknown front matter key '{key}' (known: {', '.join(known)})")
    if value is None:
        return key, None
    if key == "date":
        return key, _check_date(value)
    if key == "participants":
        return key, _check_participants(value)
    text = _scalar(key, value)
    if key == "language":
        return key, _check_language(text)
    if key == "district":
        return key, _check_district(text)
    return ("group_name" if key == "group" else key), text


def _scalar(key: str, value: object) -> str:
    if isinstance(value, dict | list):
        raise ValueError(f"front matter '{key}' must be a single value, not a list or mapping")
    return str(value).strip()


def _check_date(value: object) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ValueError(f"date '{value}' is not an ISO date (write it as 2022-05-27)") from None


def _check_participants(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value.strip(),)
    if not isinstance(value, list):
        raise ValueError("front matter 'participants' must be a list of organisations")
    if any(isinstance(entry, dict | list) for entry in value):
        raise ValueError("each participant must be one name per '- ' line")
    return tuple(str(entry).strip() for entry in value if entry is not None)


def _check_language(text: str) -> str:
    code = text.lower()
    code = section("ingest").get("language_aliases", {}).get(code, code)
    if not _LANGUAGE_CODE.fullmatch(code):
        raise ValueError(f"language '{text}' is not an ISO 639-1 code such as pl, uk or en")
    return code


def _check_district(text: str) -> str:
    code = slugify(text).replace("-", "_")
    if code not in districts():
        raise ValueError(
            f"district '{text}' is not one of Warsaw's districts ({', '.join(districts())})"
        )
    return code
