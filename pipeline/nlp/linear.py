"""The fitted one-vs-rest regressions of kind and themes applied as one matrix product.

scikit-learn's `OneVsRestClassifier.predict_proba` runs each class's estimator in turn,
validating the matrix and multiplying it by one coefficient column each time: most of
the classifier's cost on a batch. Here all columns go in one product; the arithmetic is
scikit-learn's own, so the probabilities are the same to the last bit: per class the
sigmoid of `X · coef + intercept`, then for kind (one label per item) each row divided
by its sum, the columns added left to right as scikit-learn's column-major array is.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.special import expit
from sklearn.multiclass import OneVsRestClassifier


class LinearModels:
    """The kind and theme estimators' coefficients side by side, kind's columns first."""

    def __init__(self, kind: OneVsRestClassifier, themes: OneVsRestClassifier) -> None:
        estimators = [*kind.estimators_, *themes.estimators_]
        self.kind_count = len(kind.estimators_)
        self.coefficients = np.ascontiguousarray(np.hstack([_coefficients(e) for e in estimators]))
        self.intercepts = np.concatenate([_intercept(e) for e in estimators])

    def probabilities(self, matrix: csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Per row: the kind probabilities (rows × kind classes, summing to one) and the
        theme probabilities (rows × theme columns), as the two models' `predict_proba`."""
        scores = expit(matrix @ self.coefficients + self.intercepts)
        kinds = scores[:, : self.kind_count]
        if self.kind_count == 1:  # two kinds: one estimator, for the second
            kinds = np.hstack([1 - kinds, kinds])
        kinds = np.asfortranarray(kinds)
        kinds /= np.sum(kinds, axis=1)[:, np.newaxis]
        return kinds, scores[:, self.kind_count :]


def _coefficients(estimator) -> np.ndarray:
    """An estimator's coefficient column; zeros for a label seen in every row or none."""
    if hasattr(estimator, "coef_"):
        return estimator.coef_.T
    return np.zeros((estimator.n_features_in_, 1))


def _intercept(estimator) -> np.ndarray:
    """An estimator's intercept; ±inf for a constant label, whose sigmoid is exactly 1 or 0."""
    if hasattr(estimator, "coef_"):
        return estimator.intercept_
    return np.array([np.inf if estimator.y_[0] else -np.inf])
