"""The one-product regressions give scikit-learn's probabilities to the last bit."""

import numpy as np
import pytest
from scipy.sparse import random as sparse_random
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from pipeline.nlp.linear import LinearModels


def one_vs_rest(matrix, labels) -> OneVsRestClassifier:
    return OneVsRestClassifier(LogisticRegression(solver="liblinear")).fit(matrix, labels)


@pytest.mark.parametrize("kinds", [["a", "b"], ["a", "b", "c", "d"]])
def test_probabilities_equal_predict_proba(kinds):
    generator = np.random.default_rng(0)
    matrix = sparse_random(80, 40, density=0.3, format="csr", random_state=1)
    kind = one_vs_rest(matrix, generator.choice(kinds, 80))
    targets = (generator.random((80, 3)) > 0.5).astype(int)
    targets[:, 1] = 1  # a theme of every row: a constant estimator
    with pytest.warns(UserWarning, match="present in all training examples"):
        themes = one_vs_rest(matrix, targets)
    kind_probabilities, theme_probabilities = LinearModels(kind, themes).probabilities(matrix)
    assert np.array_equal(kind_probabilities, kind.predict_proba(matrix))
    assert np.array_equal(theme_probabilities, themes.predict_proba(matrix))
