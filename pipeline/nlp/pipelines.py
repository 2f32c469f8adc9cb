"""The annotation pipelines: one `spacy.blank` pipeline per language, with our components."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from spacy.language import Language

# Importing the modules registers their factories with spaCy.
from pipeline.nlp import actors, classifier, cues, districts, lemmas  # noqa: F401
from pipeline.nlp.classifier import KindThemeModel
from pipeline.nlp.lemmas import SUPPORTED_LANGUAGES, blank_pipeline

LEMMATIZERS = {"pl": "polish_lemmatizer", "uk": "ukrainian_lemmatizer", "en": "english_lemmatizer"}
CLASSIFIER = "kind_theme_classifier"


def build_pipeline(language: str) -> Language:
    """blank(language) → lemmatiser → districts → actors → cues → kind/theme classifier.

    The classifier has no model yet; the Annotator trains one and sets it.
    """
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"no pipeline for language {language!r}: use one of {SUPPORTED_LANGUAGES}")
    nlp = blank_pipeline(language)
    nlp.add_pipe(LEMMATIZERS[language])
    nlp.add_pipe("district_detector")
    nlp.add_pipe("actor_detector", config={"language": language})
    nlp.add_pipe("cue_detector", config={"language": language})
    nlp.add_pipe(CLASSIFIER)
    nlp.initialize()
    return nlp


class Pipelines(Mapping[str, Language]):
    """The pipeline of each supported language, built on first use, all sharing one
    kind/theme model (`set_model`).

    A few new items (an incremental build) are often all in one language; building
    only the languages asked for spares the others' tokenizers and dictionaries.
    """

    def __init__(self) -> None:
        self._built: dict[str, Language] = {}
        self._model: KindThemeModel | None = None

    def __getitem__(self, language: str) -> Language:
        nlp = self._built.get(language)
        if nlp is None:
            if language not in SUPPORTED_LANGUAGES:
                raise KeyError(language)
            nlp = self._built[language] = build_pipeline(language)
            if self._model is not None:
                nlp.get_pipe(CLASSIFIER).set_model(self._model)
        return nlp

    def __contains__(self, language: object) -> bool:
        return language in SUPPORTED_LANGUAGES  # without building it

    def __iter__(self) -> Iterator[str]:
        return iter(SUPPORTED_LANGUAGES)

    def __len__(self) -> int:
        return len(SUPPORTED_LANGUAGES)

    def built(self) -> list[str]:
        """The languages whose pipeline has been built so far."""
        return list(self._built)

    def set_model(self, model: KindThemeModel) -> None:
        """Give the classifier of every pipeline, built now or later, this model."""
        self._model = model
        for nlp in self._built.values():
            nlp.get_pipe(CLASSIFIER).set_model(model)
