"""The classifier's feature rows: built from per-word caches, equal to scikit-learn's own."""

import copy
from dataclasses import replace

import numpy as np
import pytest
from scipy.sparse import hstack

from pipeline.config import section
from pipeline.nlp import features
from pipeline.nlp.classifier import KindThemeModel
from pipeline.nlp.features import FeatureColumns, Features, meta_features
from pipeline.nlp.pipelines import build_pipeline
from pipeline.nlp.readings import content_lemmas, readings_of

TEXTS = [
    ("brak opieki nad dziecmi -> swietlica przy SP 12?", "pl"),
    ("UD Zoliborz + kawiarnia + Fundacja Ocalenie - staze dla kobiet z UA", "pl"),
    ("Бракує місць у школах на Білоленці, потрібні курси польської", "uk"),
    ("Schools in Wola need more Ukrainian-speaking psychologists", "en"),
    ("do 15.06 Ola (CWK) - lista wolontariuszy", "pl"),
]


@pytest.fixture(scope="module")
def rows() -> list[Features]:
    pipelines = {language: build_pipeline(language) for language in ("pl", "uk", "en")}
    found = []
    for text, language in TEXTS:
        doc = pipelines[language](text, disable=["kind_theme_classifier"])
        doc._.language = language
        found.append(features.features_of(doc))
    return found


@pytest.fixture(scope="module")
def model(rows) -> KindThemeModel:
    settings = {**section("annotate")["classifier"], "min_df": 1}
    fitted = KindThemeModel(settings)
    kinds = ["problem", "partnership", "problem", "problem", "task"]
    themes = [["basic_needs"], ["labour_market"], ["education_awareness"], ["other"], ["other"]]
    fitted.fit(rows, kinds, themes)
    return fitted


def columns_of(model: KindThemeModel) -> FeatureColumns:
    return FeatureColumns(
        model.lemma_vectorizer,
        model.char_vectorizer,
        model.meta_vectorizer,
        model.settings["char_ngram_range"],
        model._weights(),
    )


def fitted_matrix(model: KindThemeModel, rows: list[Features]):
    """The vectorisers' transforms, weighted, side by side; the character counts in
    float64, as the batch matrix has them (the fitted vectoriser's are float32)."""
    characters = copy.deepcopy(model.char_vectorizer).set_params(dtype=np.float64)
    blocks = [
        model.lemma_vectorizer.transform([row.lemmas for row in rows]),
        characters.transform([row.text for row in rows]),
        model.meta_vectorizer.transform(map(meta_features, rows)),
    ]
    for block, weight in zip(blocks, model._weights(), strict=True):
        block.data *= weight
    return hstack(blocks, format="csr")


def block_widths(model: KindThemeModel) -> list[int]:
    vectorizers = (model.lemma_vectorizer, model.char_vectorizer, model.meta_vectorizer)
    return [len(vectorizer.vocabulary_) for vectorizer in vectorizers]


def test_the_batch_matrix_is_the_vectorisers_blocks_to_the_last_bit(model, rows):
    built = columns_of(model).matrix(rows)
    expected = fitted_matrix(model, rows)
    assert built.shape == expected.shape == (len(rows), sum(block_widths(model)))
    assert np.array_equal(built.toarray(), expected.toarray())
    # Each row's entries by column, as the product sums them.
    for row in range(len(rows)):
        assert np.all(np.diff(built.indices[built.indptr[row] : built.indptr[row + 1]]) > 0)


def test_meta_block_counts_a_repeated_actor_once(model, rows):
    repeated = [replace(row, actors=(*row.actors, *row.actors, "generic:ngo")) for row in rows]
    built = columns_of(model).matrix(repeated)
    assert np.array_equal(built.toarray(), fitted_matrix(model, repeated).toarray())


def test_a_batch_predicts_as_its_rows_one_by_one(model, rows):
    together = model.predict(rows)
    assert together == [model.predict([row])[0] for row in rows]


def test_lemma_features_skip_punctuation_numbers_and_single_letters(rows):
    assert rows[0].lemmas == ("brak", "opieka", "nad", "dziecko", "swietlica", "przy", "sp")
    assert features.lemma_terms(["brak", "mieszkanie"]) == ["brak", "mieszkanie", "brak mieszkanie"]


def test_pair_columns_split_terms_at_every_space():
    pairs = features.pair_columns({"brak": 0, "brak mieszkanie": 1, "a b c": 2})
    assert pairs == {("brak", "mieszkanie"): 1, ("a", "b c"): 2, ("a b", "c"): 2}


def test_char_ngrams_are_per_folded_word():
    grams = [" z", "zo", "ol", "lc", "c ", " zo", "zol", "olc", "lc "]
    assert features.char_ngrams("Żółć", 2, 3) == grams


def test_readings_mark_classifier_and_content_words():
    doc = build_pipeline("pl")("Trzeba 2 mieszkan w Ursusie!", disable=["kind_theme_classifier"])
    assert [item.feature for item in readings_of(doc)] == [True, False, True, False, True, False]
    assert content_lemmas(doc) == ["mieszkanie", "ursus"]


def test_a_lemma_pair_across_two_rows_belongs_to_neither(model, rows):
    assert "opieka nad" in model.lemma_vectorizer.vocabulary_
    split = [replace(rows[0], lemmas=("brak", "opieka")), replace(rows[0], lemmas=("nad",))]
    batch = [*split, replace(rows[0], lemmas=())]
    lemma_width = block_widths(model)[0]
    built = columns_of(model).matrix(batch)[:, :lemma_width]
    expected = model.lemma_vectorizer.transform([row.lemmas for row in batch])
    assert np.array_equal(built.toarray(), expected.toarray())
