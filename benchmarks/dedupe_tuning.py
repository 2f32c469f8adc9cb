"""Dedupe on the training data: the set to tune thresholds, features and concepts on.

    .venv/bin/python benchmarks/dedupe_tuning.py [--set edge_threshold=0.45 ...]
                                                 [--errors] [--unmapped 40]

The items of pipeline/data/training/*.jsonl carry a hand-made `cluster`; they are
annotated once by pipeline.annotate.Annotator (heading as hint), as a build does, and
clustered with the `dedupe` config, changed by any `--set key=value` (YAML values).
The two sets of files were clustered by different people and never against each
other, so each is clustered on its own: the cross-language set (en, flipchart, uk:
~190 multi-item clusters, the recall check), the Polish set (pl-*: nearly all items
alone, so whatever merges there is mostly a precision loss) and the mixed set (mix-*).
Prints B-cubed and pairwise precision/recall/F1 with predicted and with gold kinds.
--errors lists wrongly merged and wrongly split pairs (predicted kinds); --unmapped N
lists the N commonest lemmas of clustered items that the concept lexicon does not know.
The development gold (benchmarks/dedupe_gold.py) is the check, never the tuning set.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dedupe_gold import (  # noqa: E402
    assignment,
    print_errors,
    print_scores,
    read_gold,
)
from pipeline.annotate import Annotator  # noqa: E402
from pipeline.config import section  # noqa: E402
from pipeline.dedupe.concepts import CONCEPT_PREFIX, item_terms, lexicon  # noqa: E402
from pipeline.evaluation.clustering import score_clusters  # noqa: E402
from pipeline.records import AnnotatedItem  # noqa: E402
from pipeline.vocabulary import data_path  # noqa: E402

SETS = {
    "cross-language": ("en-*.jsonl", "flipchart-*.jsonl", "uk-*.jsonl"),
    "Polish": ("pl-*.jsonl",),
    "mixed": ("mix-*.jsonl",),
}


def training_records(patterns: tuple[str, ...]) -> list[dict]:
    """The training records of the files matching `patterns`, file by file in name order."""
    folder = data_path("training")
    paths = sorted({path for pattern in patterns for path in folder.glob(pattern)})
    return [record for path in paths for record in read_gold(path)]


def annotated_items(records: list[dict]) -> tuple[list[AnnotatedItem], list[AnnotatedItem]]:
    """The records annotated by the Annotator: with its kinds, and with the gold kinds."""
    annotations = Annotator().annotate(
        [record["text"] for record in records], [record.get("heading") for record in records]
    )
    predicted = [
        AnnotatedItem(record["id"], record["text"], annotation, record.get("group"))
        for record, annotation in zip(records, annotations, strict=True)
    ]
    gold_kinds = [
        replace(entry, annotation=replace(entry.annotation, kind=record["kind"]))
        for entry, record in zip(predicted, records, strict=True)
    ]
    return predicted, gold_kinds


def print_unmapped(items: list[AnnotatedItem], records: list[dict], count: int) -> None:
    """The commonest lemmas of items in multi-item clusters that map to no concept."""
    sizes = Counter(record["cluster"] for record in records)
    lex = lexicon()
    unmapped: Counter[str] = Counter()
    for entry, record in zip(items, records, strict=True):
        if sizes[record["cluster"]] > 1:
            unmapped.update(
                f"{term} ({entry.annotation.language})"
                for term in set(item_terms(entry, lex))
                if not term.startswith((CONCEPT_PREFIX, "d:"))
            )
    for term, frequency in unmapped.most_common(count):
        print(f"{frequency:>4} {term}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", default=[], help="dedupe key=value")
    parser.add_argument("--errors", action="store_true", help="list wrong pairs")
    parser.add_argument("--unmapped", type=int, default=0, help="list unmapped lemmas")
    arguments = parser.parse_args()
    settings = section("dedupe")
    for assignment_text in arguments.set:
        key, value = assignment_text.split("=", 1)
        settings[key] = yaml.safe_load(value)
    for name, patterns in SETS.items():
        records = training_records(patterns)
        gold = {record["id"]: record["cluster"] for record in records}
        print(f"training, {name}: {len(records)} items, {len(set(gold.values()))} gold clusters")
        predicted_kinds, gold_kinds = annotated_items(records)
        predicted, seconds = assignment(predicted_kinds)
        print_scores("ours, predicted kinds", score_clusters(gold, predicted), seconds)
        assigned, seconds = assignment(gold_kinds)
        print_scores("ours, gold kinds", score_clusters(gold, assigned), seconds)
        if arguments.errors:
            print_errors(predicted_kinds, records, predicted)
        if arguments.unmapped:
            print_unmapped(predicted_kinds, records, arguments.unmapped)


if __name__ == "__main__":
    main()
