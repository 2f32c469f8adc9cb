"""Registrations: the registration form's spreadsheet export read into Registration records.

The file is the form tool's CSV export (UTF-8, comma-separated, the form's Polish column
headers). Only a broken file raises RekomendacjeError (not UTF-8, a missing column, a row
wider than the header, a timestamp the form tool would never write). Answers that cannot
be mapped (an unknown sector or district, no e-mail, no group chosen) keep their row and
come back as warnings beside the rows, so the organiser sees them and nothing is dropped
silently. A repeated registration (same e-mail, case-insensitive) keeps the latest one.

Registrations hold personal data: they belong to the internal database only. What goes to
the public side is registration_organizations(), which carries organisations, not people.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from pipeline.errors import RekomendacjeError
from pipeline.ids import slugify
from pipeline.nlp.text import fold
from pipeline.records import IngestError, Organization, Registration
from pipeline.vocabulary import data_yaml, districts

__all__ = [
    "RegistrationFile",
    "RegistrationWarning",
    "WorkingGroup",
    "form_vocabulary",
    "map_district",
    "map_sector",
    "normalise_answer",
    "parse_choice",
    "read_registrations",
    "registration_organizations",
    "working_groups",
]

OTHER = "other"
_PUNCTUATION = re.compile(r"[^0-9a-z\u0400-\u04ff]+")
_TIME_ZONE = re.compile(r"\s+(CEST|CET|GMT[+-]\d{1,2}(:\d{2})?|UTC[+-]\d{1,2}(:\d{2})?)$", re.I)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.I)
_PHONE = re.compile(r"\d{3}[\s-]?\d{3}[\s-]?\d{3}")


@dataclass(frozen=True)
class WorkingGroup:
    """A working group of the programme: code, Polish and English name, the form's option."""

    code: str
    pl: str
    en: str
    form: str


@dataclass(frozen=True)
class RegistrationWarning:
    """An answer that could not be mapped, or a row that was replaced; the row is kept."""

    line: int
    message: str  # Polish / English


@dataclass(frozen=True)
class RegistrationFile:
    """The registrations of one export (after de-duplication) and the warnings about them."""

    rows: tuple[Registration, ...]
    warnings: tuple[RegistrationWarning, ...]
    duplicates: int  # rows replaced by a later registration with the same e-mail


def normalise_answer(text: str) -> str:
    """A form answer as compared with the vocabulary: folded, punctuation to single spaces."""
    return _PUNCTUATION.sub(" ", fold(text)).strip()


@cache
def form_vocabulary() -> dict:
    """pipeline/data/working-groups.yaml as a dict."""
    return data_yaml("working-groups.yaml")


@cache
def working_groups() -> dict[str, WorkingGroup]:
    """The programme's working groups by code, in programme order ("other" last)."""
    return {
        code: WorkingGroup(code, labels["pl"], labels["en"], labels["form"])
        for code, labels in form_vocabulary()["groups"].items()
    }


@cache
def _sector_rules() -> tuple[tuple[str, re.Pattern], ...]:
    rules = []
    for rule in form_vocabulary()["sectors"]:
        alternatives = []
        for pattern in rule["patterns"]:
            prefix = pattern.endswith("*")
            words = normalise_answer(pattern.rstrip("*"))
            alternatives.append(re.escape(words) + (r"\w*" if prefix else r"\b"))
        rules.append((rule["sector"], re.compile(r"\b(?:" + "|".join(alternatives) + ")")))
    return tuple(rules)


def map_sector(answer: str) -> str | None:
    """The sector code a free-text answer names ("fundacja" → "ngo"), or None."""
    text = normalise_answer(answer)
    if not text:
        return None
    for sector, pattern in _sector_rules():
        if pattern.search(text):
            return sector
    return None


@cache
def _district_names() -> dict[str, str]:
    names = {normalise_answer(district.name): code for code, district in districts().items()}
    names.update({normalise_answer(code): code for code in districts()})
    names.update(form_vocabulary()["district_aliases"])
    return names


def map_district(answer: str) -> tuple[str | None, bool]:
    """(district code or None, whether the answer was understood).

    "Mokotów / Ursynów" gives the first district named; "cała Warszawa" and an empty
    answer give (None, True); an answer naming no district gives (None, False).
    """
    text = normalise_answer(answer)
    if not text or text in form_vocabulary()["city_wide"]:
        return None, True
    names = _district_names()
    # Longest names first, so "praga poludnie" is not read as a bare "praga".
    found = [
        (match.start(), names[name])
        for name in sorted(names, key=len, reverse=True)
        if (match := re.search(rf"\b{re.escape(name)}\b", text))
    ]
    if not found:
        return None, False
    return min(found)[1], True


