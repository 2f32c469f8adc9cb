"""Kind and themes of an item: a scikit-learn model over lemmas, character n-grams, lexicon
cues and the heading hint, blended with the lexicon's own vote.

Features: TF-IDF of the content lemmas; TF-IDF of character n-grams of the folded text
(robust to typos, missing diacritics and abbreviations, and shared across languages
for names and numbers); the lexicon cue counts, the heading hint and the actors found,
which carry the signal across languages when training examples of a language are few.
Kind and themes are one-vs-rest logistic regressions, so both give probabilities; the
final score blends them with the lexicon's vote by `lexicon_weight`. A theme is kept when
its score reaches its own threshold (config `theme_thresholds`, chosen by grouped
cross-validation on the training data: benchmarks/classifier_cv.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer, normalize
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.lexicons import lemma_keys
from pipeline.nlp.text import fold, register_doc_extensions, text_of
from pipeline.vocabulary import codes

register_doc_extensions("kind", "themes", "scores", "kind_hint")


@dataclass(frozen=True)
class Features:
    """What the model sees of one item."""

    text: str
    lemmas: tuple[str, ...]
    cues: dict[str, int]
    hint: str | None
    language: str
    actors: tuple[str, ...] = ()  # registry ids, or "generic:<sector>"


@dataclass(frozen=True)
class Prediction:
    kind: str
    kind_score: float
    theme_scores: dict[str, float]


def features_of(doc: Doc) -> Features:
    """The features of a doc that went through the lemmatiser and the cue detector."""
    extension = doc._
    return Features(
        text_of(doc),
        tuple(
            key
            for key, form in zip(lemma_keys(doc), extension.forms, strict=True)
            if form.isalpha() and len(form) > 1
        ),
        dict(extension.cues or {}),
        extension.kind_hint,
        extension.language or "pl",
        tuple(
            actor.organization_id or f"generic:{actor.sector}" for actor in (extension.actors or ())
        ),
    )


def lemma_terms(lemmas: Sequence[str]) -> list[str]:
    """The lemmas and their adjacent pairs ("brak mieszkanie"), the lemma features."""
    return [*lemmas, *(f"{first} {second}" for first, second in pairwise(lemmas))]


# Character n-grams per word, shared by all texts: words repeat far more than texts do.
_WORD_NGRAMS: dict[str, list[str]] = {}
_WORD_NGRAMS_LIMIT = 500_000


def char_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams (low..high) of each space-padded word of the folded text.

    The same n-grams as scikit-learn's "char_wb" analyser, cached per word.
    """
    grams: list[str] = []
    for word in fold(text).split():
        cached = _WORD_NGRAMS.get(word)
        if cached is None:
            padded = f" {word} "
            cached = [
                padded[start : start + size]
                for size in range(low, high + 1)
                for start in range(max(1, len(padded) - size + 1))
            ]
            if len(_WORD_NGRAMS) >= _WORD_NGRAMS_LIMIT:
                _WORD_NGRAMS.clear()
            _WORD_NGRAMS[word] = cached
        grams.extend(cached)
    return grams


def _meta(row: Features) -> dict[str, float]:
    meta = {f"cue={name}": math.log1p(count) for name, count in row.cues.items()}
    meta[f"language={row.language}"] = 1.0
    # Who is named says much about the theme (OPS: social assistance; PUP: jobs).
    for actor in row.actors:
        meta[f"actor={actor}"] = 1.0
    if row.hint:
        meta[f"hint={row.hint}"] = 1.0
    return meta


def _tfidf(columns: list[list[int]], vectorizer: TfidfVectorizer) -> csr_matrix:
    """Rows of column indices (repeats = counts) → sublinear TF × IDF, L2-normalised."""
    indptr = np.cumsum([0] + [len(row) for row in columns])
    indices = np.fromiter(
        (c for row in columns for c in row), dtype=np.int64, count=int(indptr[-1])
    )
    matrix = csr_matrix(
        (np.ones(len(indices), dtype=np.float64), indices, indptr),
        shape=(len(columns), len(vectorizer.vocabulary_)),
    )
    matrix.sum_duplicates()
    matrix.data = (1.0 + np.log(matrix.data)) * vectorizer.idf_[matrix.indices]
    return normalize(matrix)


