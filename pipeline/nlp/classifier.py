"""Kind and themes of an item: a scikit-learn model over lemmas, character n-grams, lexicon
cues and the heading hint, blended with the lexicon's own vote.

The features (`pipeline/nlp/features.py`) carry the signal across languages through the
lexicon cues, the hint and the actors when training examples of a language are few.
Kind and themes are one-vs-rest logistic regressions, so both give probabilities; the
final score blends them with the lexicon's vote by `lexicon_weight`. The themes kept are
decided from the scores by `pipeline/themes.py` (per-theme thresholds chosen by grouped
cross-validation on the training data: benchmarks/classifier_cv.py). A batch is
predicted at once: one matrix, one product for both models (`pipeline/nlp/linear.py`),
the lexicon's vote as arrays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import repeat

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp.features import (
    FeatureColumns,
    Features,
    char_ngrams,
    features_of,
    lemma_terms,
    meta_features,
)
from pipeline.nlp.linear import LinearModels
from pipeline.nlp.text import doc_fields, register_doc_extensions
from pipeline.vocabulary import codes

register_doc_extensions("kind", "scores")

__all__ = ["Features", "KindThemeClassifier", "KindThemeModel", "features_of"]


@dataclass(frozen=True)
class Prediction:
    kind: str
    kind_score: float
    theme_scores: dict[str, float]


@dataclass
class KindThemeModel:
    """The fitted vectorisers and classifiers; `settings` is config annotate.classifier."""

    settings: dict
    kinds: tuple[str, ...] = field(default_factory=lambda: codes("kinds"))
    themes: tuple[str, ...] = field(default_factory=lambda: codes("themes"))
    fitted: bool = False

    def _matrix(self, rows: Sequence[Features], fit: bool = False):
        """The rows' weighted feature blocks side by side; with `fit`, fitting the
        vectorisers on them (predicting builds the same matrix from `FeatureColumns`)."""
        if not fit:
            return self._columns().matrix(rows)
        blocks = [
            self.lemma_vectorizer.fit_transform([row.lemmas for row in rows]),
            self.char_vectorizer.fit_transform([row.text for row in rows]),
            self.meta_vectorizer.fit_transform([meta_features(row) for row in rows]),
        ]
        for block, weight in zip(blocks, self._weights(), strict=True):
            block.data *= weight  # the blocks are new matrices, scaled in place
        return hstack(blocks, format="csr")

    def _weights(self) -> list[float]:
        """The weights of the lemma, character and meta blocks."""
        return [self.settings[name] for name in ("lemma_weight", "char_weight", "meta_weight")]

    def _columns(self) -> FeatureColumns:
        """The fitted vocabularies' columns per word form, built on first use."""
        columns = self.__dict__.get("_feature_columns")
        if columns is None:
            columns = self.__dict__["_feature_columns"] = FeatureColumns(
                self.lemma_vectorizer,
                self.char_vectorizer,
                self.meta_vectorizer,
                self.settings["char_ngram_range"],
                self._weights(),
            )
        return columns

    def _linear(self) -> LinearModels:
        """The kind and theme regressions as one coefficient matrix, built on first use."""
        linear = self.__dict__.get("_linear_models")
        if linear is None:
            linear = self.__dict__["_linear_models"] = LinearModels(
                self.kind_model, self.theme_model
            )
        return linear

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for cache in ("_feature_columns", "_linear_models"):
            state.pop(cache, None)  # rebuilt on use
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
        return [Prediction(*scored) for scored in self.scores(rows)]

    def scores(self, rows: Sequence[Features]) -> list[tuple[str, float, dict[str, float]]]:
        """`predict`'s (kind, kind score, theme scores) per row, as plain tuples."""
        if not rows:
            return []
        weight = self.settings["lexicon_weight"] if self.fitted else 1.0
        kind_model = np.zeros((len(rows), len(self.kinds)))
        theme_model = np.zeros((len(rows), len(self.themes)))
        if self.fitted:
            kinds, themes = self._linear().probabilities(self._matrix(rows))
            kind_model[:, [self.kinds.index(kind) for kind in self.kind_model.classes_]] = kinds
            theme_model[:, [self.themes.index(theme) for theme in self.theme_columns]] = themes
        kind_cues, theme_cues = self._cue_counts(rows)
        kind_scores = (1 - weight) * kind_model + weight * self._lexicon_kinds(kind_cues, rows)
        theme_scores = (1 - weight) * theme_model + weight * self._lexicon_themes(theme_cues)
        best = kind_scores.argmax(axis=1)
        best_scores = np.round(kind_scores[np.arange(len(rows)), best], 4).tolist()
        kinds = map(self.kinds.__getitem__, best.tolist())
        # Built by `map` and `zip`, no Python loop per row.
        theme_dicts = map(dict, map(zip, repeat(self.themes), np.round(theme_scores, 4).tolist()))
        return list(zip(kinds, best_scores, theme_dicts, strict=True))

    def _cue_counts(self, rows: Sequence[Features]) -> tuple[np.ndarray, np.ndarray]:
        """The rows' kind cue counts (rows × kinds) and theme cue counts (rows × themes)."""
        kind_cues = np.zeros((len(rows), len(self.kinds)))
        theme_cues = np.zeros((len(rows), len(self.themes)), dtype=np.int64)
        cells = {f"kind:{kind}": (kind_cues, i) for i, kind in enumerate(self.kinds)}
        cells |= {f"theme:{theme}": (theme_cues, i) for i, theme in enumerate(self.themes)}
        for index, row in enumerate(rows):
            for name, count in row.cues.items():
                if name in cells:
                    counts, column = cells[name]
                    counts[index, column] = count
        return kind_cues, theme_cues

    def _lexicon_kinds(self, cues: np.ndarray, rows: Sequence[Features]) -> np.ndarray:
        """The lexicon's kind distribution: cue counts and the hint, smoothed."""
        votes = self.settings["lexicon_smoothing"] + cues
        for index, row in enumerate(rows):
            if row.hint in self.kinds:
                votes[index, self.kinds.index(row.hint)] += self.settings["hint_votes"]
        return votes / votes.sum(axis=1, keepdims=True)

    def _lexicon_themes(self, cues: np.ndarray) -> np.ndarray:
        """1 - exp(-cues): one cue gives a fair chance, several near certainty."""
        rate = self.settings["lexicon_theme_rate"]
        scores = [1 - math.exp(-rate * count) for count in range(int(cues.max(initial=0)) + 1)]
        return np.array(scores)[cues]


class KindThemeClassifier:
    """Sets `doc._.kind` and `doc._.scores`; which themes an item gets is decided from
    the scores by `pipeline.themes.ThemeRules` (thresholds and the codebook's rules).

    Predicts a whole batch at once in `pipe`; the model is shared by the pipelines of
    all languages and set by the Annotator after training (`set_model`).
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
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
        scored = self.model.scores([features_of(doc) for doc in docs])
        for doc, (kind, kind_score, theme_scores) in zip(docs, scored, strict=True):
            fields = doc_fields(doc)
            fields["kind"] = kind
            fields["scores"] = {"themes": theme_scores, "kind": kind_score}
        return docs


@Language.factory("kind_theme_classifier")
def make_kind_theme_classifier(nlp: Language, name: str) -> KindThemeClassifier:
    return KindThemeClassifier(nlp, name)


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
