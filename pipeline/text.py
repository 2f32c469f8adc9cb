"""Small text normalisations shared by every stage."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    # Only Latin letters lose their marks: Ukrainian "ї" and "й" are letters of their own.
    if char == "ł":
        return "l"
    if char == "Ł":
        return "L"
    if ord(char) < 0x00C0 or ord(char) > 0x024F:
        return char
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case text without Polish (and other Latin) diacritics: "Białołęka" → "bialoleka"."""
    return "".join(_fold_char(char) for char in text.lower())
