"""Scoring annotate, dedupe and partnerships against a gold JSON Lines file.

The gold format is the contract's annotate output with hand labels, plus "cluster"
(items stating the same thing share it), "group" and optionally "heading".
Organisation gold (records with "organizations" instead of the labels) is scored for
organisation resolution only (pipeline/evaluation/organizations.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.annotate import Annotator
from pipeline.dedupe.jsonl import clusters_of_records
from pipeline.evaluation.annotation import score_annotations
from pipeline.evaluation.clustering import score_clusters
from pipeline.evaluation.organizations import (
    format_organizations,
    is_organization_gold,
    score_organizations,
)
from pipeline.jsonl import read_records
from pipeline.partnerships import find_partnerships
from pipeline.records import Annotation, Item


@dataclass
class Evaluation:
    """Every score of one gold file."""

    items: int
    annotation: dict
    clustering: dict
    partnerships: dict
    organizations: dict | None = None  # gold of organisation mentions only


@dataclass(frozen=True)
class Target:
    name: str
    minimum: float


TARGETS = (
    Target("themes micro-F1", 0.85),
    Target("themes lowest F1", 0.70),
    Target("kind accuracy", 0.85),
    Target("sectors micro-F1", 0.90),
    Target("districts micro-F1", 0.97),
    Target("language accuracy", 0.98),
    Target("dedupe B-cubed F1", 0.90),
    Target("dedupe pairwise precision", 0.90),
    Target("partnership items found", 0.90),
    Target("partnership member sectors exact", 0.85),
    Target("organisation mentions resolved", 0.90),
)


def load_gold(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as handle:
        return list(read_records(handle, str(path)))


def score_partnerships(gold: Sequence[dict], annotations: Sequence[Annotation]) -> dict:
    """Share of gold partnership items that got a partnership record, and of those the
    share whose members' sectors are exactly the gold actors' sectors."""
    items = [
        Item(
            id=record["id"],
            note_id=record.get("group") or "gold",
            position=i,
            text=record["text"],
            line=i,
        )
        for i, record in enumerate(gold)
    ]
    found = {
        partnership.item_id: partnership
        for partnership in find_partnerships(
            items, {item.id: a for item, a in zip(items, annotations, strict=True)}
        )
    }
    expected = [record for record in gold if record.get("kind") == "partnership"]
    hits = [record for record in expected if record["id"] in found]
    exact = [
        record
        for record in hits
        if sorted({member.sector for member in found[record["id"]].members})
        == sorted(record.get("sectors") or [])
    ]
    return {
        "gold_partnerships": len(expected),
        "found": len(hits) / len(expected) if expected else 1.0,
        "sectors_exact": len(exact) / len(hits) if hits else 1.0,
        "predicted_partnerships": len(found),
    }


def evaluate_gold(path: Path, annotator: Annotator | None = None) -> Evaluation:
    """Annotate the gold texts (headings as hints), cluster them, and score all three;
    for organisation gold, score the resolution of organisation mentions."""
    gold = load_gold(path)
    annotator = annotator or Annotator()
    if is_organization_gold(gold):
        # Organisation gold has no annotate labels: only actors are scored.
        predicted = annotator.annotate([record["text"] for record in gold])
        return Evaluation(len(gold), {}, {}, {}, score_organizations(gold, predicted))
    annotations = annotator.annotate(
        [record["text"] for record in gold],
        [record.get("kind_hint") or record.get("heading") for record in gold],
    )
    # Gold labels are not given to the clusterer: it sees what annotate predicted.
    predicted_clusters = clusters_of_records(
        [{"id": r["id"], "text": r["text"], "group": r.get("group")} for r in gold], annotations
    )
    gold_clusters = {record["id"]: record.get("cluster") or record["id"] for record in gold}
    return Evaluation(
        items=len(gold),
        annotation=score_annotations(gold, annotations),
        clustering=score_clusters(gold_clusters, predicted_clusters),
        partnerships=score_partnerships(gold, annotations),
    )


def headline(evaluation: Evaluation) -> dict[str, float]:
    """The figures the issues set targets for, by target name."""
    if evaluation.organizations is not None:
        return {"organisation mentions resolved": evaluation.organizations["resolved"]}
    scores = evaluation.annotation
    theme_f1 = [s["f1"] for s in scores["themes"]["labels"].values() if s["support"]]
    return {
        "themes micro-F1": scores["themes"]["micro"]["f1"],
        "themes lowest F1": min(theme_f1, default=0.0),
        "kind accuracy": scores["kind"]["accuracy"],
        "sectors micro-F1": scores["sectors"]["micro"]["f1"],
        "districts micro-F1": scores["districts"]["micro"]["f1"],
        "language accuracy": scores["language"]["accuracy"],
        "dedupe B-cubed F1": evaluation.clustering["bcubed_f1"],
        "dedupe pairwise precision": evaluation.clustering["pairwise_precision"],
        "partnership items found": evaluation.partnerships["found"],
        "partnership member sectors exact": evaluation.partnerships["sectors_exact"],
    }


def format_report(evaluation: Evaluation) -> str:
    """Per-label tables, then the clustering scores, then each target with its verdict."""
    from pipeline.evaluation.annotation import format_report as format_annotation

    clustering = evaluation.clustering
    if evaluation.organizations is not None:
        lines = [f"gold items: {evaluation.items}", format_organizations(evaluation.organizations)]
        return "\n".join([*lines, "", *_verdicts(evaluation)])
    lines = [
        f"gold items: {evaluation.items}",
        "",
        format_annotation(evaluation.annotation),
        "",
        f"{'dedupe':<24} {'P':>6} {'R':>6} {'F1':>6}",
        f"  {'B-cubed':<22} {clustering['bcubed_precision']:6.3f} "
        f"{clustering['bcubed_recall']:6.3f} {clustering['bcubed_f1']:6.3f}",
        f"  {'pairwise':<22} {clustering['pairwise_precision']:6.3f} "
        f"{clustering['pairwise_recall']:6.3f} {clustering['pairwise_f1']:6.3f}",
        f"  gold clusters {clustering['gold_clusters']}, "
        f"predicted {clustering['predicted_clusters']}",
        "",
        f"partnerships: {evaluation.partnerships['gold_partnerships']} gold partnership items",
        "",
    ]
    return "\n".join([*lines, *_verdicts(evaluation)])


def _verdicts(evaluation: Evaluation) -> list[str]:
    """Each target the gold file measures, with its value and verdict."""
    lines = [f"{'target':<34} {'value':>6} {'min':>6}"]
    figures = headline(evaluation)
    for target in TARGETS:
        if target.name not in figures:
            continue
        value = figures[target.name]
        verdict = "ok" if value >= target.minimum else "BELOW"
        lines.append(f"  {target.name:<32} {value:6.3f} {target.minimum:6.2f}  {verdict}")
    return lines