@dataclass
class KindThemeModel:
    """The fitted vectorisers and classifiers; `settings` is config annotate.classifier."""

    settings: dict
    kinds: tuple[str, ...] = field(default_factory=lambda: codes("kinds"))
    themes: tuple[str, ...] = field(default_factory=lambda: codes("themes"))
    fitted: bool = False

    def _matrix(self, rows: Sequence[Features], fit: bool = False):
        if fit:
            blocks = [
                self.lemma_vectorizer.fit_transform([row.lemmas for row in rows]),
                self.char_vectorizer.fit_transform([row.text for row in rows]),
                self.meta_vectorizer.fit_transform([_meta(row) for row in rows]),
            ]
        else:
            blocks = [
                self._lemma_tfidf(rows),
                self._char_tfidf(rows),
                self.meta_vectorizer.transform([_meta(row) for row in rows]),
            ]
        weights = (self.settings[name] for name in ("lemma_weight", "char_weight", "meta_weight"))
        return hstack(
            [csr_matrix(block) * weight for block, weight in zip(blocks, weights, strict=True)],
            format="csr",
        )

    # Prediction builds the TF-IDF matrices itself, with each word's columns cached:
    # the same numbers as the fitted vectorisers' transform, several times faster.
    def _lemma_tfidf(self, rows: Sequence[Features]):
        vocabulary = self.lemma_vectorizer.vocabulary_
        columns = [
            [vocabulary[term] for term in lemma_terms(row.lemmas) if term in vocabulary]
            for row in rows
        ]
        return _tfidf(columns, self.lemma_vectorizer)

    def _char_tfidf(self, rows: Sequence[Features]):
        vocabulary = self.char_vectorizer.vocabulary_
        cache = self.__dict__.setdefault("_word_columns", {})
        low, high = self.settings["char_ngram_range"]
        columns = []
        for row in rows:
            document: list[int] = []
            for word in fold(row.text).split():
                word_columns = cache.get(word)
                if word_columns is None:
                    grams = char_ngrams(word, low, high)
                    word_columns = cache[word] = [vocabulary[g] for g in grams if g in vocabulary]
                document.extend(word_columns)
            columns.append(document)
        return _tfidf(columns, self.char_vectorizer)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_word_columns", None)  # a cache, rebuilt on use
        return state

    def fit(
        self, rows: Sequence[Features], kinds: Sequence[str], themes: Sequence[list[str]]
    ) -> None:
        """Fit on labelled rows; with fewer than two kinds seen, only the lexicon decides."""
        settings = self.settings
        self.lemma_vectorizer = TfidfVectorizer(
            analyzer=lemma_terms, sublinear_tf=True, min_df=settings["min_df"]
        )
        low, high = settings["char_ngram_range"]
        self.char_vectorizer = TfidfVectorizer(
            analyzer=partial(char_ngrams, low=low, high=high),
            sublinear_tf=True,
            min_df=settings["min_df"],
            max_features=settings["max_char_features"],
            dtype=np.float32,
        )
        self.meta_vectorizer = DictVectorizer()
        if len(set(kinds)) < 2:
            self.fitted = False
            return
        matrix = self._matrix(rows, fit=True)
        # One-vs-rest with liblinear: far faster than a multinomial fit on sparse n-grams;
        # predict_proba normalises the binary probabilities into a distribution.
        self.kind_model = _one_vs_rest(settings, settings["kind_c"]).fit(matrix, list(kinds))
        self.theme_binarizer = MultiLabelBinarizer(classes=list(self.themes))
        targets = self.theme_binarizer.fit_transform(themes)
        seen = targets.sum(axis=0) > 0
        self.theme_columns = [
            theme for theme, present in zip(self.themes, seen, strict=True) if present
        ]
        self.theme_model = _one_vs_rest(settings, settings["theme_c"]).fit(matrix, targets[:, seen])
        self.fitted = True

    def predict(self, rows: Sequence[Features]) -> list[Prediction]:
        """Kind, its score and a score per theme for each row, blended with the lexicon."""
        if not rows:
            return []
        weight = self.settings["lexicon_weight"] if self.fitted else 1.0
        kind_model = np.zeros((len(rows), len(self.kinds)))
        theme_model = np.zeros((len(rows), len(self.themes)))
        if self.fitted:
            matrix = self._matrix(rows)
            probabilities = self.kind_model.predict_proba(matrix)
            for column, kind in enumerate(self.kind_model.classes_):
                kind_model[:, self.kinds.index(kind)] = probabilities[:, column]
            probabilities = self.theme_model.predict_proba(matrix)
            for column, theme in enumerate(self.theme_columns):
                theme_model[:, self.themes.index(theme)] = probabilities[:, column]
        predictions = []
        for index, row in enumerate(rows):
            kind_scores = (1 - weight) * kind_model[index] + weight * self._lexicon_kinds(row)
            theme_scores = (1 - weight) * theme_model[index] + weight * self._lexicon_themes(row)
            best = int(np.argmax(kind_scores))
            predictions.append(
                Prediction(
                    self.kinds[best],
                    round(float(kind_scores[best]), 4),
                    {
                        theme: round(float(score), 4)
                        for theme, score in zip(self.themes, theme_scores, strict=True)
                    },
                )
            )
        return predictions

    def _lexicon_kinds(self, row: Features) -> np.ndarray:
        """The lexicon's kind distribution: cue counts and the hint, smoothed."""
        votes = np.full(len(self.kinds), self.settings["lexicon_smoothing"])
        for position, kind in enumerate(self.kinds):
            votes[position] += row.cues.get(f"kind:{kind}", 0)
            if row.hint == kind:
                votes[position] += self.settings["hint_votes"]
        return votes / votes.sum()

    def _lexicon_themes(self, row: Features) -> np.ndarray:
        """1 - exp(-cues): one cue gives a fair chance, several near certainty."""
        rate = self.settings["lexicon_theme_rate"]
        return np.array(
            [1 - math.exp(-rate * row.cues.get(f"theme:{theme}", 0)) for theme in self.themes]
        )


