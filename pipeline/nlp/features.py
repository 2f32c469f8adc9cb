"""What the kind/theme model sees of an item, and the rows of its feature matrix.

Features: the content lemmas and their adjacent pairs; character n-grams of the folded
text's words (robust to typos, missing diacritics and abbreviations, and shared across
languages for names and numbers); the lexicon cue counts, the language, the actors
found and the heading hint ("meta" features). Fitting uses scikit-learn's vectorisers;
prediction builds the same TF-IDF rows itself from column ids cached per word form
(`FeatureColumns`), a whole batch in a few numpy operations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise, repeat

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2
from spacy.tokens import Doc

from pipeline.nlp.readings import readings_of
from pipeline.nlp.text import WordCache, doc_fields, fold, register_doc_extensions, text_of

register_doc_extensions("kind_hint")


@dataclass(frozen=True)
class Features:
    """What the model sees of one item."""

    text: str
    lemmas: tuple[str, ...]
    cues: dict[str, int]
    hint: str | None
    language: str
    actors: tuple[str, ...] = ()  # registry ids, or "generic:<sector>"


def features_of(doc: Doc) -> Features:
    """The features of a doc that went through the lemmatiser, actors and cues."""
    fields = doc_fields(doc)
    return Features(
        text_of(doc),
        tuple([item.key for item in readings_of(doc) if item.feature]),
        dict(fields.get("cues") or {}),
        fields.get("kind_hint"),
        fields.get("language") or "pl",
        tuple(
            actor.organization_id or f"generic:{actor.sector}"
            for actor in (fields.get("actors") or ())
        ),
    )


def lemma_terms(lemmas: Sequence[str]) -> list[str]:
    """The lemmas and their adjacent pairs ("brak mieszkanie"), the lemma features."""
    return [*lemmas, *(f"{first} {second}" for first, second in pairwise(lemmas))]


def word_ngrams(word: str, low: int, high: int) -> list[str]:
    """Character n-grams (low..high) of one folded word, padded with a space each side:
    scikit-learn's "char_wb" analyser, for one word."""
    padded = f" {word} "
    return [
        padded[start : start + size]
        for size in range(low, high + 1)
        for start in range(max(1, len(padded) - size + 1))
    ]