def parse_choice(answer: str) -> tuple[str, str | None] | None:
    """(group code, subject of an "inne" request) for one group answer; None when blank.

    The form's own option text, or its short name, gives the group. "Inne: rodziny romskie"
    gives ("other", "rodziny romskie"); any other text is what Google Forms exports for
    its "Inne/Other" option, so it is an "inne" request with that text as the subject.
    """
    text = normalise_answer(answer)
    if not text:
        return None
    for group in working_groups().values():
        if group.code == OTHER:
            continue
        for variant in (normalise_answer(group.form), normalise_answer(group.pl)):
            if text == variant or text.startswith(variant + " "):
                return group.code, None
    other = working_groups()[OTHER].form
    subject = re.sub(rf"^\s*{re.escape(other)}\b\s*[:\-–—.]?\s*", "", answer.strip(), flags=re.I)
    return OTHER, subject or None


def _parse_timestamp(value: str) -> str | None:
    text = _TIME_ZONE.sub("", value.strip())
    for pattern in form_vocabulary()["timestamp_formats"]:
        try:
            return datetime.strptime(text, pattern).isoformat()
        except ValueError:
            continue
    return None


def _column_positions(header: list[str], path: Path, line: int) -> dict[str, int]:
    by_text = {normalise_answer(cell): index for index, cell in enumerate(header)}
    positions = {}
    for field, headers in form_vocabulary()["columns"].items():
        for text in headers:
            if normalise_answer(text) in by_text:
                positions[field] = by_text[normalise_answer(text)]
                break
    missing = [
        form_vocabulary()["columns"][field][0]
        for field in form_vocabulary()["required_columns"]
        if field not in positions
    ]
    if missing:
        raise RekomendacjeError(
            f"brak kolumn / missing columns: {', '.join(missing)}; export the form's responses "
            "as CSV without renaming its columns",
            str(path),
            line,
        )
    return positions


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The CSV's records with the line each one starts on, blank records left out."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise RekomendacjeError(f"cannot read the file ({error.strerror})", str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise RekomendacjeError(
            "not UTF-8; export the responses again as CSV (UTF-8)", str(path), line
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise RekomendacjeError(f"broken CSV ({error})", str(path), start) from None
    return rows


def _choices(cells: list[str], positions: dict[str, int]) -> tuple[tuple[str, ...], str | None]:
    codes: list[str] = []
    subject = None
    for field in ("first_choice", "second_choice"):
        if field not in positions:
            continue
        parsed = parse_choice(cells[positions[field]])
        if parsed is None:
            continue
        code, request = parsed
        if code == OTHER and subject is None:
            subject = request
        if code not in codes:
            codes.append(code)
    return tuple(codes), subject


def _registration(
    line: int,
    cells: list[str],
    positions: dict[str, int],
    path: Path,
    warnings: list[RegistrationWarning],
) -> Registration:
    def cell(field: str) -> str:
        return " ".join(cells[positions[field]].split()) if field in positions else ""

    timestamp = _parse_timestamp(cell("timestamp"))
    if timestamp is None:
        raise RekomendacjeError(
            f"cannot read the timestamp '{cell('timestamp')}'; expected the form tool's format "
            "such as 2022/05/20 9:41:03 PM CEST or 20.05.2022 21:41:03",
            str(path),
            line,
        )
    name, email = cell("name"), cell("email").lower()
    if not name:
        warnings.append(RegistrationWarning(line, "brak imienia i nazwiska / no name given"))
    if not email:
        warnings.append(
            RegistrationWarning(
                line,
                "brak adresu e-mail – powtórzeń nie da się wykryć / no e-mail, "
                "a repeated registration cannot be detected",
            )
        )
    organization = cell("organization")
    if (
        normalise_answer(organization) in form_vocabulary()["no_organization"]
        or not normalise_answer(organization)
        or _EMAIL.search(organization)
    ):
        organization = ""
    sector = map_sector(cell("sector")) or map_sector(organization)
    if sector is None:
        warnings.append(
            RegistrationWarning(
                line, f"nierozpoznany sektor „{cell('sector')}” / sector not recognised"
            )
        )
    district, understood = map_district(cell("district"))
    if not understood:
        warnings.append(
            RegistrationWarning(
                line, f"nierozpoznana dzielnica „{cell('district')}” / district not recognised"
            )
        )
    choices, other_request = _choices(cells, positions)
    if not choices:
        warnings.append(
            RegistrationWarning(line, "nie wybrano grupy roboczej / no working group chosen")
        )
    return Registration(
        timestamp=timestamp,
        name=name,
        email=email,
        organization=organization or None,
        sector=sector,
        district=district,
        choices=choices,
        other_request=other_request,
        needs=cells[positions["needs"]].strip() if "needs" in positions else "",
        line=line,
    )