def theme_thresholds(settings: dict) -> dict[str, float]:
    """The score each theme must reach: config theme_thresholds, else theme_threshold."""
    overrides = settings.get("theme_thresholds") or {}
    return {theme: overrides.get(theme, settings["theme_threshold"]) for theme in codes("themes")}


class KindThemeClassifier:
    """Sets `doc._.kind`, `doc._.themes` (raw scores above threshold) and `doc._.scores`.

    Predicts a whole batch at once in `pipe`; the model is shared by the pipelines of
    all languages and set by the Annotator after training (`set_model`).
    """

    def __init__(self, nlp: Language, name: str, threshold: float) -> None:
        self.name = name
        self.threshold = threshold
        self.model: KindThemeModel | None = None

    def set_model(self, model: KindThemeModel) -> None:
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 256):
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._predict(batch)
                batch = []
        yield from self._predict(batch)

    def _predict(self, docs: list[Doc]) -> list[Doc]:
        if self.model is None:
            raise RuntimeError("kind_theme_classifier has no model: construct an Annotator")
        # Per-theme thresholds (config theme_thresholds) override this component's own.
        limits = {theme: self.threshold for theme in self.model.themes} | (
            self.model.settings.get("theme_thresholds") or {}
        )
        for doc, prediction in zip(
            docs, self.model.predict([features_of(doc) for doc in docs]), strict=True
        ):
            extension = doc._
            extension.kind = prediction.kind
            extension.themes = [
                theme for theme, score in prediction.theme_scores.items() if score >= limits[theme]
            ]
            extension.scores = {"themes": prediction.theme_scores, "kind": prediction.kind_score}
        return docs


@Language.factory("kind_theme_classifier", default_config={"threshold": 0.5})
def make_kind_theme_classifier(nlp: Language, name: str, threshold: float) -> KindThemeClassifier:
    return KindThemeClassifier(nlp, name, threshold)


def _one_vs_rest(settings: dict, regularisation: float) -> OneVsRestClassifier:
    """One-vs-rest logistic regressions (liblinear) with the configured iterations and weights."""
    return OneVsRestClassifier(
        LogisticRegression(
            C=regularisation,
            solver="liblinear",
            max_iter=settings["max_iter"],
            class_weight=settings["class_weight"] or None,
        )
    )
