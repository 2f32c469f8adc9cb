"""Segmentation: a NoteDocument cut into items (bullets, list lines, prose sentences).

Every source line ends up either inside an item (`line` … `end_line`) or in a SkippedLine
with its reason (blank, heading, rule, comment, front matter, too long, no text), so
nothing a note says is lost without a trace. Headings set `heading` and, through
headings.yaml, the `kind_hint` of the items under them; an item's own prefix ("Rekom.: …")
wins. Prose lines are joined unless a line is much shorter than its neighbours (a
flipchart line, a title), then split into sentences; see pipeline/sentences.py.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from pipeline.config import section
from pipeline.ids import ascii_fold, item_id, normalise_text
from pipeline.records import Item, NoteDocument, SkippedLine
from pipeline.sentences import split_sentences
from pipeline.vocabulary import data_yaml

_ATX_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_RULE = re.compile(r"^\s*([-*_=])(?:\s*\1){2,}\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
# Bullet markers: - * • – — + · ▪ ► ‣ ◦, arrows (a flipchart's "-> next point"), 1. 1) a) iv)
# Letters take only ")": "K. Wróblewska …" is an initial, not a list.
_BULLET = re.compile(
    r"^(\s*)([-*•–—+·▪►‣◦](?![-*>])|->|=>|→|⇒|\d{1,2}[.)]|[a-zA-Z]\)|[ivx]{1,4}\))\s+(.*)$"
)
_ARROWS = ("->", "=>", "→", "⇒")
_COMMENT_OPEN, _COMMENT_CLOSE = "<!--", "-->"
_PARAGRAPH_FORMATS = ("docx", "odt")
_BOLD_LINE = re.compile(r"^(\*\*|__)(.+?)\1\s*(:?)\s*$")
_INLINE_PREFIX = re.compile(r"^([^\W\d_][^:()]{0,30}?)\s*:\s+\S")
_SENTENCE_END = (".", "!", "?", "…")
_PSEUDO_HEADING_LEVEL = 7  # bold, caps and colon headings nest under any # heading
# Words that may join heading phrases in a bare heading line ("Problemy i wyzwania").
_CONNECTOR_MAX_CHARS = 4


@cache
def heading_phrases() -> tuple[tuple[str, str], ...]:
    """(folded phrase, kind) pairs from headings.yaml, longest phrase first."""
    raw = data_yaml("headings.yaml")
    pairs = {(_fold(phrase), kind) for kind, phrases in raw.items() for phrase in phrases}
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair)))


def _fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces, for heading matching."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_fold(text).lower()).split())


def kind_hint(heading: str) -> str | None:
    """The kind a heading suggests ("Partnerstwa / ustalenia" → partnership), or None."""
    folded = f" {_fold(heading)} "
    kinds = {kind for phrase, kind in heading_phrases() if f" {phrase} " in folded}
    return kinds.pop() if len(kinds) == 1 else None


@dataclass
class _Draft:
    """An item being built: its text parts and the source lines it covers."""

    line: int
    end_line: int
    parts: list[str]
    heading: str | None
    hint: str | None
    indent: int = 0
    blank_since: bool = False  # a blank line came after it (only indented lines continue it)


@dataclass
class _Segmenter:
    """The state of one pass over a document's lines."""

    note_id: str
    drafts: list[_Draft] = field(default_factory=list)
    skipped: list[SkippedLine] = field(default_factory=list)
    headings: list[tuple[int, str, str | None]] = field(default_factory=list)
    bullet: _Draft | None = None
    paragraph: list[tuple[int, str]] = field(default_factory=list)
    in_comment: bool = False  # inside a multi-line <!-- … --> (the template's guidance)
    lines_are_paragraphs: bool = False  # DOCX/ODT: a line is a whole paragraph, never wrapped

    def skip(self, line: int, text: str, reason: str) -> None:
        limit = section("segment")["skipped_text_chars"]
        self.skipped.append(SkippedLine(self.note_id, line, text[:limit].rstrip(), reason))

    def set_heading(self, level: int, text: str) -> None:
        self.close()
        self.headings = [entry for entry in self.headings if entry[0] < level]
        self.headings.append((level, text, kind_hint(text)))

    def current(self) -> tuple[str | None, str | None]:
        """The innermost heading, and the nearest kind hint up the heading stack."""
        heading = self.headings[-1][1] if self.headings else None
        hint = next((entry[2] for entry in reversed(self.headings) if entry[2]), None)
        return heading, hint

    def start_item(self, line: int, text: str, indent: int = 0) -> _Draft:
        heading, hint = self.current()
        draft = _Draft(line, line, [text], heading, hint, indent)
        self.drafts.append(draft)
        return draft

    def close(self) -> None:
        """End the open bullet and turn the open prose paragraph into sentence items."""
        self.bullet = None
        for run in _unwrapped_runs(self.paragraph):
            offsets, pieces, position = [], [], 0
            for line, text in run:
                offsets.append((position, line))
                pieces.append(text)
                position += len(text) + 1
            for start, sentence in split_sentences(" ".join(pieces)):
                draft = self.start_item(_line_at(offsets, start), sentence)
                draft.end_line = _line_at(offsets, start + len(sentence) - 1)
        self.paragraph = []


