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
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, pairwise, repeat

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
            [
                actor.organization_id or f"generic:{actor.sector}"
                for actor in (fields.get("actors") or ())
            ]
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


def tfidf(
    rows: np.ndarray, columns: np.ndarray, count: int, vectorizer: TfidfVectorizer
) -> csr_matrix:
    """Column indices and the row (of `count`) each is in, any order (repeats = counts)
    → sublinear TF × IDF, L2-normalised: what the fitted vectoriser's transform gives.

    The counts come from one sort of the whole batch's (row, column) keys, a third of
    the time scipy's per-row `sum_duplicates` takes; the matrix is the same, its columns
    sorted within each row. The keys are 32-bit when they fit, which sorts faster.
    """
    width = len(vectorizer.vocabulary_)
    key_type = np.int32 if width * count < 2**31 else np.int64
    keys = rows.astype(key_type) * width + columns
    keys.sort()
    first = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=len(keys))
    present = keys[starts]
    # Row r's keys lie in [r * width, (r + 1) * width): its first is found by a search
    # of the sorted keys, and its columns are its keys less r * width (no division).
    row_starts = np.arange(count + 1, dtype=key_type) * width
    indptr = np.searchsorted(present, row_starts)
    indices = present - np.repeat(row_starts[:-1], np.diff(indptr))
    data = (1.0 + np.log(counts)) * vectorizer.idf_[indices]
    matrix = csr_matrix((data, indices, indptr), shape=(count, width))
    # What sklearn.preprocessing.normalize runs, without its argument checks, which cost
    # more than the normalising on a batch.
    inplace_csr_row_normalize_l2(matrix)
    return matrix


def row_of_each(lengths: np.ndarray) -> np.ndarray:
    """The row of each item of rows `lengths` long, laid one after the other."""
    return np.repeat(np.arange(len(lengths)), lengths)


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

        def folded_columns(folded: str) -> bytes:
            found = map(vocabulary.get, word_ngrams(folded, low, high))
            # array's "i" is the C int, numpy's int32 on every platform numpy supports.
            return array("i", [column for column in found if column is not None]).tobytes()

        # Per word as written, through its folded form: "Dzieci" and "dzieci" share one.
        by_folded = WordCache(folded_columns)
        self.word_columns = WordCache(lambda word: by_folded[fold(word)])
        self.lemma_pairs = pair_columns(lemmas.vocabulary_)
        # The meta columns of cue names, languages, actors and hints, as `meta_features`
        # names them (None: not in the vocabulary).
        self.meta_columns = tuple(
            WordCache(lambda name, prefix=prefix: meta.vocabulary_.get(f"{prefix}={name}"))
            for prefix in ("cue", "language", "actor", "hint")
        )

    def lemma_block(self, rows: Sequence[Features]) -> csr_matrix:
        """TF-IDF of the rows' lemma terms: the lemmas, then their pairs looked up as
        tuples (no string is built for a pair), -1 for those out of the vocabulary.

        The whole batch's lemmas are looked up in one run, and their pairs too (a pair
        across two rows belongs to neither): no Python loop per row."""
        row_lemmas = [row.lemmas for row in rows]
        lemmas = list(chain.from_iterable(row_lemmas))
        size = len(lemmas)
        owners = row_of_each(np.fromiter(map(len, row_lemmas), np.int64, len(rows)))
        single, pair = self.lemmas.vocabulary_.get, self.lemma_pairs.get
        singles = np.fromiter(map(single, lemmas, repeat(-1)), np.int32, size)
        pairs = np.fromiter(map(pair, pairwise(lemmas), repeat(-1)), np.int32, max(size - 1, 0))
        pair_owners = owners[:-1]
        pairs[owners[1:] != pair_owners] = -1
        found = np.concatenate([singles, pairs])
        known = found >= 0
        owned = np.concatenate([owners, pair_owners])
        return tfidf(owned[known], found[known], len(rows), self.lemmas)

    def char_block(self, rows: Sequence[Features]) -> csr_matrix:
        """TF-IDF of the rows' character n-grams."""
        row_words = [row.text.split() for row in rows]
        row_ends = np.cumsum(np.fromiter(map(len, row_words), np.int64, len(rows)))
        found = list(map(self.word_columns.__getitem__, chain.from_iterable(row_words)))
        # Each row's length: the column count up to its last word minus up to its first.
        ends = np.zeros(len(found) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, found), np.int64, len(found)), out=ends[1:])
        lengths = np.diff(ends[row_ends], prepend=0) // COLUMN_BYTES
        columns = np.frombuffer(b"".join(found), dtype=np.int32)
        return tfidf(row_of_each(lengths), columns, len(rows), self.characters)

    def meta_block(self, rows: Sequence[Features]) -> csr_matrix:
        """The rows' meta features, as the fitted DictVectorizer's transform gives them
        (`meta_features`), their columns looked up once per cue, language, actor and hint."""
        cue, language, actor, hint = self.meta_columns
        columns: list[int] = []
        values: list[float] = []
        indptr = [0]
        for row in rows:
            for name, count in row.cues.items():
                column = cue[name]
                if column is not None:
                    columns.append(column)
                    values.append(math.log1p(count))
            # An actor id may repeat (two unnamed NGOs): its feature is there once.
            named = [language[row.language], *map(actor.__getitem__, dict.fromkeys(row.actors))]
            if row.hint:
                named.append(hint[row.hint])
            for column in named:
                if column is not None:
                    columns.append(column)
                    values.append(1.0)
            indptr.append(len(columns))
        matrix = csr_matrix(
            (np.array(values, dtype=np.float64), np.array(columns, dtype=np.int32), indptr),
            shape=(len(rows), len(self.meta.vocabulary_)),
        )
        matrix.sort_indices()
        return matrix
