"""What the lemmatisers store per token: a Reading (form, lemma, folded key, flags),
computed once per word form, and read by the later components instead of the tokens."""

from __future__ import annotations

from functools import cache
from operator import itemgetter
from typing import NamedTuple

import numpy
import spacy
from spacy.attrs import LEMMA
from spacy.tokens import Doc

from pipeline.nlp.text import fold


class Reading(NamedTuple):
    """One token's lemma, as stored: the lower-case form, the lemma, its id in the
    vocabulary's strings, its folded key (what lexicons are matched on), and whether it
    is a word the classifier sees (letters, two or more) and a content word (also no
    stop word: the annotation's lemmas). Computed once per word form."""

    form: str
    lemma: str
    lemma_id: int
    key: str
    feature: bool
    content: bool


_LEMMA_ID = itemgetter(Reading._fields.index("lemma_id"))
_KEY = itemgetter(Reading._fields.index("key"))
_LEMMA_COLUMN = [LEMMA]


def reading(doc: Doc, form: str, lemma: str) -> Reading:
    """The Reading of a lower-case form with its lemma (the lemma added to the strings)."""
    stops = stop_words(doc.lang_)
    feature = form.isalpha() and len(form) > 1
    return Reading(
        form,
        lemma,
        doc.vocab.strings.add(lemma),
        fold(lemma),
        feature,
        feature and form not in stops and lemma not in stops,
    )


def set_lemmas(doc: Doc, readings: list[Reading]) -> Doc:
    """Store the lemmas as `token.lemma_` (in one array write), and the readings and
    their folded lemmas where `readings_of` and `lexicons.lemma_keys` read them."""
    if readings:
        lemma_ids = numpy.fromiter(map(_LEMMA_ID, readings), numpy.uint64, len(readings))
        doc.from_array(_LEMMA_COLUMN, lemma_ids)  # one column: a 1-d array will do
    doc.user_data["readings"] = readings
    doc.user_data["lemma_keys"] = list(map(_KEY, readings))
    return doc


def readings_of(doc: Doc) -> list[Reading]:
    """The Reading of every token of a doc that went through one of the lemmatisers."""
    return doc.user_data["readings"]


@cache
def stop_words(language: str) -> frozenset[str]:
    """The language's spaCy stop words, also ASCII-folded for Polish."""
    # The language's class holds them: no need to build a pipeline (its tokenizer).
    words = spacy.util.get_lang_class(language).Defaults.stop_words
    return frozenset(words | {fold(word) for word in words})


def content_lemmas(doc: Doc) -> list[str]:
    """Lower-case lemmas of the doc's words, without stop words, punctuation and numbers."""
    return [item.lemma for item in readings_of(doc) if item.content]