def _unwrapped_runs(paragraph: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """A paragraph's lines grouped into runs that were wrapped from one line.

    A line much shorter than the paragraph's longest, or short in absolute terms, was
    ended by its writer (a flipchart line, a title), so the next line starts a new run.
    """
    settings = section("segment")
    longest = max((len(text) for _, text in paragraph), default=0)
    runs: list[list[tuple[int, str]]] = []
    for index, entry in enumerate(paragraph):
        previous = paragraph[index - 1][1] if index else None
        if previous is None or len(previous) < max(
            settings["short_line_chars"], settings["wrapped_line_ratio"] * longest
        ):
            runs.append([])
        runs[-1].append(entry)
    return runs


def _line_at(offsets: list[tuple[int, int]], position: int) -> int:
    """The source line of a character position in a paragraph joined from lines."""
    return next(line for start, line in reversed(offsets) if start <= position)


def segment_document(document: NoteDocument) -> tuple[list[Item], list[SkippedLine]]:
    """The items of a document, in order, and every line that became no item (with why)."""
    state = _Segmenter(
        document.note.id, lines_are_paragraphs=document.note.format in _PARAGRAPH_FORMATS
    )
    for index, text in enumerate(document.front_matter):
        state.skip(index + 1, text, "front matter")
    lines = document.lines
    for index, raw in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        _segment_line(state, document.first_line + index, raw, following)
    state.close()
    return _finish(state, document)


def _segment_line(state: _Segmenter, number: int, raw: str, following: str) -> None:
    settings = section("segment")
    stripped = raw.strip()
    indent = len(raw) - len(raw.lstrip())
    if len(raw) > settings["max_line_chars"]:
        state.close()
        state.skip(number, raw, "too long")
    elif state.in_comment or stripped.startswith(_COMMENT_OPEN):
        opened_here = not state.in_comment
        after_opening = stripped[len(_COMMENT_OPEN) :] if opened_here else stripped
        state.in_comment = _COMMENT_CLOSE not in after_opening
        state.close()
        state.skip(number, raw, "comment")
    elif not stripped:
        if state.paragraph:
            state.close()
        if state.bullet is not None:
            state.bullet.blank_since = True
        state.skip(number, raw, "blank")
    elif _RULE.match(raw) or _TABLE_SEPARATOR.match(raw):
        state.close()
        state.skip(number, raw, "rule")
    elif match := _ATX_HEADING.match(raw):
        state.set_heading(len(match.group(1)), _clean_heading(match.group(2)))
        state.skip(number, raw, "heading")
    elif stripped.startswith("|"):
        state.close()
        cells = [cell.strip() for cell in stripped.strip("|").split("|")]
        state.start_item(number, " | ".join(_strip_emphasis(c) for c in cells if c))
    elif (
        state.bullet is not None
        and indent > state.bullet.indent
        and (not state.bullet.blank_since or indent >= 2)
        and not _starts_item(raw)
    ):
        # An indented line (also an indented "-> consequence") continues the bullet above;
        # blank lines in between become part of the item (a list item of two paragraphs).
        state.skipped = [s for s in state.skipped if s.line <= state.bullet.end_line]
        state.bullet.parts.append(_strip_emphasis(stripped))
        state.bullet.end_line = number
    elif match := _BULLET.match(raw):
        text = _strip_emphasis(match.group(3).strip())
        if match.group(2)[0].isalnum() and _is_caps_heading(text):
            state.set_heading(_PSEUDO_HEADING_LEVEL, _clean_heading(text))
            state.skip(number, raw, "heading")
            return
        state.close()
        state.bullet = state.start_item(number, text, len(match.group(1)))
    elif (state.bullet is None or state.bullet.blank_since) and (
        heading := _pseudo_heading(stripped, following, settings["heading_max_words"])
    ):
        state.set_heading(_PSEUDO_HEADING_LEVEL, heading)
        state.skip(number, raw, "heading")
    elif (
        state.bullet is not None and not state.bullet.blank_since and not state.lines_are_paragraphs
    ):
        state.bullet.parts.append(_strip_emphasis(stripped))  # a wrapped line of the bullet
        state.bullet.end_line = number
    else:
        state.bullet = None
        state.paragraph.append((number, _strip_emphasis(stripped)))
        if state.lines_are_paragraphs:
            state.close()


def _starts_item(raw: str) -> bool:
    """Whether a line opens a new (possibly nested) list item; arrows only when not indented."""
    match = _BULLET.match(raw)
    return match is not None and (match.group(2) not in _ARROWS or not match.group(1))


def _pseudo_heading(stripped: str, following: str, max_words: int) -> str | None:
    """The heading text of a bold, ALL-CAPS or colon-ended line that acts as a heading."""
    if bold := _BOLD_LINE.match(stripped):
        text = bold.group(2).strip()
        colon = bool(bold.group(3)) or text.endswith(":")
        text = _clean_heading(text)
        if colon or kind_hint(text) or _is_short_title(text, max_words):
            return text
        return None
    text = _clean_heading(stripped)
    if not text:
        return None
    if _is_caps_heading(stripped):
        return text
    if stripped.endswith(":"):
        if _starts_item(following) or (kind_hint(text) and _is_short_title(text, max_words)):
            return text
        return None
    if _starts_item(following) and _is_short_title(text, max_words):
        return text  # a short label directly above a list ("WSPOLNE / systemowe")
    if _is_bare_heading(text):
        return text
    return None


def _is_bare_heading(text: str) -> bool:
    """A plain line that is nothing but heading phrases ("Partnerstwa / ustalenia")."""
    if kind_hint(text) is None:
        return False
    rest = f" {_fold(text)} "
    for phrase, _ in heading_phrases():  # longest first, so "dobre praktyki" before "dobra"
        rest = rest.replace(f" {phrase} ", " ")
    return all(len(word) <= _CONNECTOR_MAX_CHARS for word in rest.split())


def _is_short_title(text: str, max_words: int) -> bool:
    words = [word for word in text.split() if any(char.isalnum() for char in word)]
    return 0 < len(words) <= max_words and not text.endswith(_SENTENCE_END)


def _is_caps_heading(text: str) -> bool:
    """An ALL-CAPS flipchart heading ("PROBLEMY", "NASTEPNE KROKI:")."""
    letters = [char for char in text if char.isalpha()]
    if len(letters) < 3 or not all(char.isupper() for char in letters):
        return False
    clean = _clean_heading(text)
    max_words = section("segment")["heading_max_words"]
    return text.endswith(":") or bool(kind_hint(clean)) or _is_short_title(clean, max_words)


def _clean_heading(text: str) -> str:
    """Heading text without emphasis markers and a trailing colon."""
    return _strip_emphasis(text.strip()).rstrip(":").strip()


def _strip_emphasis(text: str) -> str:
    """Text without Markdown emphasis around all of it ("**Ważne**" → "Ważne")."""
    while len(text) > 2:
        marker = next(
            (
                m
                for m in ("**", "__", "*", "_")
                if text.startswith(m) and text.endswith(m) and len(text) > 2 * len(m)
            ),
            None,
        )
        if marker is None or marker in text[len(marker) : -len(marker)]:
            return text
        text = text[len(marker) : -len(marker)].strip()
    return text


def _finish(state: _Segmenter, document: NoteDocument) -> tuple[list[Item], list[SkippedLine]]:
    """Items with ids and positions; lines of textless drafts become "no text" skipped lines."""
    items: list[Item] = []
    covered: set[int] = set()
    occurrences: Counter[str] = Counter()
    textless: list[_Draft] = []
    for draft in state.drafts:
        text = " ".join(part for part in draft.parts if part).strip()
        if not any(char.isalnum() for char in text):
            textless.append(draft)
            continue
        normalised = normalise_text(text)
        hint = draft.hint
        if prefix := _INLINE_PREFIX.match(text):
            hint = kind_hint(prefix.group(1)) or hint
        items.append(
            Item(
                id=item_id(state.note_id, text, occurrences[normalised]),
                note_id=state.note_id,
                position=len(items),
                text=text,
                line=draft.line,
                heading=draft.heading,
                kind_hint=hint,
                end_line=draft.end_line,
            )
        )
        occurrences[normalised] += 1
        covered.update(range(draft.line, draft.end_line + 1))
    for draft in textless:
        for number in range(draft.line, draft.end_line + 1):
            if number not in covered:
                covered.add(number)
                state.skip(number, document.lines[number - document.first_line], "no text")
    return items, sorted(state.skipped, key=lambda skipped: skipped.line)
