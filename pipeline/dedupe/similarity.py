"""Sparse vectors of items, their signatures, and the similarity of candidate pairs.

The similarity of two items is a weighted cosine: `term_weight` × cosine of TF-IDF over
terms (concept ids, folded lemmas, districts) + (1 − `term_weight`) × cosine of TF-IDF
over character n-grams of the folded, romanised text. Both blocks are L2-normalised and
scaled by the square roots of their weights, so one sparse dot product gives the sum
(used for the average links of clustering.py). The similarity of a candidate edge adds
the Jaccard overlap of the two concept sets (`concept_overlap_weight`), rescaled to 0..1.

An item's *signature* is its `signature_size` heaviest terms: candidates.py pairs items
whose signatures overlap, so no step compares all pairs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from pipeline.dedupe.concepts import CONCEPT_PREFIX, DISTRICT_PREFIX
from pipeline.dedupe.pairs import row_dots, strongest_per_item


@dataclass(frozen=True)
class Vectors:
    """The items' combined vectors, their signatures and the term vocabulary."""

    matrix: sparse.csr_matrix  # rows: terms block then character block, weighted
    signature: sparse.csr_matrix  # binary, over the term vocabulary
    term_keys: np.ndarray  # per vocabulary column, a hash of the term (see term_keys)
    terms: sparse.csr_matrix  # TF-IDF of terms alone, rows of unit length
    characters: sparse.csr_matrix  # TF-IDF of character n-grams, rows of unit length
    concepts: sparse.csr_matrix  # binary: which concepts each item names
    term_weight: float


def _terms_as_given(terms: list[str]) -> list[str]:
    return terms


def _fit_transform(
    vectoriser: TfidfVectorizer, documents: Sequence
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The documents' matrix and its column names, from the vectoriser fitted on them.

    No columns when no document has a feature (items of one letter are shorter than
    every character n-gram), where scikit-learn raises instead.
    """
    try:
        matrix = vectoriser.fit_transform(documents)
    except ValueError:
        if any(_has_features(vectoriser, document) for document in documents):
            raise
        return sparse.csr_matrix((len(documents), 0), dtype=np.float32), np.array([], dtype=str)
    return matrix, vectoriser.get_feature_names_out().astype(str)


def _has_features(vectoriser: TfidfVectorizer, document) -> bool:
    return bool(vectoriser.build_analyzer()(document))


def vectorise(terms: Sequence[list[str]], surfaces: Sequence[str], settings: dict) -> Vectors:
    """TF-IDF of terms and of character n-grams, combined, plus each item's signature."""
    term_weight = float(settings["term_weight"])
    term_vectoriser = TfidfVectorizer(analyzer=_terms_as_given, sublinear_tf=True, dtype=np.float32)
    raw_terms, term_names = _fit_transform(term_vectoriser, terms)
    term_matrix = _scale_terms(raw_terms, term_names, settings)
    district_columns = np.char.startswith(term_names, DISTRICT_PREFIX)
    concepts = raw_terms[:, np.flatnonzero(np.char.startswith(term_names, CONCEPT_PREFIX))]
    concepts.data[:] = 1.0
    char_vectoriser = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=tuple(settings["char_ngram_range"]),
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float32,
    )
    char_matrix, _ = _fit_transform(char_vectoriser, surfaces)
    matrix = sparse.hstack(
        [term_matrix * np.sqrt(term_weight), char_matrix * np.sqrt(1.0 - term_weight)],
        format="csr",
        dtype=np.float32,
    )
    return Vectors(
        matrix=matrix,
        signature=_signatures(term_matrix, district_columns, settings),
        term_keys=term_keys(term_names),
        terms=term_matrix,
        characters=char_matrix.tocsr(),
        concepts=concepts.tocsr(),
        term_weight=term_weight,
    )


def term_keys(term_names: np.ndarray) -> np.ndarray:
    """A non-negative 63-bit hash of each term's name.

    Candidate search seeds its min-hashes with these rather than with vocabulary column
    numbers: a word new to the corpus shifts the columns of every word sorted after it,
    and with them which items meet, far from the items that changed.
    """
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")
            >> 1
            for name in term_names
        ],
        dtype=np.int64,
    )


def _scale_terms(
    term_matrix: sparse.csr_matrix, term_names: np.ndarray, settings: dict
) -> sparse.csr_matrix:
    """Scale plain lemmas and districts against concepts, then re-normalise the rows.

    Concepts are the curated content words that carry across languages; a lemma the
    lexicon does not know is often a detail or a lemmatiser's guess, and in a pair of
    different languages it can never match, so it should dilute the cosine less. A
    district says where, not what: two proposals for one district are not one proposal.
    """
    names = term_names.astype(str)
    district = np.char.startswith(names, DISTRICT_PREFIX)
    plain = ~np.char.startswith(names, CONCEPT_PREFIX) & ~district
    scale = np.ones(names.size, dtype=np.float32)
    scale[plain] = float(settings["plain_lemma_weight"])
    scale[district] = float(settings["district_weight"])
    scaled = (term_matrix @ sparse.diags(scale)).tocsr()
    return normalize(scaled, copy=False)


def _signatures(
    term_matrix: sparse.csr_matrix, district_columns: np.ndarray, settings: dict
) -> sparse.csr_matrix:
    """Each row's `signature_size` heaviest terms, for candidate search (candidates.py).

    Districts are left out: candidate search already pairs items only within a district.
    """
    size = int(settings["signature_size"])
    rows = np.repeat(np.arange(term_matrix.shape[0]), np.diff(term_matrix.indptr))
    columns = term_matrix.indices
    weights = term_matrix.data
    usable = ~district_columns[columns]
    rows, columns, weights = rows[usable], columns[usable], weights[usable]
    # Heaviest first within a row; ties go to the lower column (vocabulary is sorted),
    # so the signature does not depend on the order of the input.
    order = np.lexsort((columns, -weights, rows))
    rows, columns = rows[order], columns[order]
    starts = np.searchsorted(rows, rows, side="left")
    keep = (np.arange(rows.size) - starts) < size
    # 1 per term plus its weight scaled so that a product of two signatures is the number
    # of shared terms (integer part) plus a tie-breaker by their weights (below 1).
    data = 1.0 + weights[order][keep] / (4.0 * size)
    return sparse.csr_matrix(
        (data, (rows[keep], columns[keep])), shape=term_matrix.shape, dtype=np.float64
    )


def similar_pairs(
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
    character vectors are compared.
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
    rows, columns = rows[strong], columns[strong]
    similarity = similarity[strong] / (1.0 + overlap_weight)
    kept = strongest_per_item(
        rows, columns, similarity, int(settings["max_neighbours"]), bool(settings["mutual"])
    )
    return rows[kept], columns[kept], similarity[kept]


def concept_overlap(
    concepts: sparse.csr_matrix, rows: np.ndarray, columns: np.ndarray, batch_size: int
) -> np.ndarray:
    """Jaccard overlap of the concept sets of each pair (0 when neither names a concept)."""
    shared = row_dots(concepts, rows, columns, batch_size)
    sizes = np.diff(concepts.indptr)
    union = sizes[rows] + sizes[columns] - shared
    return np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
