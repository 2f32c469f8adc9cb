"""Lemmatisers for Polish (Morfeusz 2), Ukrainian (pymorphy3) and English (spaCy lookup table).

Each is a spaCy component that sets `token.lemma_` (lower case); `lemmas_of` runs the
same pipelines, so search indexing, query rewriting and dedupe see the lemmas the
annotator sees.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

import morfeusz2
import numpy
import pymorphy3
import spacy
import yaml
from spacy.attrs import LEMMA, ORTH
from spacy.language import Language
from spacy.lookups import Table, load_lookups
from spacy.tokens import Doc

from pipeline.nlp.language import detect_language
from pipeline.nlp.text import WORD, fold, is_capitalised, register_doc_extensions
from pipeline.vocabulary import data_path

SUPPORTED_LANGUAGES = ("pl", "uk", "en")

# Set by every lemmatiser in the same pass over the tokens, so later components and the
# classifier need not walk the tokens again: lower-case forms and lemmas per token.
register_doc_extensions("forms", "lemmas")


class Reading(NamedTuple):
    """One token's lemma, as stored: the lower-case form, the lemma, its id in the
    vocabulary's strings and its folded key (what lexicons are matched on)."""

    form: str
    lemma: str
    lemma_id: int
    key: str


def reading(doc: Doc, form: str, lemma: str) -> Reading:
    """The Reading of a lower-case form with its lemma (the lemma added to the strings)."""
    return Reading(form, lemma, doc.vocab.strings.add(lemma), fold(lemma))


def set_lemmas(doc: Doc, readings: list[Reading]) -> Doc:
    """Store the lemmas as `token.lemma_` (in one array write), the forms and lemmas on
    `doc._`, and the folded lemmas where `lexicons.lemma_keys` reads them."""
    if readings:
        doc.from_array([LEMMA], numpy.array([[item.lemma_id] for item in readings], dtype="uint64"))
    extension = doc._
    extension.forms = [item.form for item in readings]
    extension.lemmas = [item.lemma for item in readings]
    doc.user_data["lemma_keys"] = [item.key for item in readings]
    return doc


@cache
def polish_settings() -> dict:
    """lexicon/polish-lemmatizer.yaml, read once."""
    return yaml.safe_load(data_path("lexicon/polish-lemmatizer.yaml").read_text("utf-8"))


def _seed_words(sources: Iterable[str]) -> set[str]:
    """Words with Polish letters in the data files named in `restore_from`."""
    texts: list[str] = []
    for source in sources:
        if source == "training":
            folder = data_path("training")
            for path in sorted(folder.iterdir()) if folder.is_dir() else []:
                if path.name.endswith(".jsonl"):
                    lines = path.read_text("utf-8").splitlines()
                    texts.extend(json.loads(line)["text"] for line in lines if line.strip())
        elif data_path(source).is_file():
            texts.append(data_path(source).read_text("utf-8"))
    return {
        word
        for text in texts
        for word in WORD.findall(text)
        if fold(word) != word.lower() and "\u0400" > word[0]
    }


class PolishForm:
    """A Polish word form as written, with its readings in the four contexts
    (capitalised inside a sentence or not, after a verbal context word or not)."""

    __slots__ = ("text", "capitalised", "opens_verb", "readings")

    def __init__(self, text: str, capitalised: bool, opens_verb: bool) -> None:
        self.text = text
        self.capitalised = capitalised
        self.opens_verb = opens_verb  # "nie", "się", "należy": a verb is likely next
        self.readings: list[Reading | None] = [None] * 4  # by 2 * proper + verbal


class PolishLemmatizer:
    """Chooses one of Morfeusz's interpretations per form and caches it.

    Preference: a proper name only for a capitalised word inside a sentence; a verb
    right after "nie"/"się"/"należy"; otherwise by part of speech (noun before adjective
    before verb). Forms Morfeusz does not know are looked up, ASCII-folded, in a map
    built from the generated forms of the project's vocabulary, which restores the
    diacritics of flipchart notes ("dziecmi" -> dziecko).
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        settings = polish_settings()
        self.analyser = morfeusz2.Morfeusz(generate=False)
        self.pos_rank = {pos: rank for rank, pos in enumerate(settings["pos_priority"])}
        self.verbal_pos = frozenset(settings["verbal_pos"])
        self.verbal_context = frozenset(settings["verbal_context"])
        self.proper = {
            qualifier: rank for rank, qualifier in enumerate(settings["proper_qualifiers"])
        }
        self.acronym_length = settings["acronym_length"]
        self.restored: dict[str, str] = {}
        # Per token id (the form's hash, the same in every doc): the form as written,
        # whether it is capitalised and opens a verb, and its readings by context.
        self.cache: dict[int, PolishForm] = {}

    def initialize(self, get_examples=None, nlp: Language | None = None) -> None:
        """Build the diacritics-restoring map from the vocabulary files."""
        generator = morfeusz2.Morfeusz(analyse=False, generate=True)
        lemmas = {
            interpretation[2][1]
            for word in _seed_words(polish_settings()["restore_from"])
            for interpretation in self.analyser.analyse(word)
            if interpretation[2][2] != "ign"
        }
        # The map gives the form with its diacritics, which is then lemmatised like any
        # other; where two forms fold alike, the one of the shorter lemma wins.
        for lemma in sorted(lemmas, key=lambda lemma: (len(_clean(lemma)), lemma)):
            for form, *_ in generator.generate(lemma):
                folded = fold(form)
                if folded != form.lower():
                    self.restored.setdefault(folded, form.lower())
        self.cache.clear()

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        readings = []
        verbal = False
        for position, orth in enumerate(doc.to_array(ORTH).tolist()):
            form = self.cache.get(orth)
            if form is None:
                text = strings[orth]
                form = self.cache[orth] = PolishForm(
                    text, is_capitalised(text), text.lower() in self.verbal_context
                )
            proper = position > 0 and form.capitalised
            context = 2 * proper + verbal
            item = form.readings[context]
            if item is None:
                lemma = self.lemmatize(form.text, proper, verbal)
                item = form.readings[context] = reading(doc, form.text.lower(), lemma)
            readings.append(item)
            verbal = form.opens_verb
        return set_lemmas(doc, readings)

    def lemmatize(self, text: str, proper: bool, verbal: bool) -> str:
        """The lower-case lemma of one form; the form itself when nothing is known."""
        if not WORD.fullmatch(text) or (text.isupper() and len(text) <= self.acronym_length):
            return text.lower()  # punctuation, numbers and acronyms ("PUP", "OPS") as written
        candidates = [edge[2] for edge in self.analyser.analyse(text) if edge[0] == 0]
        known = [candidate for candidate in candidates if candidate[2] != "ign"]
        if not known:
            restored = self.restored.get(fold(text))
            return self.lemmatize(restored, proper, verbal) if restored else text.lower()

        # A lemma many interpretations share is the likelier reading ("polskiego" is
        # far more often the adjective "polski" than the noun "polskie").
        support = Counter(_clean(candidate[1]) for candidate in known)

        def rank(candidate: tuple) -> tuple[int, int, int, int, int]:
            pos = candidate[2].split(":")[0]
            proper_ranks = [self.proper[q] for q in candidate[3] if q in self.proper]
            return (
                0 if bool(proper_ranks) == proper else 1,
                0 if verbal and pos in self.verbal_pos else 1,
                -support[_clean(candidate[1])],
                self.pos_rank.get(pos, len(self.pos_rank)),
                min(proper_ranks, default=0),
            )

        return _clean(min(known, key=rank)[1])


def _clean(lemma: str) -> str:
    """Morfeusz's lemma without its homonym mark ("Polska:Sf~i" -> "polska")."""
    return lemma.split(":")[0].lower() or lemma.lower()


