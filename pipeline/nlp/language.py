"""Fast language detection for short items: script first, then word and letter statistics."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml
from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH_STOP_WORDS
from spacy.lang.pl.stop_words import STOP_WORDS as POLISH_STOP_WORDS
from spacy.tokens import Doc

from pipeline.config import section
from pipeline.nlp.text import fold, words
from pipeline.vocabulary import data_path

# Set by the Annotator when it routes a text to its language's pipeline.
if not Doc.has_extension("language"):
    Doc.set_extension("language", default=None)


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
    raw = yaml.safe_load(data_path("lexicon/language-markers.yaml").read_text(encoding="utf-8"))
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


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language: "pl", "uk", "en", or "ru" for Russian.

    Cyrillic text is Ukrainian unless it has more Russian-only letters than
    Ukrainian-only ones. For Latin text, words with Polish letters, Polish and English
    stop words and typical letter pairs are counted, so flipchart Polish without
    diacritics stays Polish and English naming "Praga-Południe" stays English.
    Undecidable text is Polish, the notes' language.
    """
    settings = section("annotate").get("language", {})
    evidence = markers()
    letters = [char for char in text.lower() if char.isalpha()]
    if not letters:
        return settings.get("default", "pl")
    cyrillic = sum(1 for char in letters if "\u0400" <= char <= "\u04ff")
    if cyrillic / len(letters) >= settings.get("cyrillic_share", 0.5):
        ukrainian = sum(1 for char in letters if char in evidence.script_letters["uk"])
        russian = sum(1 for char in letters if char in evidence.script_letters["ru"])
        return "ru" if russian > ukrainian else "uk"
    # Acronyms ("UP", "UA", "CWK") are names, not words of either language.
    original = [word for _, _, word in words(text) if not (word.isupper() and len(word) > 1)]
    # A word with Polish letters is Polish, but English notes name Polish places too, so
    # it counts once, not again through its letter pairs or ending.
    polish_letters = evidence.script_letters["pl"]
    marked = [word for word in original if polish_letters.intersection(word.lower())]
    folded = [fold(word) for word in original if not polish_letters.intersection(word.lower())]
    polish = settings.get("polish_letter_weight", 1.0) * len(marked)
    polish += sum(1.0 for word in folded if word in evidence.polish_words)
    english = sum(1.0 for word in folded if word in evidence.english_words)
    joined = " ".join(folded)
    bigram_weight = settings.get("bigram_weight", 0.1)
    polish += bigram_weight * sum(joined.count(pair) for pair in evidence.bigrams["pl"])
    english += bigram_weight * sum(joined.count(pair) for pair in evidence.bigrams["en"])
    suffix_weight = settings.get("suffix_weight", 0.5)
    polish += suffix_weight * sum(1 for word in folded if word.endswith(evidence.suffixes["pl"]))
    english += suffix_weight * sum(1 for word in folded if word.endswith(evidence.suffixes["en"]))
    margin = settings.get("english_margin", 0.0)
    return "en" if english > polish + margin else settings.get("default", "pl")
