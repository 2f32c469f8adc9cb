"""Sparse vectors of items, their signatures, and the similarity of candidate pairs.

The similarity of two items is a weighted cosine: `term_weight` × cosine of TF-IDF over
terms (concept ids, folded lemmas, districts) + (1 − `term_weight`) × cosine of
sublinear term frequencies of character n-grams of the folded, romanised text. Both
blocks are L2-normalised and scaled by the square roots of their weights, so one sparse
dot product gives the sum (used for the average links of clustering.py). The similarity
of a candidate edge adds the Jaccard overlap of the two concept sets
(`concept_overlap_weight`), rescaled to 0..1.

Every row depends on its item alone: term weights come from a fixed table
(weights.py), and columns are hashes of the terms and n-grams rather than positions in
a vocabulary of the corpus. So rows computed in one build can be cached and stacked with
rows computed in another (`Vectors.row`, `Vectors.stack`), with the same numbers.

An item's *signature* is its `signature_size` heaviest terms: candidates.py pairs items
whose signatures overlap, so no step compares all pairs.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from pipeline.dedupe.concepts import CONCEPT_PREFIX, DISTRICT_PREFIX
from pipeline.dedupe.pairs import row_dots
from pipeline.dedupe.weights import TermWeights

TERM_COLUMNS = 1 << 30  # term columns are hashes below this; n-gram columns follow them
CHARACTER_COLUMNS = 1 << 20


@dataclass(frozen=True)
class ItemVector:
    """One item's rows of every matrix of `Vectors` (column indices and values)."""

    term_columns: np.ndarray
    term_values: np.ndarray
    character_columns: np.ndarray
    character_values: np.ndarray
    concept_columns: np.ndarray
    signature: np.ndarray  # the signature's term columns, ascending


@dataclass(frozen=True)
class Vectors:
    """The items' combined vectors and their signatures, one row per item."""

    matrix: sparse.csr_matrix  # terms block then character block, weighted
    signature: sparse.csr_matrix  # 1 per signature term, columns = term_key of the term
    terms: sparse.csr_matrix  # TF-IDF of terms alone, rows of unit length
    characters: sparse.csr_matrix  # n-gram frequencies, rows of unit length
    concepts: sparse.csr_matrix  # binary: which concepts each item names
    term_weight: float

    def row(self, index: int) -> ItemVector:
        """The rows of item `index`, to cache."""

        def part(matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
            start, end = matrix.indptr[index], matrix.indptr[index + 1]
            return matrix.indices[start:end].copy(), matrix.data[start:end].copy()

        term_columns, term_values = part(self.terms)
        character_columns, character_values = part(self.characters)
        return ItemVector(
            term_columns,
            term_values,
            character_columns,
            character_values,
            part(self.concepts)[0],
            part(self.signature)[0],
        )

    @classmethod
    def stack(cls, rows: Sequence[ItemVector], term_weight: float) -> Vectors:
        """Vectors whose rows are the given cached rows, in order."""

        def matrix(columns: list[np.ndarray], values: list[np.ndarray] | None, width, dtype):
            """Rows from their column arrays; values 1 where none are given."""
            indptr = np.concatenate([[0], np.cumsum([part.size for part in columns])])
            indices = np.concatenate(columns) if columns else np.empty(0, dtype=np.int32)
            data = np.concatenate(values) if values else np.ones(indices.size, dtype=dtype)
            shape = (len(columns), width)
            return sparse.csr_matrix((data, indices, indptr.astype(np.int64)), shape=shape)

        terms = matrix(
            [row.term_columns for row in rows],
            [row.term_values for row in rows],
            TERM_COLUMNS,
            np.float32,
        )
        characters = matrix(
            [row.character_columns for row in rows],
            [row.character_values for row in rows],
            CHARACTER_COLUMNS,
            np.float32,
        )
        concepts = matrix([row.concept_columns for row in rows], None, TERM_COLUMNS, np.float32)
        signature = matrix([row.signature for row in rows], None, TERM_COLUMNS, np.float64)
        return cls.combined(terms, characters, concepts, signature, term_weight)

    @classmethod
    def combined(
        cls,
        terms: sparse.csr_matrix,
        characters: sparse.csr_matrix,
        concepts: sparse.csr_matrix,
        signature: sparse.csr_matrix,
        term_weight: float,
    ) -> Vectors:
        """Vectors of these blocks, with their weighted combination."""
        return cls(
            matrix=_combined(terms, characters, term_weight),
            signature=signature,
            terms=terms,
            characters=characters,
            concepts=concepts,
            term_weight=term_weight,
        )


@cache
def term_key(term: str) -> int:
    """A term's column: a hash of its name below TERM_COLUMNS.

    Also the seed of its min-hashes in candidate search: a hash of the name, not a
    position in a vocabulary, is the same in every build whatever other words exist.
    """
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % TERM_COLUMNS


def _term_scale(term: str, settings: dict) -> float:
    """Plain lemmas and districts weigh less than concepts.

    Concepts are the curated content words that carry across languages; a lemma the
    lexicon does not know is often a detail or a lemmatiser's guess, and in a pair of
    different languages it can never match, so it should dilute the cosine less. A
    district says where, not what: two proposals for one district are not one proposal.
    """
    if term.startswith(DISTRICT_PREFIX):
        return float(settings["district_weight"])
    if term.startswith(CONCEPT_PREFIX):
        return 1.0
    return float(settings["plain_lemma_weight"])


def _term_rows(
    terms: Sequence[list[str]], weights: TermWeights, settings: dict
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, sparse.csr_matrix]:
    """Unit TF-IDF rows of terms, binary concept rows and signature rows."""
    size = int(settings["signature_size"])
    columns: list[int] = []
    values: list[float] = []
    concept_columns: list[int] = []
    signature_columns: list[int] = []
    indptr, concept_indptr, signature_indptr = [0], [0], [0]
    for item_terms in terms:
        by_column: dict[int, tuple[float, str]] = {}
        for term, count in sorted(Counter(item_terms).items()):
            weight = (1.0 + np.log(count)) * weights.idf(term) * _term_scale(term, settings)
            # Two terms of one hash (never seen, but possible) share their column.
            earlier, first_term = by_column.get(term_key(term), (0.0, term))
            by_column[term_key(term)] = (earlier + weight, first_term)
        row = sorted((column, weight, term) for column, (weight, term) in by_column.items())
        columns.extend(column for column, _, _ in row)
        values.extend(weight for _, weight, _ in row)
        indptr.append(len(columns))
        concept_columns.extend(column for column, _, term in row if term.startswith(CONCEPT_PREFIX))
        concept_indptr.append(len(concept_columns))
        # Heaviest first, ties to the lower column. Districts are left out: candidate
        # search already pairs items only within a district.
        heaviest = sorted(
            (-weight, column)
            for column, weight, term in row
            if not term.startswith(DISTRICT_PREFIX)
        )
        signature_columns.extend(sorted(column for _, column in heaviest[:size]))
        signature_indptr.append(len(signature_columns))
    shape = (len(terms), TERM_COLUMNS)
    term_matrix = sparse.csr_matrix(
        (np.array(values, dtype=np.float32), np.array(columns, dtype=np.int32), indptr), shape=shape
    )
    concepts = sparse.csr_matrix(
        (
            np.ones(len(concept_columns), dtype=np.float32),
            np.array(concept_columns, dtype=np.int32),
            concept_indptr,
        ),
        shape=shape,
    )
    signature = sparse.csr_matrix(
        (
            np.ones(len(signature_columns)),
            np.array(signature_columns, dtype=np.int32),
            signature_indptr,
        ),
        shape=shape,
    )
    return normalize(term_matrix, copy=False), concepts, signature


def _character_rows(surfaces: Sequence[str], settings: dict) -> sparse.csr_matrix:
    """Unit rows of sublinear n-gram frequencies, columns hashed."""
    counts = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=tuple(settings["char_ngram_range"]),
        lowercase=False,
        alternate_sign=False,
        norm=None,
        n_features=CHARACTER_COLUMNS,
        dtype=np.float32,
    ).transform(surfaces)
    counts.sort_indices()
    counts.data = (1.0 + np.log(counts.data)).astype(np.float32)
    return normalize(counts.tocsr(), copy=False)


