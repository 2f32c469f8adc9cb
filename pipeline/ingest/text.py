"""Plain-text notes: reading bytes within a size limit, decoding, splitting into lines."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from pipeline.config import section
from pipeline.errors import RekomendacjeError

# Any of the three conventions ends a line; mixed files keep one line per break, as editors show.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# Typographic characters a Polish Windows editor writes: they count for a legacy encoding.
_TYPOGRAPHY = frozenset("„”“‘’«»–—…•°§·")
# Control characters other than tab and line/page breaks, and the replacement character.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_REPLACEMENT = "\ufffd"
_NON_ASCII = re.compile("[^\x00-\x7f]")
_MEGABYTE = 1024 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_limited(path: Path, relative: str) -> bytes:
    """The bytes of a file, refusing (before reading it all) a file over `ingest.max_file_mb`."""
    limit = int(section("ingest")["max_file_mb"] * _MEGABYTE)
    size = path.stat().st_size
    if size > limit:
        raise RekomendacjeError(_too_big(size, limit), relative)
    with path.open("rb") as handle:
        raw = handle.read(limit + 1)  # the file may have grown since stat
    if len(raw) > limit:
        raise RekomendacjeError(_too_big(len(raw), limit), relative)
    return raw


def _too_big(size: int, limit: int) -> str:
    return f"file is {size / _MEGABYTE:.1f} MB, over the limit of {limit / _MEGABYTE:.0f} MB"


def decode_note(raw: bytes, relative: str) -> tuple[str, str, list[RekomendacjeError]]:
    """Text and encoding of a note: BOM-marked UTF, else UTF-8, else a Polish legacy encoding.

    Mostly-UTF-8 text with a few invalid bytes (a paste from another encoding) is kept with
    those bytes replaced by U+FFFD, and a problem naming the first line that has one.
    Raises RekomendacjeError for an empty file, binary content and unrecognised encodings.
    """
    if not raw.strip():
        raise RekomendacjeError("empty note", relative)
    text, encoding, problems = _decode(raw, relative)
    if not text.strip():
        raise RekomendacjeError("empty note", relative)
    if len(_CONTROL.findall(text)) / len(text) > section("ingest")["max_control_char_share"]:
        raise RekomendacjeError("binary content, not text", relative)
    return text, encoding, problems


def _decode(raw: bytes, relative: str) -> tuple[str, str, list[RekomendacjeError]]:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding, []
            except UnicodeDecodeError as error:
                raise RekomendacjeError(
                    f"damaged {encoding.upper()} text at byte {error.start}", relative
                ) from error
    if b"\x00" in raw:
        raise RekomendacjeError("binary content, not text", relative)
    try:
        return raw.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    best: tuple[float, str, str] | None = None
    for encoding in section("ingest")["fallback_encodings"]:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        share = polish_share(text)
        if best is None or share > best[0]:
            best = (share, text, encoding)
    if best is not None and best[0] >= section("ingest")["min_polish_letter_share"]:
        return best[1], best[2], []
    repaired = raw.decode("utf-8", errors="replace")
    invalid = repaired.count(_REPLACEMENT)
    if invalid / len(repaired) <= section("ingest")["max_invalid_utf8_share"]:
        before = repaired[: repaired.index(_REPLACEMENT)]
        problem = RekomendacjeError(
            f"{invalid} byte(s) that are not UTF-8 were replaced by '{_REPLACEMENT}'; "
            "save the file as UTF-8",
            relative,
            len(_LINE_BREAK.findall(before)) + 1,
        )
        return repaired, "utf-8", [problem]
    raise RekomendacjeError(
        "text encoding not recognised (not UTF-8, UTF-16 or Polish Windows-1250); "
        "save the file as UTF-8",
        relative,
    )


def polish_share(text: str) -> float:
    """Share of the non-ASCII characters that are Polish letters or common typography."""
    non_ascii = _NON_ASCII.findall(text)
    if not non_ascii:
        return 1.0
    polish = sum(1 for char in non_ascii if char in _POLISH_LETTERS or char in _TYPOGRAPHY)
    return polish / len(non_ascii)


def split_lines(text: str) -> list[str]:
    """Lines of a text with \\r\\n, \\r or \\n breaks; a final line break adds no empty line."""
    lines = _LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines
