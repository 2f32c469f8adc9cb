"""The cross-language concept lexicon and the language-neutral tokens dedupe compares.

An item becomes two views: *terms* (its lemmas, folded to ASCII-like Latin and mapped to
concept ids where the lexicon knows them, plus the districts it names) and *surface*
(its text folded the same way, for character n-grams). Both views put Polish written
without diacritics and Ukrainian romanised in Polish spelling next to their Polish twins.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache

from pipeline.errors import RekomendacjeError
from pipeline.records import AnnotatedItem
from pipeline.vocabulary import data_path, data_yaml

CONCEPTS_FILE = "concepts.yaml"
CONCEPT_PREFIX = "c:"
DISTRICT_PREFIX = "d:"
_COMBINING = re.compile(r"[\u0300-\u036f]")
WORD = re.compile(r"[^\W_]+(?:[-'’ʼ+][^\W_]+)*\+?")


def fold_romanised(text: str, romanisation: dict[int, str]) -> str:
    """Lower-case text with Cyrillic romanised first, then Latin diacritics stripped."""
    # Romanising before decomposing keeps "й" and "ї" whole (NFD would split them).
    decomposed = unicodedata.normalize("NFD", text.lower().translate(romanisation))
    return _COMBINING.sub("", decomposed).replace("ł", "l")


@dataclass(frozen=True)
class Lexicon:
    """Folded lemma → concept id, the lemmas to ignore, and the facet of each faceted concept."""

    concept_of: dict[str, str]
    stop: frozenset[str]
    facet_of: dict[str, str]
    romanisation: dict[int, str]
    min_abbreviation: int = 4  # shortest lemma read as an abbreviation ("wolont")
    max_ending: int = 2  # longest unknown ending after a known word ("ngos", "romowie" → no)
    keys: tuple[str, ...] = ()  # concept_of's keys, sorted, for prefix search
    # Scope → concepts that together name it ("every" + "district"); a scope counts as
    # a district, so "a point in every district" is not merged with "a point in Wola".
    scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    memo: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def term(self, word: str) -> str | None:
        """The term a lemma stands for: its concept id (prefixed), or the folded lemma;
        None for a stop word or a single letter. Remembered per word."""
        found = self.memo.get(word, "")
        if found == "":
            key = self.normalise(word)
            concept = self.concept(key)
            found = (
                None
                if len(key) < 2 or key in self.stop
                else (CONCEPT_PREFIX + concept if concept else key)
            )
            self.memo[word] = found
        return found

    def concept(self, key: str) -> str | None:
        """The concept of a folded lemma; also of an abbreviation or a lemma with an ending.

        Flipcharts abbreviate ("wolont.", "niepelnospr.") and lemmatisers miss forms
        ("ngos", "робот" for "роботу"): a lemma that begins every lexicon word of one
        concept, or that is one lexicon word plus a short ending, takes that concept.
        """
        found = self.concept_of.get(key)
        if found or len(key) < self.min_abbreviation:
            return found
        start = bisect_left(self.keys, key)
        extended = set()
        for word in self.keys[start:]:
            if not word.startswith(key):
                break
            extended.add(self.concept_of[word])
        if len(extended) == 1:
            return extended.pop()
        for cut in range(1, self.max_ending + 1):
            found = self.concept_of.get(key[:-cut])
            if found and len(key) - cut >= self.min_abbreviation - 1:
                return found
        return None

    def normalise(self, word: str) -> str:
        """Lower case, Latin diacritics removed, Cyrillic in Polish spelling, tags dropped."""
        # morfeusz2 lemmas may carry a homonym tag ("dorosły:S"); it is not part of the word.
        return fold_romanised(word.split(":", 1)[0], self.romanisation)


@cache
def lexicon() -> Lexicon:
    """The lexicon of pipeline/data/concepts.yaml, read and checked once."""
    path = data_path(CONCEPTS_FILE)
    raw = data_yaml(CONCEPTS_FILE)
    romanisation = str.maketrans(raw.get("romanisation") or {})
    plain = Lexicon({}, frozenset(), {}, romanisation)
    concept_of: dict[str, str] = {}
    for concept, languages in (raw.get("concepts") or {}).items():
        for words in (languages or {}).values():
            for word in words:
                key = plain.normalise(str(word))
                if concept_of.get(key, concept) != concept:
                    raise RekomendacjeError(
                        f"'{word}' is listed under both '{concept_of[key]}' and '{concept}'; "
                        "keep it under one concept",
                        str(path),
                    )
                concept_of[key] = concept
    stop = frozenset(
        plain.normalise(str(word)) for words in (raw.get("stop") or {}).values() for word in words
    )
    facet_of = {
        concept: facet
        for facet, concepts in (raw.get("facets") or {}).items()
        for concept in concepts
    }
    scopes = {scope: tuple(concepts) for scope, concepts in (raw.get("scopes") or {}).items()}
    named = set(facet_of) | {concept for concepts in scopes.values() for concept in concepts}
    unknown = sorted(named - set(concept_of.values()))
    if unknown:
        raise RekomendacjeError(
            f"facets or scopes name unknown concepts: {', '.join(unknown)}", str(path)
        )
    matching = raw.get("matching") or {}
    return Lexicon(
        concept_of,
        stop,
        facet_of,
        romanisation,
        int(matching.get("min_abbreviation", 4)),
        int(matching.get("max_ending", 2)),
        tuple(sorted(concept_of)),
        scopes,
    )


def item_terms(item: AnnotatedItem, lex: Lexicon) -> list[str]:
    """Concept ids (prefixed) or folded lemmas of the item, and its districts (prefixed).

    Items without lemmas (JSON Lines from elsewhere) fall back to the folded words of the
    text, so they still meet their twins written the same way.
    """
    words = item.annotation.lemmas or [match.group() for match in WORD.finditer(item.text)]
    terms = [term for term in map(lex.term, words) if term]
    terms.extend(DISTRICT_PREFIX + district for district in item.annotation.districts)
    present = set(terms)
    scoped = [
        scope
        for scope, concepts in lex.scopes.items()
        if any(CONCEPT_PREFIX + concept not in present for concept in concepts)
    ]
    if scoped:
        # Lemmatisers drop words such as "every" as stop words and miss flipchart forms
        # ("KAZDEJ"), so scope words are also looked for among the text's own words.
        present.update(filter(None, map(lex.term, WORD.findall(item.text))))
    terms.extend(
        DISTRICT_PREFIX + scope
        for scope, concepts in lex.scopes.items()
        if all(CONCEPT_PREFIX + concept in present for concept in concepts)
    )
    return terms


def item_surface(item: AnnotatedItem, lex: Lexicon) -> str:
    """The item's text folded and romanised, for character n-grams."""
    return lex.normalise(item.text.replace(":", " "))


def facet_values(terms: list[str], lex: Lexicon) -> dict[str, frozenset[str]]:
    """Facet → the concepts of that facet among the terms (e.g. audience → {adults})."""
    values: dict[str, set[str]] = {}
    for term in terms:
        if term.startswith(CONCEPT_PREFIX):
            concept = term[len(CONCEPT_PREFIX) :]
            facet = lex.facet_of.get(concept)
            if facet:
                values.setdefault(facet, set()).add(concept)
    return {facet: frozenset(found) for facet, found in values.items()}


def actor_keys(item: AnnotatedItem, lex: Lexicon, prefix: int) -> frozenset[str]:
    """Keys of the actors an item names: registry ids and the first letters of name words.

    Word beginnings let "Бібліотека" meet "Biblioteka" and "UD Wola" meet "Urząd
    Dzielnicy Wola" (through "wola") while "Biblioteka" and "Centrum Wielokulturowe"
    share nothing.
    """
    keys = set()
    for actor in item.annotation.actors:
        if actor.organization_id:
            keys.add(actor.organization_id)
        keys.update(
            word[:prefix]
            for word in (match.group() for match in WORD.finditer(lex.normalise(actor.name)))
            if len(word) >= 3
        )
    return frozenset(keys)


def readable(term: str) -> str:
    """A term as shown in a ClusterLink: concept and district ids without their prefix."""
    for prefix in (CONCEPT_PREFIX, DISTRICT_PREFIX):
        if term.startswith(prefix):
            return term[len(prefix) :]
    return term
