"""The annotation pipelines: one `spacy.blank` pipeline per language, with our components."""

from __future__ import annotations

import spacy
from spacy.language import Language

# Importing the modules registers their factories with spaCy.
from pipeline.nlp import actors, classifier, cues, districts, lemmas  # noqa: F401
from pipeline.nlp.lemmas import SUPPORTED_LANGUAGES

LEMMATIZERS = {"pl": "polish_lemmatizer", "uk": "ukrainian_lemmatizer", "en": "english_lemmatizer"}
CLASSIFIER = "kind_theme_classifier"


def build_pipeline(language: str) -> Language:
    """blank(language) → lemmatiser → districts → actors → cues → kind/theme classifier.

    The classifier has no model yet; the Annotator trains one and sets it.
    """
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"no pipeline for language {language!r}: use one of {SUPPORTED_LANGUAGES}")
    nlp = spacy.blank(language)
    nlp.add_pipe(LEMMATIZERS[language])
    nlp.add_pipe("district_detector")
    nlp.add_pipe("actor_detector", config={"language": language})
    nlp.add_pipe("cue_detector", config={"language": language})
    nlp.add_pipe(CLASSIFIER)
    nlp.initialize()
    return nlp


def build_pipelines() -> dict[str, Language]:
    """One pipeline per supported language."""
    return {language: build_pipeline(language) for language in SUPPORTED_LANGUAGES}
