"""Fast language detection for short items: script first, then word and letter statistics."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS
from spacy.lang.pl.stop_words import STOP_WORDS as POLISH_STOP_WORDS

from pipeline.config import section
from pipeline.nlp.text import WORD, WordCache, fold, register_doc_extensions
from pipeline.vocabulary import data_yaml

# Set by the Annotator when it routes a text to its language's pipeline.
register_doc_extensions("language")


@dataclass(frozen=True)
class LanguageMarkers:
    """Evidence for each language, from lexicon/language-markers.yaml and spaCy's stop words."""

    script_letters: dict[str, frozenset[str]]
    polish_words: frozenset[str]
    english_words: frozenset[str]
    bigrams: dict[str, tuple[str, ...]]
    suffixes: dict[str, tuple[str, ...]]


@cache
def markers() -> LanguageMarkers:
    """The detector's evidence, read once."""
    raw = data_yaml("lexicon/language-markers.yaml")
    polish = {fold(word) for word in POLISH_STOP_WORDS} | set(raw["words"]["pl"])
    english = set(ENGLISH_STOP_WORDS) | set(raw["words"]["en"])
    # Words both languages share ("a", "to", "no") say nothing.
    shared = polish & english
    return LanguageMarkers(
        script_letters={code: frozenset(letters) for code, letters in raw["scripts"].items()},
        polish_words=frozenset(polish - shared),
        english_words=frozenset(english - shared),
        bigrams={code: tuple(pairs) for code, pairs in raw["bigrams"].items()},
        suffixes={code: tuple(endings) for code, endings in raw["suffixes"].items()},
    )


class WordEvidence(NamedTuple):
    """What one word contributes to the detector; the text's evidence is the sum."""

    letters: int
    cyrillic: int
    ukrainian_letters: int
    russian_letters: int
    polish_marked: int  # a word with Polish letters (acronyms aside)
    polish_words: int
    english_words: int
    polish_bigrams: int
    english_bigrams: int
    polish_suffixes: int
    english_suffixes: int


def word_evidence(word: str) -> WordEvidence:
    """The counts one word (a match of `text.WORD`) adds to its text's evidence."""
    evidence = markers()
    lower = word.lower()
    if lower.isascii():  # no Cyrillic letter, hence none of the Ukrainian or Russian ones
        letters, cyrillic, ukrainian, russian = sum(map(str.isalpha, lower)), 0, 0, 0
    else:
        alphabetic = [char for char in lower if char.isalpha()]
        letters = len(alphabetic)
        cyrillic = sum(1 for char in alphabetic if "\u0400" <= char <= "\u04ff")
        ukrainian = sum(1 for char in alphabetic if char in evidence.script_letters["uk"])
        russian = sum(1 for char in alphabetic if char in evidence.script_letters["ru"])
    # Acronyms ("UP", "UA", "CWK") are names, not words of either language. A word with
    # Polish letters is Polish, but English notes name Polish places too, so it counts
    # once, not again through its letter pairs or ending.
    acronym = word.isupper() and len(word) > 1
    marked = not acronym and bool(evidence.script_letters["pl"].intersection(lower))
    plain = not acronym and not marked
    folded = fold(word)
    return WordEvidence(
        letters,
        cyrillic,
        ukrainian,
        russian,
        int(marked),
        int(plain and folded in evidence.polish_words),
        int(plain and folded in evidence.english_words),
        sum(map(folded.count, evidence.bigrams["pl"])) if plain else 0,
        sum(map(folded.count, evidence.bigrams["en"])) if plain else 0,
        int(plain and folded.endswith(evidence.suffixes["pl"])),
        int(plain and folded.endswith(evidence.suffixes["en"])),
    )


# A word's evidence packed into one integer, 32 bits per count (its fields' bytes read
# as one number), so that a text's evidence is one sum of (cached) integers, in C,
# instead of eleven sums in Python, and is unpacked in one call too.
# A count would need a text of 2**32 letters to overflow its field.
_FIELDS = struct.Struct(f"<{len(WordEvidence._fields)}I")


def _packed_evidence(word: str) -> int:
    return int.from_bytes(_FIELDS.pack(*word_evidence(word)), "little")


_PACKED_EVIDENCE = WordCache(_packed_evidence)


def _counts(text: str, words: list[str] | None) -> tuple[int, ...] | None:
    """The fields of `text_evidence`, as a plain tuple."""
    # Every letter is inside a word, and no letter pair or ending spans two words, so
    # the text's counts are the sums of its words' counts.
    found = WORD.findall(text) if words is None else words
    if not found:
        return None
    total = sum(map(_PACKED_EVIDENCE.__getitem__, found))
    return _FIELDS.unpack(total.to_bytes(_FIELDS.size, "little"))


def text_evidence(text: str, words: list[str] | None = None) -> WordEvidence | None:
    """The sum of the evidence of the text's words (None without words); words: the
    text's `WORD` matches, when already found."""
    counts = _counts(text, words)
    return None if counts is None else WordEvidence._make(counts)


class _Settings(NamedTuple):
    default: str
    cyrillic_share: float
    polish_letter_weight: float
    bigram_weight: float
    suffix_weight: float
    english_margin: float


@cache
def _settings() -> _Settings:
    """Config annotate.language, read once (the configuration is read once too)."""
    settings = section("annotate").get("language", {})
    return _Settings(
        settings.get("default", "pl"),
        settings.get("cyrillic_share", 0.5),
        settings.get("polish_letter_weight", 1.0),
        settings.get("bigram_weight", 0.1),
        settings.get("suffix_weight", 0.5),
        settings.get("english_margin", 0.0),
    )


def detect_language(text: str, words: list[str] | None = None) -> str:
    """The ISO 639-1 code of the text's language: "pl", "uk", "en", or "ru" for Russian.

    Cyrillic text is Ukrainian unless it has more Russian-only letters than
    Ukrainian-only ones. For Latin text, words with Polish letters, Polish and English
    stop words and typical letter pairs are counted, so flipchart Polish without
    diacritics stays Polish and English naming "Praga-Południe" stays English.
    Undecidable text is Polish, the notes' language. words: the text's `WORD` matches,
    when already found.
    """
    default, cyrillic_share, letter_weight, bigram_weight, suffix_weight, margin = _settings()
    counts = _counts(text, words)
    if counts is None or not counts[0]:
        return default
    # The fields of WordEvidence, unpacked at once (its attributes are a look-up each).
    (
        letters,
        cyrillic,
        ukrainian_letters,
        russian_letters,
        polish_marked,
        polish_words,
        english_words,
        polish_bigrams,
        english_bigrams,
        polish_suffixes,
        english_suffixes,
    ) = counts
    if cyrillic / letters >= cyrillic_share:
        return "ru" if russian_letters > ukrainian_letters else "uk"
    polish = letter_weight * polish_marked
    polish += float(polish_words)
    english = float(english_words)
    polish += bigram_weight * polish_bigrams
    english += bigram_weight * english_bigrams
    polish += suffix_weight * polish_suffixes
    english += suffix_weight * english_suffixes
    return "en" if english > polish + margin else default