class FormLemmatizer:
    """A lemmatiser whose lemma depends on the word form alone, cached per token id."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cache: dict[int, Reading] = {}  # per token id

    def lemma_of(self, form: str) -> str:
        """The lemma of a lower-cased word form."""
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        strings = doc.vocab.strings
        readings = []
        for orth in doc.to_array(ORTH).tolist():
            item = self.cache.get(orth)
            if item is None:
                form = strings[orth].lower()
                item = self.cache[orth] = reading(doc, form, self.lemma_of(form))
            readings.append(item)
        return set_lemmas(doc, readings)


class UkrainianLemmatizer(FormLemmatizer):
    """pymorphy3's most probable normal form of each word, cached per form."""

    def __init__(self, nlp: Language, name: str) -> None:
        super().__init__(nlp, name)
        self.analyser = pymorphy3.MorphAnalyzer(lang="uk")

    def lemma_of(self, form: str) -> str:
        return self.analyser.parse(form)[0].normal_form if WORD.fullmatch(form) else form


class EnglishLemmatizer(FormLemmatizer):
    """spaCy's English lookup table (spacy-lookups-data) applied to the lower-cased form.

    spaCy's own lookup lemmatiser is case-sensitive, so "Schools" at the start of a
    sentence would stay "schools".
    """

    def __init__(self, nlp: Language, name: str) -> None:
        super().__init__(nlp, name)
        self.table: Table | None = None

    def initialize(self, get_examples=None, nlp: Language | None = None) -> None:
        self.table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
        self.cache.clear()

    def lemma_of(self, form: str) -> str:
        return self.table.get(form, form) if self.table else form


@Language.factory("english_lemmatizer")
def make_english_lemmatizer(nlp: Language, name: str) -> EnglishLemmatizer:
    return EnglishLemmatizer(nlp, name)


@Language.factory("polish_lemmatizer")
def make_polish_lemmatizer(nlp: Language, name: str) -> PolishLemmatizer:
    return PolishLemmatizer(nlp, name)


@Language.factory("ukrainian_lemmatizer")
def make_ukrainian_lemmatizer(nlp: Language, name: str) -> UkrainianLemmatizer:
    return UkrainianLemmatizer(nlp, name)


@cache
def lemma_pipeline(language: str) -> Language:
    """A blank pipeline of the language with its lemmatiser, initialised (shared, cached)."""
    nlp = spacy.blank(language)
    if language == "pl":
        nlp.add_pipe("polish_lemmatizer")
    elif language == "uk":
        nlp.add_pipe("ukrainian_lemmatizer")
    else:
        nlp.add_pipe("english_lemmatizer")
    nlp.initialize()
    return nlp


@cache
def stop_words(language: str) -> frozenset[str]:
    """The language's spaCy stop words, also ASCII-folded for Polish."""
    words = spacy.blank(language).Defaults.stop_words
    return frozenset(words | {fold(word) for word in words})


def content_lemmas(doc: Doc, language: str) -> list[str]:
    """Lower-case lemmas of the doc's words, without stop words, punctuation and numbers."""
    stops = stop_words(language)
    return [
        lemma
        for form, lemma in zip(doc._.forms, doc._.lemmas, strict=True)
        if form.isalpha() and len(form) > 1 and form not in stops and lemma not in stops
    ]


def lemmas_of(text: str, language: str | None = None) -> list[str]:
    """Lower-case lemmas of the text's words (stop words included, punctuation not), in
    order, as the annotator computes them. The language is detected when not given."""
    language = language or detect_language(text)
    language = language if language in SUPPORTED_LANGUAGES else "pl"
    return [
        token.lemma_.lower()
        for token in lemma_pipeline(language)(text)
        if not (token.is_punct or token.is_space)
    ]