def _combined(
    terms: sparse.csr_matrix, characters: sparse.csr_matrix, term_weight: float
) -> sparse.csr_matrix:
    return sparse.hstack(
        [terms * np.sqrt(term_weight), characters * np.sqrt(1.0 - term_weight)],
        format="csr",
        dtype=np.float32,
    )


def vectorise(
    terms: Sequence[list[str]], surfaces: Sequence[str], weights: TermWeights, settings: dict
) -> Vectors:
    """TF-IDF of terms and n-gram frequencies, combined, plus each item's signature."""
    term_weight = float(settings["term_weight"])
    if not terms:
        return Vectors.stack([], term_weight)  # scikit-learn refuses empty matrices
    term_matrix, concepts, signature = _term_rows(terms, weights, settings)
    characters = _character_rows(surfaces, settings)
    return Vectors.combined(term_matrix, characters, concepts, signature, term_weight)


def strong_pairs(
    vectors: Vectors,
    rows: np.ndarray,
    columns: np.ndarray,
    settings: dict,
    edge_thresholds: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs whose similarity reaches their threshold, with that similarity.

    The similarity of a pair is its weighted cosine plus `concept_overlap_weight` × the
    Jaccard overlap of the concept sets, divided by 1 + that weight (so it stays within
    0..1): paraphrases in other words or another language name the same concepts
    although their cosine is diluted by lemmas and n-grams that cannot match.
    `edge_thresholds` gives one threshold per item (a pair takes its first item's: both
    are of one kind family); without it every pair needs `edge_threshold`.
    Term vectors are short, so their cosines come first; pairs that could not reach the
    threshold even with identical character n-grams are dropped before the (longer)
    character vectors are compared. Each pair's figures depend on its two rows only.
    """
    threshold = (
        np.full(rows.size, float(settings["edge_threshold"]))
        if edge_thresholds is None
        else edge_thresholds[rows]
    )
    batch_size = int(settings["similarity_batch_size"])
    weight = vectors.term_weight
    term_similarity = row_dots(vectors.terms, rows, columns, batch_size)
    overlap_weight = float(settings["concept_overlap_weight"])
    bonus = overlap_weight * concept_overlap(vectors.concepts, rows, columns, batch_size)
    threshold = threshold * (1.0 + overlap_weight)
    hopeful = weight * term_similarity + (1.0 - weight) + bonus >= threshold
    rows, columns, term_similarity = rows[hopeful], columns[hopeful], term_similarity[hopeful]
    threshold, bonus = threshold[hopeful], bonus[hopeful]
    char_similarity = row_dots(vectors.characters, rows, columns, batch_size)
    similarity = weight * term_similarity + (1.0 - weight) * char_similarity + bonus
    strong = similarity >= threshold
    return rows[strong], columns[strong], similarity[strong] / (1.0 + overlap_weight)


def concept_overlap(
    concepts: sparse.csr_matrix, rows: np.ndarray, columns: np.ndarray, batch_size: int
) -> np.ndarray:
    """Jaccard overlap of the concept sets of each pair (0 when neither names a concept)."""
    shared = row_dots(concepts, rows, columns, batch_size)
    sizes = np.diff(concepts.indptr)
    union = sizes[rows] + sizes[columns] - shared
    return np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
