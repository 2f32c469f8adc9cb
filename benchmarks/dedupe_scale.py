"""How deduplication scales: 100,000 and 200,000 synthetic items, time and peak memory.

    .venv/bin/python benchmarks/dedupe_scale.py [--sizes 100000 200000] [--seed 1]

Each size runs in a fresh process: the generator (benchmarks/synthetic.py) builds the
annotated items with lemmas from its own vocabulary, so annotation time is not part of
the figures (it is measured by the annotate benchmarks). Printed per size: seconds of
cluster_items, the process's peak resident memory (getrusage, input items included) and
the clustering quality against the generator's ideas; then the 200k/100k time ratio.
Targets: 100k ≤ 60 s, peak ≤ 2 GB, ratio ≤ 2.5.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import generate  # noqa: E402
from pipeline.dedupe import cluster_items  # noqa: E402
from pipeline.evaluation.clustering import score_clusters  # noqa: E402


def run(size: int, seed: int) -> dict:
    """Generate `size` items, cluster them, and return the figures."""
    corpus = generate(size, seed=seed)
    items = [entry.item for entry in corpus]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    clusters = cluster_items(items)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    predicted = {member: cluster.id for cluster in clusters for member in cluster.item_ids}
    scores = score_clusters({entry.item.id: entry.cluster for entry in corpus}, predicted)
    return {
        "size": size,
        "seconds": seconds,
        "peak_mb": peak / 1024,  # ru_maxrss is in KiB on Linux
        "input_mb": before / 1024,
        "clusters": len(clusters),
        "bcubed_f1": scores["bcubed_f1"],
        "pairwise_precision": scores["pairwise_precision"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 200_000])
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    print("annotation is not timed here: items carry the generator's lemmas")
    print(
        f"{'items':>8} {'seconds':>8} {'peak MB':>8} {'before MB':>9} {'clusters':>8} "
        f"{'B3 F1':>6} {'pair P':>6}"
    )
    results = []
    context = multiprocessing.get_context("spawn")
    for size in arguments.sizes:
        with context.Pool(1) as pool:
            result = pool.apply(run, (size, arguments.seed))
        results.append(result)
        print(
            f"{result['size']:>8} {result['seconds']:>8.1f} {result['peak_mb']:>8.0f} "
            f"{result['input_mb']:>9.0f} {result['clusters']:>8} {result['bcubed_f1']:>6.3f} "
            f"{result['pairwise_precision']:>6.3f}",
            flush=True,
        )
    if len(results) >= 2:
        first, last = results[0], results[-1]
        print(
            f"time ratio {last['size']}/{first['size']}: "
            f"{last['seconds'] / first['seconds']:.2f} (items ×{last['size'] / first['size']:.1f})"
        )


if __name__ == "__main__":
    main()
