"""Phrase lexicons in data files (kinds, themes, generic actors) compiled per language.

An entry is written as words (lemmas or any form); it is lemmatised by the language's
own lemmatiser when loaded and matched against a document's lemmas, all folded, so the
lexicon, the text and missing diacritics meet on the same keys.
"""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Doc

from pipeline.nlp.lemmas import lemma_pipeline
from pipeline.nlp.model_cache import derived
from pipeline.nlp.patterns import PrefilteredPattern
from pipeline.nlp.phrases import PhraseIndex
from pipeline.nlp.text import fold
from pipeline.vocabulary import data_yaml


def lemma_keys(doc: Doc) -> list[str]:
    """The folded lemma of every token of a doc: the keys lexicons are matched on."""
    keys = doc.user_data.get("lemma_keys")
    if keys is None:
        keys = doc.user_data["lemma_keys"] = [fold(token.lemma_) for token in doc]
    return keys


def phrase_keys(phrase: str, language: str) -> list[str]:
    """The keys of a lexicon phrase, lemmatised as a document of the language would be."""
    return [fold(token.lemma_) for token in lemma_pipeline(language)(phrase)]


@cache
def read_yaml(name: str) -> dict:
    """A YAML file under pipeline/data/, read once."""
    return data_yaml(name)


def add_lexicon(index: PhraseIndex, name: str, language: str, prefix: str = "") -> PhraseIndex:
    """Add a lexicon file's phrases of a language ({label: {language: [phrases]}}) to the
    index, each giving prefix + label; the index is returned."""
    for label, entry in read_yaml(name).items():
        for phrase in entry.get(language, []):
            index.add(phrase_keys(str(phrase), language), prefix + label)
    return index


@cache
@derived("labels")
def label_index(name: str, language: str) -> PhraseIndex:
    """{label: {language: [phrases]}} from a lexicon file, as an index giving labels."""
    return add_lexicon(PhraseIndex(), name, language)


@cache
def kind_patterns() -> tuple[tuple[str, PrefilteredPattern], ...]:
    """(kind, one pattern joining that kind's patterns) from lexicon/kind-patterns.yaml."""
    return tuple(
        (kind, PrefilteredPattern.join(patterns, re.MULTILINE))
        for kind, patterns in read_yaml("lexicon/kind-patterns.yaml").items()
    )
