"""Annotate throughput against a tokenizer-only spaCy pass over the same texts.

Synthesises N items (default 50,000) by recombining the training texts (the first half
of one with the second half of another, so every item is new to the lemma caches'
phrase level while staying realistic), then times:

1. `spacy.blank("pl")` tokenisation alone (`nlp.pipe`),
2. `Annotator().annotate` over the same texts (model loaded or trained first, not timed),

and prints items/s for both (per wall-clock and per CPU second), their ratios, the
process's peak memory and the command that reproduces the run. About 0.7 % of the
50,000 items are exact repeats of another, as in real notes.

    python benchmarks/annotate_speed.py [N]
"""

from __future__ import annotations

import random
import resource
import sys
import time
from collections.abc import Callable

import spacy

from pipeline.annotate import Annotator, training_examples


def synthesise(count: int, seed: int = 27) -> list[str]:
    """count texts, each half of one training text joined to half of another."""
    texts = [example["text"] for example in training_examples()]
    generator = random.Random(seed)
    items = []
    for _ in range(count):
        first, second = generator.choice(texts).split(), generator.choice(texts).split()
        items.append(" ".join(first[: max(1, len(first) // 2)] + second[len(second) // 2 :]))
    return items


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work: Callable[[], object]) -> tuple[object, float, float]:
    """work's result, its wall-clock seconds and this process's CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(count: int) -> None:
    texts = synthesise(count)
    annotator = Annotator()

    tokenizer = spacy.blank("pl")
    tokens, tokenizer_wall, tokenizer_cpu = timed(
        lambda: sum(len(doc) for doc in tokenizer.pipe(texts, batch_size=1000))
    )
    annotations, annotate_wall, annotate_cpu = timed(lambda: annotator.annotate(texts))

    print(
        f"items: {count:,} ({len(set(texts)):,} distinct, {tokens:,} tokens), languages: "
        f"{sorted({a.language for a in annotations})}"
    )
    # CPU time is printed too: on a shared machine it varies far less than wall time.
    print(f"{'':36}wall items/s   CPU items/s")
    print(
        f"tokenizer only (spacy.blank('pl')): {count / tokenizer_wall:>12,.0f}"
        f"  {count / tokenizer_cpu:>12,.0f}"
    )
    print(
        f"annotate:                           {count / annotate_wall:>12,.0f}"
        f"  {count / annotate_cpu:>12,.0f}"
    )
    print(
        f"annotate / tokenizer:               {tokenizer_wall / annotate_wall:>12.1%}"
        f"  {tokenizer_cpu / annotate_cpu:>12.1%} (target >= 20%)"
    )
    print(f"peak memory:                        {peak_memory_mb():,.0f} MB (target < 1,500 MB)")
    print(f"reproduce: python benchmarks/annotate_speed.py {count}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
