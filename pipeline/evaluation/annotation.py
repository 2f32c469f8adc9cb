"""Scoring annotation against gold: precision, recall and F1 per label of each field.

`python -m pipeline evaluate GOLD.jsonl` annotates the gold texts (headings as hints)
and prints these tables with the other scores.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.records import Annotation

LIST_FIELDS = ("themes", "sectors", "districts")
SINGLE_FIELDS = ("kind", "language")


def _labels(value) -> set[str]:
    if value is None:
        return set()
    return {value} if isinstance(value, str) else set(value)


def _field_scores(gold: list[set[str]], predicted: list[set[str]]) -> dict:
    labels = sorted(set().union(*gold, *predicted)) if gold else []
    per_label = {}
    total = {"tp": 0, "fp": 0, "fn": 0}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if label in g and label in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if label not in g and label in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if label in g and label not in p)
        per_label[label] = {**_prf(tp, fp, fn), "support": tp + fn}
        total["tp"] += tp
        total["fp"] += fp
        total["fn"] += fn
    scored = [scores for scores in per_label.values() if scores["support"]]
    return {
        "labels": per_label,
        "micro": _prf(total["tp"], total["fp"], total["fn"]),
        "macro": {
            key: round(sum(s[key] for s in scored) / len(scored), 4) if scored else 0.0
            for key in ("precision", "recall", "f1")
        },
        "exact": round(sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold), 4)
        if gold
        else 0.0,
    }


def _prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def score_annotations(gold: Sequence[dict], predicted: Sequence[Annotation]) -> dict:
    """{field: {"labels": {label: P/R/F1/support}, "micro", "macro", "exact"}} per field.

    Fields: themes, kind, sectors, districts, language. Single-label fields also get
    "accuracy" (equal to their micro F1). Empty label sets count as exact matches.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold records but {len(predicted)} annotations")
    report = {}
    for field in LIST_FIELDS + SINGLE_FIELDS:
        scores = _field_scores(
            [_labels(record.get(field)) for record in gold],
            [_labels(getattr(annotation, field)) for annotation in predicted],
        )
        if field in SINGLE_FIELDS:
            scores["accuracy"] = scores["exact"]
        report[field] = scores
    return report


def format_report(report: dict) -> str:
    """The report as a plain-text table, one line per label."""
    lines = []
    for field, scores in report.items():
        lines.append(f"{field:<24} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
        for label, s in scores["labels"].items():
            lines.append(
                f"  {label:<22} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f}"
                f" {s['support']:5d}"
            )
        micro, macro = scores["micro"], scores["macro"]
        lines.append(
            f"  {'micro':<22} {micro['precision']:6.3f} {micro['recall']:6.3f} {micro['f1']:6.3f}"
        )
        lines.append(
            f"  {'macro':<22} {macro['precision']:6.3f} {macro['recall']:6.3f} {macro['f1']:6.3f}"
        )
        lines.append(f"  {'exact match':<22} {scores['exact']:6.3f}")
    return "\n".join(lines)