def read_registrations(path: Path) -> RegistrationFile:
    """Read the registration form's CSV export; the latest registration per e-mail is kept."""
    rows = _read_rows(path)
    if not rows:
        raise RekomendacjeError("the file is empty; export the form's responses as CSV", str(path))
    header_line, header = rows[0]
    positions = _column_positions(header, path, header_line)
    warnings: list[RegistrationWarning] = []
    registrations = []
    for line, cells in rows[1:]:
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            raise RekomendacjeError(
                f"the row has {len(cells)} fields but the header {len(header)}; a comma "
                "outside quotes? export the responses again",
                str(path),
                line,
            )
        cells = cells + [""] * (len(header) - len(cells))
        registrations.append(_registration(line, cells, positions, path, warnings))
    latest: dict[str, Registration] = {}
    for registration in registrations:
        if not registration.email:
            continue
        kept = latest.get(registration.email)
        if kept is None or (registration.timestamp, registration.line) > (
            kept.timestamp,
            kept.line,
        ):
            latest[registration.email] = registration
    kept_rows = tuple(r for r in registrations if not r.email or latest[r.email] is r)
    for registration in registrations:
        if registration.email and latest[registration.email] is not registration:
            warnings.append(
                RegistrationWarning(
                    registration.line,
                    f"powtórna rejestracja – zachowano wiersz {latest[registration.email].line} / "
                    f"repeated registration, line {latest[registration.email].line} kept",
                )
            )
    warnings.sort(key=lambda warning: warning.line)
    return RegistrationFile(kept_rows, tuple(warnings), len(registrations) - len(kept_rows))


def _names_a_person(organization: str, registration: Registration) -> bool:
    """Whether an organisation answer is (or contains) the registrant's own name or e-mail."""
    if _EMAIL.search(organization) or _PHONE.search(organization):
        return True
    person = set(normalise_answer(registration.name).split())
    words = set(normalise_answer(organization).split())
    return len(person) >= 2 and person <= words


def registration_organizations(registrations: Iterable[Registration]) -> list[Organization]:
    """The organisations the registrants came from, for the public registry (no people).

    One Organization per slug of the name: the most common spelling, the most common
    sector, every district its registrants named. Registrants without an organisation,
    with an organisation whose sector is unknown, or whose "organisation" is their own name
    give no row (the reading warnings already list the unknown sectors).
    """
    spellings: dict[str, Counter] = {}
    sectors: dict[str, Counter] = {}
    districts_by_id: dict[str, set[str]] = {}
    for registration in registrations:
        organization = registration.organization
        if not organization or _names_a_person(organization, registration):
            continue
        key = slugify(organization)
        if not key:
            continue
        spellings.setdefault(key, Counter())[organization] += 1
        if registration.sector:
            sectors.setdefault(key, Counter())[registration.sector] += 1
        if registration.district:
            districts_by_id.setdefault(key, set()).add(registration.district)
    return [
        Organization(
            id=key,
            name=spellings[key].most_common(1)[0][0],
            sector=sectors[key].most_common(1)[0][0],
            districts=tuple(sorted(districts_by_id.get(key, ()))),
            source="registration",
        )
        for key in sorted(spellings)
        if key in sectors
    ]


def read_registration_exports(
    folder: Path,
) -> tuple[list[Registration], list[IngestError], list[str]]:
    """Every form export (*.csv) in a folder: the rows, the files that could not be read
    (as ingest errors, paths relative to the notes folder above it), and the warnings."""
    registrations: list[Registration] = []
    errors: list[IngestError] = []
    warnings: list[str] = []
    for path in sorted(folder.glob("*.csv")):
        relative = path.relative_to(folder.parent).as_posix()
        try:
            export = read_registrations(path)
        except RekomendacjeError as error:
            errors.append(IngestError(relative, error.message, error.line))
            continue
        registrations.extend(export.rows)
        warnings += [f"{relative}:{w.line}: {w.message}" for w in export.warnings]
    return registrations, errors, warnings
