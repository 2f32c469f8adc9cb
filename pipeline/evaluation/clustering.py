"""Scores of a clustering against a gold one: B-cubed and pairwise precision, recall, F1."""

from __future__ import annotations

from collections import Counter


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_clusters(gold: dict[str, str], predicted: dict[str, str]) -> dict:
    """B-cubed and pairwise precision/recall/F1 of `predicted` against `gold`.

    Both map item id → cluster id; items are those of `gold`, and an item missing from
    `predicted` counts as a cluster of its own. B-cubed (Bagga & Baldwin 1998) averages,
    over items, the share of the item's predicted cluster that is in its gold cluster
    (precision) and the share of its gold cluster that is in its predicted cluster
    (recall), counting the item itself. Pairwise scores count pairs of distinct items put
    together; with no predicted (or gold) pair, precision (recall) is 1.0.
    """
    items = sorted(gold)
    predicted_full = {item: predicted.get(item, f"\0{item}") for item in items}
    both = Counter((gold[item], predicted_full[item]) for item in items)
    gold_sizes = Counter(gold[item] for item in items)
    predicted_sizes = Counter(predicted_full[item] for item in items)
    total = len(items)
    if not total:
        return {key: 0.0 for key in _KEYS} | {"items": 0}
    # Each of the n items of a (gold, predicted) cell has n items in common with both.
    bcubed_precision = sum(n * n / predicted_sizes[p] for (_, p), n in both.items()) / total
    bcubed_recall = sum(n * n / gold_sizes[g] for (g, _), n in both.items()) / total
    together = sum(n * (n - 1) // 2 for n in both.values())
    predicted_pairs = sum(n * (n - 1) // 2 for n in predicted_sizes.values())
    gold_pairs = sum(n * (n - 1) // 2 for n in gold_sizes.values())
    pairwise_precision = together / predicted_pairs if predicted_pairs else 1.0
    pairwise_recall = together / gold_pairs if gold_pairs else 1.0
    return {
        "items": total,
        "gold_clusters": len(gold_sizes),
        "predicted_clusters": len(predicted_sizes),
        "bcubed_precision": bcubed_precision,
        "bcubed_recall": bcubed_recall,
        "bcubed_f1": _f1(bcubed_precision, bcubed_recall),
        "pairwise_precision": pairwise_precision,
        "pairwise_recall": pairwise_recall,
        "pairwise_f1": _f1(pairwise_precision, pairwise_recall),
    }


_KEYS = (
    "gold_clusters",
    "predicted_clusters",
    "bcubed_precision",
    "bcubed_recall",
    "bcubed_f1",
    "pairwise_precision",
    "pairwise_recall",
    "pairwise_f1",
)