def char_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams (low..high) of each word of the folded text."""
    return [gram for word in fold(text).split() for gram in word_ngrams(word, low, high)]


def meta_features(row: Features) -> dict[str, float]:
    """The cue counts (log-scaled), language, actors and hint, as DictVectorizer input."""
    meta = {f"cue={name}": math.log1p(count) for name, count in row.cues.items()}
    meta[f"language={row.language}"] = 1.0
    # Who is named says much about the theme (OPS: social assistance; PUP: jobs).
    for actor in row.actors:
        meta[f"actor={actor}"] = 1.0
    if row.hint:
        meta[f"hint={row.hint}"] = 1.0
    return meta


def tfidf(columns: np.ndarray, lengths: Sequence[int], vectorizer: TfidfVectorizer) -> csr_matrix:
    """Rows of column indices (`lengths` per row, repeats = counts) → sublinear TF × IDF,
    L2-normalised: what the fitted vectoriser's transform gives.

    The counts come from one sort of the whole batch's (row, column) keys, a third of
    the time scipy's per-row `sum_duplicates` takes; the matrix is the same, its columns
    sorted within each row. The keys are 32-bit when they fit, which sorts faster.
    """
    width = len(vectorizer.vocabulary_)
    key_type = np.int32 if width * len(lengths) < 2**31 else np.int64
    rows = np.repeat(np.arange(len(lengths), dtype=key_type), lengths)
    keys = rows * width + columns
    keys.sort()
    first = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=len(keys))
    present = keys[starts]
    indices = present % width
    indptr = np.searchsorted(present // width, np.arange(len(lengths) + 1))
    data = (1.0 + np.log(counts)) * vectorizer.idf_[indices]
    matrix = csr_matrix((data, indices, indptr), shape=(len(lengths), width))
    # What sklearn.preprocessing.normalize runs, without its argument checks, which cost
    # more than the normalising on a batch.
    inplace_csr_row_normalize_l2(matrix)
    return matrix


def pair_columns(vocabulary: dict[str, int]) -> dict[tuple[str, str], int]:
    """The column of each term "first second" under every (first, second) it splits into
    at a space: `pairs[(a, b)]` is `vocabulary[f"{a} {b}"]`, whatever spaces a and b hold."""
    pairs = {}
    for term, column in vocabulary.items():
        for index, character in enumerate(term):
            if character == " ":
                pairs[term[:index], term[index + 1 :]] = column
    return pairs


COLUMN_BYTES = 4  # a column id in the word caches: np.int32


class FeatureColumns:
    """The fitted vocabularies' column ids per word form, cached, giving a batch's rows.

    A text's character n-gram columns are its words' columns one after the other (a
    word is split off at white space, so each word's are the same in every text); a
    word's are kept as the bytes of 32-bit ids, so a batch's are one `bytes.join`.
    """

    def __init__(
        self,
        lemmas: TfidfVectorizer,
        characters: TfidfVectorizer,
        meta: DictVectorizer,
        ngram_range: Sequence[int],
    ) -> None:
        self.lemmas = lemmas
        self.characters = characters
        self.meta = meta
        low, high = ngram_range
        vocabulary = characters.vocabulary_

        def word_columns(word: str) -> bytes:
            grams = word_ngrams(fold(word), low, high)
            found = [vocabulary[gram] for gram in grams if gram in vocabulary]
            return np.array(found, dtype=np.int32).tobytes()

        self.word_columns = WordCache(word_columns)
        self.lemma_pairs = pair_columns(lemmas.vocabulary_)

    def lemma_block(self, rows: Sequence[Features]) -> csr_matrix:
        """TF-IDF of the rows' lemma terms: the lemmas, then their pairs looked up as
        tuples (no string is built for a pair), -1 for those out of the vocabulary."""
        single, pair = self.lemmas.vocabulary_.get, self.lemma_pairs.get
        columns: list[int] = []
        row_ends = []
        for row in rows:
            lemmas = row.lemmas
            columns += map(single, lemmas, repeat(-1))
            columns += map(pair, pairwise(lemmas), repeat(-1))
            row_ends.append(len(columns))
        found = np.array(columns, dtype=np.int32)
        known = found >= 0
        # Each row's length: the known columns up to its end minus up to its start.
        counted = np.zeros(len(found) + 1, dtype=np.int64)
        np.cumsum(known, out=counted[1:])
        return tfidf(found[known], np.diff(counted[row_ends], prepend=0), self.lemmas)

    def char_block(self, rows: Sequence[Features]) -> csr_matrix:
        """TF-IDF of the rows' character n-grams."""
        words: list[str] = []
        row_ends = []
        for row in rows:
            words += row.text.split()
            row_ends.append(len(words))
        found = list(map(self.word_columns.__getitem__, words))
        # Each row's length: the column count up to its last word minus up to its first.
        ends = np.zeros(len(found) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, found), np.int64, len(found)), out=ends[1:])
        lengths = np.diff(ends[row_ends], prepend=0) // COLUMN_BYTES
        columns = np.frombuffer(b"".join(found), dtype=np.int32)
        return tfidf(columns, lengths, self.characters)

    def meta_block(self, rows: Sequence[Features]) -> csr_matrix:
        """The rows' meta features, as the fitted DictVectorizer's transform gives them."""
        lookup = self.meta.vocabulary_.get
        columns: list[int] = []
        values: list[float] = []
        indptr = [0]
        for row in rows:
            for name, value in meta_features(row).items():
                column = lookup(name)
                if column is not None:
                    columns.append(column)
                    values.append(value)
            indptr.append(len(columns))
        matrix = csr_matrix(
            (np.array(values, dtype=np.float64), np.array(columns, dtype=np.int32), indptr),
            shape=(len(rows), len(self.meta.vocabulary_)),
        )
        matrix.sort_indices()
        return matrix
