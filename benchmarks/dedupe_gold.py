"""Dedupe on the development gold: B-cubed and pairwise scores with gold and predicted kinds.

    .venv/bin/python benchmarks/dedupe_gold.py [evaluation/dev-gold.jsonl] [--errors]

"gold kinds" gives dedupe the gold annotation (kind, districts, actors, language) with lemmas
from pipeline.nlp.lemmas; "predicted" runs the Annotator on the texts (heading as hint),
which is what a build does. --errors lists wrongly merged and wrongly split gold pairs.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from pipeline.dedupe import cluster_items
from pipeline.evaluation.clustering import score_clusters
from pipeline.nlp.lemmas import lemmas_of
from pipeline.records import Actor, AnnotatedItem, Annotation

DEFAULT_GOLD = Path("evaluation/dev-gold.jsonl")


def read_gold(path: Path) -> list[dict]:
    """The gold records, one dict per JSON line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def gold_items(records: list[dict]) -> list[AnnotatedItem]:
    """AnnotatedItems from the gold labels, lemmas computed as the annotator does."""
    return [
        AnnotatedItem(
            id=record["id"],
            text=record["text"],
            annotation=Annotation(
                language=record["language"],
                kind=record["kind"],
                themes=record["themes"],
                districts=record["districts"],
                actors=[Actor(actor["name"], actor["sector"]) for actor in record["actors"]],
                lemmas=lemmas_of(record["text"], record["language"]),
            ),
            group=record.get("group"),
        )
        for record in records
    ]


def predicted_items(records: list[dict]) -> list[AnnotatedItem] | None:
    """AnnotatedItems from the Annotator's output, or None while it does not exist."""
    try:
        from pipeline.annotate import Annotator
    except ImportError:
        return None
    annotations = Annotator().annotate(
        [record["text"] for record in records], [record.get("heading") for record in records]
    )
    return [
        AnnotatedItem(record["id"], record["text"], annotation, record.get("group"))
        for record, annotation in zip(records, annotations, strict=True)
    ]


def assignment(items: list[AnnotatedItem]) -> tuple[dict[str, str], float]:
    """Item id → predicted cluster id, and the seconds cluster_items took."""
    start = time.perf_counter()
    clusters = cluster_items(items)
    seconds = time.perf_counter() - start
    return {item: cluster.id for cluster in clusters for item in cluster.item_ids}, seconds


def print_scores(label: str, scores: dict, seconds: float) -> None:
    print(
        f"{label:<28} B3 P {scores['bcubed_precision']:.3f} R {scores['bcubed_recall']:.3f} "
        f"F1 {scores['bcubed_f1']:.3f} | pairs P {scores['pairwise_precision']:.3f} "
        f"R {scores['pairwise_recall']:.3f} F1 {scores['pairwise_f1']:.3f} | "
        f"clusters {scores['predicted_clusters']} (gold {scores['gold_clusters']}) | "
        f"{seconds:.2f} s"
    )


def print_errors(
    items: list[AnnotatedItem], records: list[dict], predicted: dict[str, str]
) -> None:
    """Gold pairs split apart and predicted pairs that gold keeps apart, with kinds used."""
    text = {item.id: f"[{item.annotation.kind}] {item.text}" for item in items}
    gold = {record["id"]: record["cluster"] for record in records}
    for label, first, second in (("SPLIT", gold, predicted), ("MERGED", predicted, gold)):
        members: dict[str, list[str]] = defaultdict(list)
        for item, cluster in first.items():
            members[cluster].append(item)
        for cluster_members in members.values():
            for index, item_a in enumerate(cluster_members):
                for item_b in cluster_members[index + 1 :]:
                    if second[item_a] != second[item_b]:
                        print(f"{label}\n  {text[item_a]}\n  {text[item_b]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--errors", action="store_true", help="list wrong pairs")
    arguments = parser.parse_args()
    records = read_gold(arguments.gold)
    gold = {record["id"]: record["cluster"] for record in records}
    print(f"{arguments.gold}: {len(records)} items, {len(set(gold.values()))} gold clusters")
    items = gold_items(records)
    predicted, seconds = assignment(items)
    print_scores("ours, gold kinds", score_clusters(gold, predicted), seconds)
    if arguments.errors:
        print_errors(items, records, predicted)
    annotated = predicted_items(records)
    if annotated is None:
        print("ours, predicted kinds: pipeline.annotate is not there yet")
        return
    predicted, seconds = assignment(annotated)
    print_scores("ours, predicted kinds", score_clusters(gold, predicted), seconds)
    if arguments.errors:
        print_errors(annotated, records, predicted)


if __name__ == "__main__":
    main()
