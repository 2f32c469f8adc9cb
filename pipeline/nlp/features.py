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
from itertools import chain, compress, pairwise, repeat
from operator import itemgetter

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2
from spacy.tokens import Doc

from pipeline.nlp.lexicons import lemma_keys
from pipeline.nlp.readings import Reading, readings_of
from pipeline.nlp.text import WordCache, doc_fields, fold, register_doc_extensions, text_of

register_doc_extensions("kind_hint")

_IS_FEATURE = itemgetter(Reading._fields.index("feature"))


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
    actors = fields.get("actors")
    return Features(
        text_of(doc),
        # The folded lemmas of the classifier's words, picked without a Python loop.
        tuple(compress(lemma_keys(doc), map(_IS_FEATURE, readings_of(doc)))),
        dict(fields.get("cues") or {}),
        fields.get("kind_hint"),
        fields.get("language") or "pl",
        tuple([actor.organization_id or f"generic:{actor.sector}" for actor in actors])
        if actors
        else (),
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


def row_of_each(lengths: np.ndarray) -> np.ndarray:
    """The row of each item of rows `lengths` long, laid one after the other."""
    return np.repeat(np.arange(len(lengths)), lengths)


def spans(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The positions in [start, end) of each (start, end), one span after the other."""
    lengths = ends - starts
    offsets = np.cumsum(lengths) - lengths  # where each span's positions begin
    return np.arange(lengths.sum()) + np.repeat(starts - offsets, lengths)


def cue_entries(rows: Sequence[Features]) -> tuple[np.ndarray, list[str], np.ndarray]:
    """The rows' cues one after the other: the row of each, its name and its count."""
    cues = [row.cues for row in rows]
    names = list(chain.from_iterable(cues))
    counts = np.fromiter(chain.from_iterable(map(dict.values, cues)), np.int64, len(names))
    return row_of_each(np.fromiter(map(len, cues), np.int64, len(rows))), names, counts


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
NOT_FOUND = -1  # the column of a term out of the vocabulary


def prefixed_columns(vocabulary: dict[str, int], prefix: str) -> dict[str, int]:
    """The columns of the DictVectorizer features f"{prefix}={name}", by name."""
    start = f"{prefix}="
    return {
        name[len(start) :]: column for name, column in vocabulary.items() if name.startswith(start)
    }


class FeatureColumns:
    """The fitted vocabularies' columns, giving a batch's feature matrix in one go.

    The matrix is the three blocks side by side (lemmas, character n-grams, meta), each
    scaled by its weight, as the fitted vectorisers' transforms and `scipy.sparse.hstack`
    give it, to the last bit: the same entries in the same order, computed by the same
    operations. Every (row, column) occurrence of the batch becomes one integer key, and
    one sort of the keys gives the counts, the rows and the column order of all blocks.

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
        weights: Sequence[float],
    ) -> None:
        """weights: the lemma, character and meta blocks' (config annotate.classifier)."""
        low, high = ngram_range
        vocabulary = characters.vocabulary_

        def folded_columns(folded: str) -> bytes:
            found = map(vocabulary.get, word_ngrams(folded, low, high))
            # array's "i" is the C int, numpy's int32 on every platform numpy supports.
            return array("i", [column for column in found if column is not None]).tobytes()

        # Per word as written, through its folded form: "Dzieci" and "dzieci" share one.
        by_folded = WordCache(folded_columns)
        self.word_columns = WordCache(lambda word: by_folded[fold(word)])
        widths = [len(lemmas.vocabulary_), len(vocabulary), len(meta.vocabulary_)]
        self.char_start, self.meta_start, self.width = np.cumsum(widths).tolist()
        self._lemma_terms(lemmas.vocabulary_)
        # The meta columns of cue names, languages, actors and hints, as `meta_features`
        # names them.
        self.cue_columns, self.language_columns, self.actor_columns, self.hint_columns = (
            prefixed_columns(meta.vocabulary_, prefix)
            for prefix in ("cue", "language", "actor", "hint")
        )
        is_cue = np.zeros(widths[2], dtype=bool)
        is_cue[list(self.cue_columns.values())] = True
        self.is_cue = is_cue
        # Per column: the IDF (0 for meta, whose values are set apart).
        self.idf = np.concatenate([lemmas.idf_, characters.idf_, np.zeros(widths[2])])
        self.block_starts = np.array([0, self.char_start, self.meta_start])
        lemma_weight, char_weight, self.meta_weight = weights
        # The lemma and character blocks' weights other than 1 (x * 1.0 is x), by columns.
        self.scaled = [
            (low, high, weight)
            for low, high, weight in [
                (0, self.char_start, lemma_weight),
                (self.char_start, self.meta_start, char_weight),
            ]
            if weight != 1.0
        ]
        self.frequencies = np.zeros(1)
        self.log1p = np.zeros(0)

    def _lemma_terms(self, vocabulary: dict[str, int]) -> None:
        """Ids of the lemma keys for the batch look-up: each key's single-term column
        and its id as a part of pair terms (-1: none), and the pair terms as sorted
        codes (first part × parts + second part) with their columns."""
        pairs = pair_columns(vocabulary)
        parts: dict[str, int] = {}
        for first, second in pairs:
            parts.setdefault(first, len(parts))
            parts.setdefault(second, len(parts))
        keys = list(dict.fromkeys([*vocabulary, *parts]))
        ids = {key: index for index, key in enumerate(keys)}
        # Cached per key as the rows hold it: the lemmatiser's key of a word form is one
        # string object, found again by identity rather than by comparing characters.
        self.lemma_ids = WordCache(lambda key: ids.get(key, NOT_FOUND))
        # One more entry, -1, for the id -1 of a key in neither.
        self.lemma_singles = np.array(
            [vocabulary.get(key, NOT_FOUND) for key in keys] + [NOT_FOUND], dtype=np.int64
        )
        self.lemma_parts = np.array(
            [parts.get(key, NOT_FOUND) for key in keys] + [NOT_FOUND], dtype=np.int64
        )
        self.part_count = len(parts)
        codes = np.array(
            [parts[first] * self.part_count + parts[second] for first, second in pairs],
            dtype=np.int64,
        )
        order = np.argsort(codes)
        # An end code no pair has, so that a search never runs past the end.
        self.pair_codes = np.append(codes[order], np.iinfo(np.int64).max)
        self.pair_targets = np.append(np.array(list(pairs.values()), np.int64)[order], NOT_FOUND)

    def matrix(self, rows: Sequence[Features]) -> csr_matrix:
        """The rows' weighted feature matrix, as the classifier is fitted on: lemma and
        character TF-IDF (sublinear TF, L2-normalised rows), meta values, side by side."""
        count = len(rows)
        key_type = np.int32 if self.width * (count + 1) < 2**31 else np.int64
        parts = [self._lemma_entries(rows), self._char_entries(rows), self._meta_entries(rows)]
        keys = np.concatenate([owners for owners, _ in parts]).astype(key_type)
        keys *= self.width
        keys += np.concatenate([columns for _, columns in parts]).astype(key_type)
        keys.sort()
        first = np.ones(len(keys), dtype=bool)
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        counts = np.empty_like(starts)
        np.subtract(starts[1:], starts[:-1], out=counts[:-1])
        counts[-1:] = len(keys) - starts[-1:]
        present = keys[starts]
        # Row r's keys lie in [r * width, (r + 1) * width), its lemma, character and meta
        # keys in turn: where each starts is found by a search of the sorted keys, and a
        # row's columns are its keys less r * width (no division).
        row_starts = np.arange(count + 1, dtype=key_type) * self.width
        block_starts = row_starts[:-1, np.newaxis] + self.block_starts.astype(key_type)
        segments = np.searchsorted(present, np.append(block_starts.ravel(), row_starts[-1]))
        indptr = segments[::3]
        indices = present - np.repeat(row_starts[:-1], np.diff(indptr))
        data = self._term_frequencies(counts)
        data *= self.idf[indices]
        # Each row's lemma, character and meta entries (whose IDF is 0) normalised apart,
        # as rows of their own: what the vectorisers' transforms do per block.
        inplace_csr_row_normalize_l2(
            csr_matrix((data, indices, segments), shape=(3 * count, self.width))
        )
        meta = spans(segments[2::3], segments[3::3])
        data[meta] = self._meta_values(indices[meta] - self.meta_start, counts[meta])
        data[meta] *= self.meta_weight
        for low, high, weight in self.scaled:
            data[(indices >= low) & (indices < high)] *= weight
        return csr_matrix((data, indices, indptr), shape=(count, self.width))

    def _term_frequencies(self, counts: np.ndarray) -> np.ndarray:
        """1 + log(count) per count, from a table of `np.log` (the same values)."""
        top = int(counts.max(initial=0))
        if top >= len(self.frequencies):
            self.frequencies = np.append(0.0, 1.0 + np.log(np.arange(1, top + 1)))
        return self.frequencies[counts]

    def _meta_values(self, columns: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """The meta entries' values: log1p of a cue's count (as `math.log1p`), 1 for the
        language, an actor (named once or more) and the hint."""
        top = int(counts.max(initial=0))
        if top >= len(self.log1p):
            self.log1p = np.array([math.log1p(count) for count in range(top + 1)])
        return np.where(self.is_cue[columns], self.log1p[counts], 1.0)

    def _lemma_entries(self, rows: Sequence[Features]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of each of the rows' lemma terms in the vocabulary: the lemmas,
        then their adjacent pairs, found by code in the sorted pair codes.

        The whole batch's lemmas are looked up in one run, and their pairs too (a pair
        across two rows belongs to neither): no Python loop per row."""
        row_lemmas = [row.lemmas for row in rows]
        lemmas = list(chain.from_iterable(row_lemmas))
        owners = row_of_each(np.fromiter(map(len, row_lemmas), np.int64, len(rows)))
        ids = np.fromiter(map(self.lemma_ids.__getitem__, lemmas), np.int64, len(lemmas))
        singles = self.lemma_singles[ids]
        parts = self.lemma_parts[ids]
        first, second = parts[:-1], parts[1:]
        paired = (first >= 0) & (second >= 0) & (owners[:-1] == owners[1:])
        codes = first[paired] * self.part_count + second[paired]
        found = np.searchsorted(self.pair_codes, codes)
        pairs = np.where(self.pair_codes[found] == codes, self.pair_targets[found], NOT_FOUND)
        columns = np.concatenate([singles, pairs])
        known = columns >= 0
        return np.concatenate([owners, owners[:-1][paired]])[known], columns[known]

    def _char_entries(self, rows: Sequence[Features]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of each character n-gram of the rows' texts in the vocabulary."""
        row_words = [row.text.split() for row in rows]
        row_ends = np.cumsum(np.fromiter(map(len, row_words), np.int64, len(rows)))
        found = list(map(self.word_columns.__getitem__, chain.from_iterable(row_words)))
        # Each row's length: the column count up to its last word minus up to its first.
        ends = np.zeros(len(found) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, found), np.int64, len(found)), out=ends[1:])
        lengths = np.diff(ends[row_ends], prepend=0) // COLUMN_BYTES
        columns = np.frombuffer(b"".join(found), dtype=np.int32) + self.char_start
        return row_of_each(lengths), columns

    def _meta_entries(self, rows: Sequence[Features]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of each of the rows' meta features in the vocabulary: a cue
        counted n times n times over (its value comes from the count), the language,
        each actor named and the hint."""
        cue_owners, names, cue_counts = cue_entries(rows)
        cue_columns = np.fromiter(
            map(self.cue_columns.get, names, repeat(NOT_FOUND)), np.int64, len(names)
        )
        row_actors = [row.actors for row in rows]
        actors = list(chain.from_iterable(row_actors))
        actor_owners = row_of_each(np.fromiter(map(len, row_actors), np.int64, len(rows)))
        languages, hints = ([getattr(row, name) for row in rows] for name in ("language", "hint"))
        every = np.arange(len(rows))
        owners = np.concatenate([np.repeat(cue_owners, cue_counts), actor_owners, every, every])
        columns = np.concatenate(
            [
                np.repeat(cue_columns, cue_counts),
                np.fromiter(
                    map(self.actor_columns.get, actors, repeat(NOT_FOUND)), np.int64, len(actors)
                ),
                np.fromiter(
                    map(self.language_columns.get, languages, repeat(NOT_FOUND)),
                    np.int64,
                    len(rows),
                ),
                np.fromiter(
                    map(self.hint_columns.get, hints, repeat(NOT_FOUND)), np.int64, len(rows)
                ),
            ]
        )
        known = columns >= 0
        return owners[known], columns[known] + self.meta_start
