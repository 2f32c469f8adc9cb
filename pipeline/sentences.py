"""A rule-based sentence splitter for Polish, Ukrainian and English note prose.

A sentence ends at `.`, `!`, `?` or `…` (closing quotes and brackets may follow) when
whitespace and then a capital letter, a digit or an opening quote come next, unless the
period closes a known abbreviation ("ul.", "np.", "m.in.") or an initial ("K.").
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.vocabulary import data_yaml

_CANDIDATE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+")
_OPENING = "\"'„«“‘(["


@cache
def abbreviations() -> frozenset[str]:
    """Abbreviations of every language, lower case, without the final period."""
    raw = data_yaml("abbreviations.yaml")
    return frozenset(str(entry).lower() for entries in raw.values() for entry in entries)


def split_sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of a text, each with its start offset in the text; stripped, none empty."""
    sentences: list[tuple[int, str]] = []
    start = 0
    for match in _CANDIDATE_END.finditer(text):
        if _ends_sentence(text, match):
            _append(sentences, text, start, match.end())
            start = match.end()
    _append(sentences, text, start, len(text))
    return sentences


def _append(sentences: list[tuple[int, str]], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        sentences.append((start + len(chunk) - len(chunk.lstrip()), stripped))


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    following = text[match.end() :].lstrip(_OPENING)
    if not following or not (following[0].isupper() or following[0].isdigit()):
        return False
    terminator = match.group().rstrip()
    if terminator.rstrip("\"'»”’)]") != ".":
        return True  # "!", "?", "…", "..." end a sentence whatever precedes them
    word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
    word = word.lstrip(_OPENING).lower()
    if len(word) == 1 and word.isalpha():
        return False
    return word not in abbreviations()
