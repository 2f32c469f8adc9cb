"""B-cubed and pairwise scores on examples computed by hand."""

from __future__ import annotations

import pytest

from pipeline.evaluation.clustering import score_clusters

GOLD = {"a": "G1", "b": "G1", "c": "G1", "d": "G2"}


def test_hand_computed_example():
    # Predicted {a, b} {c, d}.
    # B-cubed precision: a 2/2, b 2/2, c 1/2, d 1/2 → 3/4.
    # B-cubed recall: a 2/3, b 2/3, c 1/3, d 1/1 → 2/3.
    # Pairs: predicted ab, cd; gold ab, ac, bc; both ab → P 1/2, R 1/3.
    scores = score_clusters(GOLD, {"a": "P1", "b": "P1", "c": "P2", "d": "P2"})
    assert scores["bcubed_precision"] == pytest.approx(0.75)
    assert scores["bcubed_recall"] == pytest.approx(2 / 3)
    assert scores["bcubed_f1"] == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))
    assert scores["pairwise_precision"] == pytest.approx(0.5)
    assert scores["pairwise_recall"] == pytest.approx(1 / 3)
    assert scores["pairwise_f1"] == pytest.approx(0.4)
    assert (scores["items"], scores["gold_clusters"], scores["predicted_clusters"]) == (4, 2, 2)


def test_perfect_clustering_scores_one_whatever_the_cluster_names():
    scores = score_clusters(GOLD, {"a": "x", "b": "x", "c": "x", "d": "y"})
    assert scores["bcubed_f1"] == pytest.approx(1.0)
    assert scores["pairwise_f1"] == pytest.approx(1.0)


def test_all_singletons_have_full_precision_and_no_pairwise_recall():
    scores = score_clusters(GOLD, {item: item for item in GOLD})
    assert scores["bcubed_precision"] == pytest.approx(1.0)
    # Recall: a, b, c 1/3 each, d 1 → (1 + 1) / 4.
    assert scores["bcubed_recall"] == pytest.approx(0.5)
    assert scores["pairwise_precision"] == pytest.approx(1.0)
    assert scores["pairwise_recall"] == pytest.approx(0.0)


def test_item_missing_from_prediction_counts_as_its_own_cluster():
    scores = score_clusters(GOLD, {"a": "x", "b": "x", "c": "x"})
    assert scores["bcubed_precision"] == pytest.approx(1.0)
    assert scores["pairwise_recall"] == pytest.approx(1.0)
    assert scores["predicted_clusters"] == 2
