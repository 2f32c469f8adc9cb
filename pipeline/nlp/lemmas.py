"""Lemmatisers for Polish (Morfeusz 2, `polish.py`), Ukrainian (pymorphy3) and English
(spaCy lookup table).

Each is a spaCy component that sets `token.lemma_` (lower case) and stores a Reading per
token (`readings.py`); `lemmas_of` runs the
same pipelines, so search indexing, query rewriting and dedupe see the lemmas the
annotator sees.
"""

from __future__ import annotations

from functools import cache

import pymorphy3
import spacy
from pymorphy3.shapes import is_latin
from spacy.attrs import IS_ALPHA, IS_LOWER, IS_PUNCT, IS_SPACE, LANG, LOWER, ORTH
from spacy.language import Language
from spacy.lookups import Table, load_lookups
from spacy.tokens import Doc

# Importing the Polish lemmatiser registers its factory with spaCy.
from pipeline.nlp import polish  # noqa: F401
from pipeline.nlp.language import detect_language
from pipeline.nlp.model_cache import derived
from pipeline.nlp.readings import Reading, reading, set_lemmas
from pipeline.nlp.text import WORD, BatchComponent

SUPPORTED_LANGUAGES = ("pl", "uk", "en")

# The lexeme attributes read from our pipelines' tokens: `lower_`, `is_lower` and
# `is_alpha` (actors), `is_punct` and `is_space` (`lemmas_of`), and the language
# (`doc.lang_`). A word form's lexeme is made the first time the tokenizer meets it,
# and computing spaCy's two dozen others (shape, prefix, suffix, like_num, ...) took
# two thirds of that.
LEXEME_ATTRIBUTES = (LOWER, IS_LOWER, IS_ALPHA, IS_PUNCT, IS_SPACE, LANG)


@cache
def ukrainian_analyser() -> pymorphy3.MorphAnalyzer:
    """The process's one pymorphy3 analyser of Ukrainian (each loads its dictionaries)."""
    return pymorphy3.MorphAnalyzer(lang="uk")


@cache
@derived("english-lemmas")
def english_lemma_table() -> Table:
    """spacy-lookups-data's English lemma table, once per process (a pickle of it loads
    in a quarter of the time)."""
    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


class FormLemmatizer(BatchComponent):
    """A lemmatiser whose lemma depends on the word form alone, cached per token id and
    per lower-case form ("Школа" and "школа" are analysed once)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self.cache: dict[int, Reading] = {}  # per token id
        self.by_form: dict[str, Reading] = {}  # per lower-case form

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
                item = self.by_form.get(form)
                if item is None:
                    item = self.by_form[form] = reading(doc, form, self.lemma_of(form))
                self.cache[orth] = item
            readings.append(item)
        return set_lemmas(doc, readings)


class UkrainianLemmatizer(FormLemmatizer):
    """pymorphy3's most probable normal form of each word, cached per form.

    That is `parse(form)[0].normal_form`, found here without the rest of `parse` (its
    other units, a Parse per reading) where it is known sooner: the analyser's first
    unit is its dictionary and Ukrainian has no probability estimates, so for a word in
    the dictionary it is the normal form of the dictionary's first reading; for a word
    not in it of Latin letters or of digits it is the word (pymorphy3's shape units).
    """

    def __init__(self, nlp: Language, name: str) -> None:
        super().__init__(nlp, name)
        self.analyser = ukrainian_analyser()
        self.dictionary = self.analyser.dictionary

    def lemma_of(self, form: str) -> str:
        if not WORD.fullmatch(form):
            return form
        # The form and its variants with "ґ" for "г", the form itself first.
        found = self.dictionary.words.similar_items(form, self.analyser.char_substitutes)
        if found:
            word, readings = found[0]
            return self.dictionary.build_normal_form(*readings[0], word)
        if form.isdecimal() or is_latin(form):
            return form
        return self.analyser.parse(form)[0].normal_form


class EnglishLemmatizer(FormLemmatizer):
    """spaCy's English lookup table (spacy-lookups-data) applied to the lower-cased form.

    spaCy's own lookup lemmatiser is case-sensitive, so "Schools" at the start of a
    sentence would stay "schools".
    """

    def __init__(self, nlp: Language, name: str) -> None:
        super().__init__(nlp, name)
        self.table: Table | None = None

    def initialize(self, get_examples=None, nlp: Language | None = None) -> None:
        self.table = english_lemma_table()
        self.cache.clear()
        self.by_form.clear()

    def lemma_of(self, form: str) -> str:
        return self.table.get(form, form) if self.table else form


@Language.factory("english_lemmatizer")
def make_english_lemmatizer(nlp: Language, name: str) -> EnglishLemmatizer:
    return EnglishLemmatizer(nlp, name)


@Language.factory("ukrainian_lemmatizer")
def make_ukrainian_lemmatizer(nlp: Language, name: str) -> UkrainianLemmatizer:
    return UkrainianLemmatizer(nlp, name)


@cache
def _tokenizing(language: str) -> Language:
    """`spacy.blank(language)`, once per process: the holder of the language's one
    vocabulary and tokenizer (building a tokenizer compiles its expressions and special
    cases, 0.05–0.1 s). Its new lexemes get only the `LEXEME_ATTRIBUTES`."""
    nlp = spacy.blank(language)
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {attribute: getters[attribute] for attribute in LEXEME_ATTRIBUTES}
    return nlp


def blank_pipeline(language: str) -> Language:
    """A new pipeline of the language without components, sharing the process's one
    vocabulary and tokenizer of the language with every other."""
    base = _tokenizing(language)
    return spacy.util.get_lang_class(language)(
        vocab=base.vocab, create_tokenizer=lambda nlp: base.tokenizer
    )


@cache
def lemma_pipeline(language: str) -> Language:
    """A blank pipeline of the language with its lemmatiser, initialised (shared, cached)."""
    nlp = blank_pipeline(language)
    if language == "pl":
        nlp.add_pipe("polish_lemmatizer")
    elif language == "uk":
        nlp.add_pipe("ukrainian_lemmatizer")
    else:
        nlp.add_pipe("english_lemmatizer")
    nlp.initialize()
    return nlp


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
