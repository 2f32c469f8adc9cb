"""Stable ids: slugs of paths and names, and content-derived item ids.

One place for id rules so every stage (and the database) derives the same keys.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache
from pathlib import PurePosixPath

from pipeline.vocabulary import data_yaml

_NON_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
_WHITESPACE = re.compile(r"\s+")


@cache
def _transliteration() -> dict[int, str]:
    """Letters that NFKD leaves non-ASCII, mapped to Latin (both cases)."""
    raw = data_yaml("transliteration.yaml")
    table: dict[int, str] = {}
    for letter, latin in raw.items():
        table[ord(letter)] = latin
        upper = letter.upper()
        if len(upper) == 1 and ord(upper) not in table:
            table[ord(upper)] = latin.capitalize()
    return table


def ascii_fold(text: str) -> str:
    """Text with diacritics removed and Cyrillic transliterated ("Łódź" → "Lodz")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_transliteration()))
    latin = "".join(char for char in decomposed if not unicodedata.combining(char))
    return latin.translate(_transliteration())


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens ("Urząd Dzielnicy" → "urzad-dzielnicy")."""
    return _NON_ALPHANUMERIC.sub("-", ascii_fold(text).lower()).strip("-")


def note_id(relative_path: str) -> str:
    """The id of a note: its path relative to the notes folder, without extension, slugified.

    Folders are joined with a hyphen: "2022-05-27/Grupa 1.md" → "2022-05-27-grupa-1".
    """
    path = PurePosixPath(relative_path)
    return slugify(str(path.with_suffix(""))) or "note"


def normalise_text(text: str) -> str:
    """Text as compared for identity: NFKC, case-folded, whitespace collapsed."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def item_id(note: str, text: str, occurrence: int) -> str:
    """`<note id>-<8 hex>`; the hash covers the normalised text and its occurrence in the note.

    `occurrence` counts earlier items of the same note with the same normalised text, so
    an item keeps its id when other lines are added above it.
    """
    digest = hashlib.sha1(f"{normalise_text(text)}\n{occurrence}".encode()).hexdigest()
    return f"{note}-{digest[:8]}"
