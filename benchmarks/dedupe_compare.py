"""Ours against the DEEP platform's near-duplicate detection, on the same data, in one process.

    .venv/bin/python benchmarks/dedupe_compare.py [--gold evaluation/dev-gold.jsonl]
                                                  [--synthetic 5000] [--seed 1]
                                                  [--synthetic-only]

DEEP (the humanitarian analysis platform) flags near-duplicate entries with MinHash LSH:
word 3-shingles, 256 permutations, Jaccard threshold 0.55; here its clusters are the
connected components of the LSH candidate pairs. Ours is pipeline.dedupe.cluster_items.
Both get the same items (gold annotation with lemmas from pipeline.nlp.lemmas on the
development gold; the generator's annotation on the synthetic set). Prints B-cubed
precision/recall/F1, pairwise precision/recall/F1 and seconds for each.
--synthetic-only leaves the development gold out (while tuning, when it must stay unseen).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy import sparse
from scipy.sparse.csgraph import connected_components

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dedupe_gold import DEFAULT_GOLD, gold_items, read_gold  # noqa: E402
from benchmarks.synthetic import generate  # noqa: E402
from pipeline.dedupe import cluster_items  # noqa: E402
from pipeline.evaluation.clustering import score_clusters  # noqa: E402
from pipeline.records import AnnotatedItem  # noqa: E402

WORD = re.compile(r"\w+")
SHINGLE = 3
PERMUTATIONS = 256
JACCARD = 0.55


def shingles(text: str) -> set[str]:
    """Word 3-shingles of the lower-cased text (the whole text when it is shorter)."""
    words = WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return {" ".join(words)}
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def minhash_lsh(items: list[AnnotatedItem]) -> dict[str, str]:
    """Item id → cluster: connected components of MinHash LSH candidate pairs."""
    lsh = MinHashLSH(threshold=JACCARD, num_perm=PERMUTATIONS)
    signatures = []
    for index, item in enumerate(items):
        signature = MinHash(num_perm=PERMUTATIONS, seed=1)
        signature.update_batch([shingle.encode("utf-8") for shingle in shingles(item.text)])
        lsh.insert(index, signature)
        signatures.append(signature)
    rows, columns = [], []
    for index, signature in enumerate(signatures):
        for other in lsh.query(signature):
            if other != index:
                rows.append(index)
                columns.append(other)
    graph = sparse.coo_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(items), len(items)))
    _, labels = connected_components(graph, directed=False)
    return {item.id: f"lsh-{label}" for item, label in zip(items, labels, strict=True)}


def ours(items: list[AnnotatedItem]) -> dict[str, str]:
    """Item id → cluster id from cluster_items."""
    return {member: cluster.id for cluster in cluster_items(items) for member in cluster.item_ids}


def compare(label: str, items: list[AnnotatedItem], gold: dict[str, str]) -> None:
    """Run both methods on the items and print their scores side by side."""
    print(f"\n{label}: {len(items)} items, {len(set(gold.values()))} gold clusters")
    print(
        f"{'method':<24} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6} "
        f"{'pair P':>7} {'pair R':>7} {'pair F1':>7} {'clusters':>8} {'seconds':>8}"
    )
    for name, method in (("minhash-lsh (DEEP)", minhash_lsh), ("ours", ours)):
        start = time.perf_counter()
        predicted = method(items)
        seconds = time.perf_counter() - start
        scores = score_clusters(gold, predicted)
        print(
            f"{name:<24} {scores['bcubed_precision']:>6.3f} {scores['bcubed_recall']:>6.3f} "
            f"{scores['bcubed_f1']:>6.3f} {scores['pairwise_precision']:>7.3f} "
            f"{scores['pairwise_recall']:>7.3f} {scores['pairwise_f1']:>7.3f} "
            f"{scores['predicted_clusters']:>8} {seconds:>8.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--synthetic", type=int, default=5000, help="synthetic items")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--synthetic-only", action="store_true", help="skip the gold")
    arguments = parser.parse_args()
    if not arguments.synthetic_only:
        records = read_gold(arguments.gold)
        compare(
            f"development gold {arguments.gold}",
            gold_items(records),
            {record["id"]: record["cluster"] for record in records},
        )
    corpus = generate(arguments.synthetic, seed=arguments.seed)
    compare(
        f"synthetic (seed {arguments.seed})",
        [entry.item for entry in corpus],
        {entry.item.id: entry.cluster for entry in corpus},
    )


if __name__ == "__main__":
    main()
