"""Annotate throughput against a tokenizer-only spaCy pass over the same texts.

Synthesises N items (default 50,000) by recombining the training texts (the first half
of one with the second half of another, so every item is new to the lemma caches'
phrase level while staying realistic), then times:

1. `spacy.blank("pl")` tokenisation alone (`nlp.pipe`),
2. `Annotator().annotate` over the same texts (model loaded or trained first, not timed),

and prints items/s for both, their ratio and the process's peak memory.

    python benchmarks/annotate_speed.py [N]
"""

from __future__ import annotations

import random
import resource
import sys
import time

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


def main(count: int) -> None:
    texts = synthesise(count)
    annotator = Annotator()

    tokenizer = spacy.blank("pl")
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in tokenizer.pipe(texts, batch_size=1000))
    tokenizer_rate = count / (time.perf_counter() - start)

    start = time.perf_counter()
    annotations = annotator.annotate(texts)
    annotate_rate = count / (time.perf_counter() - start)

    print(
        f"items: {count:,} ({tokens:,} tokens), languages: "
        f"{sorted({a.language for a in annotations})}"
    )
    print(f"tokenizer only (spacy.blank('pl')): {tokenizer_rate:,.0f} items/s")
    print(f"annotate:                           {annotate_rate:,.0f} items/s")
    print(
        f"annotate / tokenizer:               {annotate_rate / tokenizer_rate:.1%} (target >= 20%)"
    )
    print(f"peak memory:                        {peak_memory_mb():,.0f} MB (target < 1,500 MB)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
