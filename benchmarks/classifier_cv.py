"""Grouped cross-validation of the kind/theme model on the training data.

Each training file is one fold group (a file is one meeting or working group), so no
fold is scored on items of a meeting it was trained on. The spaCy pipelines run once;
each fold fits a fresh `KindThemeModel` on the other files and predicts the held-out
one with its heading hint, and the themes are decided as the Annotator decides them
(per-theme thresholds, rule 10, the fallback, rule 4). Prints per-theme P/R/F1, micro
and macro F1 and kind accuracy; `--thresholds` also prints, per theme, the threshold
that maximises that theme's F1 over the out-of-fold scores (to copy into config);
`--set 'key=value ...'` (repeatable, YAML values) also scores variants of the settings
`--errors` lists the misclassified training items (file, id,
gold → predicted kind and themes, text) and counts the themes missed, added or swapped.

    .venv/bin/python benchmarks/classifier_cv.py [--folds 8] [--thresholds] [--errors]
                                                 [--set 'theme_c=2']
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import yaml

from pipeline.annotate import CLASSIFIER_SETTINGS, Annotator
from pipeline.evaluation.annotation import _field_scores
from pipeline.nlp.classifier import Features, KindThemeModel, features_of
from pipeline.themes import ThemeRules
from pipeline.vocabulary import codes, data_path


def featurise(annotator: Annotator, examples: list[dict]) -> tuple[list[Features], list[list[str]]]:
    """Features and predicted actor sectors of every example, in input order."""
    texts = [example["text"] for example in examples]
    hints = [example.get("kind_hint") or example.get("heading") for example in examples]
    rows: list = [None] * len(examples)
    sectors: list = [None] * len(examples)
    for index, doc in annotator._process(texts, hints, classify=False):
        rows[index] = features_of(doc)
        sectors[index] = sorted({actor.sector for actor in doc._.actors or ()})
    return rows, sectors


def folds_of(groups: list[str], count: int) -> list[int]:
    """Fold number of each example: files dealt round-robin by size, largest first."""
    sizes: dict[str, int] = {}
    for group in groups:
        sizes[group] = sizes.get(group, 0) + 1
    totals = [0] * count
    assignment = {}
    for group in sorted(sizes, key=lambda g: (-sizes[g], g)):
        fold = int(np.argmin(totals))
        assignment[group] = fold
        totals[fold] += sizes[group]
    return [assignment[group] for group in groups]


def cross_validate(
    rows: list[Features], examples: list[dict], folds: list[int], settings: dict
) -> tuple[list[str], list[dict[str, float]]]:
    """Out-of-fold kind and theme scores of every example."""
    kinds: list = [None] * len(rows)
    scores: list = [None] * len(rows)
    for fold in sorted(set(folds)):
        train = [i for i, f in enumerate(folds) if f != fold]
        test = [i for i, f in enumerate(folds) if f == fold]
        fit_rows, fit_kinds, fit_themes = [], [], []
        for i in train:
            variants = [rows[i]]
            if settings["train_without_hint"] and rows[i].hint:
                variants.append(replace(rows[i], hint=None))
            for variant in variants:
                fit_rows.append(variant)
                fit_kinds.append(examples[i]["kind"])
                fit_themes.append(list(examples[i]["themes"]))
        model = KindThemeModel(settings)
        model.fit(fit_rows, fit_kinds, fit_themes)
        for i, prediction in zip(test, model.predict([rows[i] for i in test]), strict=True):
            kinds[i] = prediction.kind
            scores[i] = prediction.theme_scores
    return kinds, scores


def best_thresholds(examples: list[dict], scores: list[dict[str, float]]) -> dict[str, float]:
    """Per theme, the raw-score threshold with the best out-of-fold F1 (ties: nearest 0.5).

    Each candidate is judged by its F1 averaged with its two neighbours' (0.025 apart):
    the F1 curves are flat near their top, and a lone peak moves with every added file.
    """
    best = {}
    limits = [round(float(limit), 3) for limit in np.arange(0.2, 0.71, 0.025)]
    for theme in codes("themes"):
        gold = np.array([theme in example["themes"] for example in examples])
        values = np.array([score[theme] for score in scores])
        f1s = []
        for limit in limits:
            predicted = values >= limit
            tp = int((gold & predicted).sum())
            total = gold.sum() + predicted.sum()
            f1s.append(2 * tp / total if total else 0.0)
        candidates = []
        for index, limit in enumerate(limits):
            window = f1s[max(0, index - 1) : index + 2]
            candidates.append((round(sum(window) / len(window), 3), -abs(limit - 0.5), limit))
        best[theme] = max(candidates)[2]
    return best


def report_of(
    examples: list[dict],
    rows: list[Features],
    sectors: list,
    folds: list[int],
    settings: dict,
    rules: dict,
    thresholds: bool,
    errors: bool = False,
    groups: Sequence[str] = (),
) -> None:
    """Cross-validate one settings variant and print its table."""
    kinds, scores = cross_validate(rows, examples, folds, settings)
    decide = ThemeRules(settings, rules).themes
    predicted = [
        set(decide(score, kind, sector))
        for score, kind, sector in zip(scores, kinds, sectors, strict=True)
    ]
    report = _field_scores([set(e["themes"]) for e in examples], predicted)
    print(f"{'theme':<22} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
    for theme, s in report["labels"].items():
        print(
            f"{theme:<22} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {s['support']:5d}"
        )
    print(f"{'micro F1':<22} {report['micro']['f1']:20.3f}")
    print(f"{'macro F1':<22} {report['macro']['f1']:20.3f}")
    accuracy = np.mean([k == e["kind"] for k, e in zip(kinds, examples, strict=True)])
    print(f"{'kind accuracy':<22} {accuracy:20.3f}")
    if thresholds:
        chosen = best_thresholds(examples, scores)
        print("best per-theme thresholds:", chosen)
        # The same out-of-fold scores decided with those thresholds (optimistic: the
        # thresholds were chosen on them; a run with them in config is the honest check).
        tuned = dict(settings, theme_thresholds=chosen)
        decide_tuned = ThemeRules(tuned, rules).themes
        decided = [
            set(decide_tuned(score, kind, sector))
            for score, kind, sector in zip(scores, kinds, sectors, strict=True)
        ]
        tuned_report = _field_scores([set(e["themes"]) for e in examples], decided)
        lowest = min(tuned_report["labels"].items(), key=lambda pair: pair[1]["f1"])
        print(
            f"with these thresholds: micro F1 {tuned_report['micro']['f1']:.3f},"
            f" lowest {lowest[0]} {lowest[1]['f1']:.3f}"
        )
    if errors:
        print_errors(examples, groups, kinds, predicted, scores)


def print_errors(
    examples: list[dict],
    groups: Sequence[str],
    kinds: list[str],
    predicted: list[set[str]],
    scores: list[dict[str, float]],
) -> None:
    """The misclassified items, then counts of missed, added and swapped themes."""
    missed: Counter = Counter()
    added: Counter = Counter()
    swapped: Counter = Counter()
    kind_confusions: Counter = Counter()
    print(
        "\nmisclassified items (file id: gold kind/themes -> predicted; differing themes' scores)"
    )
    for example, group, kind, themes, score in zip(
        examples, groups, kinds, predicted, scores, strict=True
    ):
        gold = set(example["themes"])
        if gold == themes and kind == example["kind"]:
            continue
        if kind != example["kind"]:
            kind_confusions[(example["kind"], kind)] += 1
        for theme in gold - themes:
            missed[theme] += 1
            for other in themes - gold:
                swapped[(theme, other)] += 1
        for theme in themes - gold:
            added[theme] += 1
        differing = ", ".join(f"{t}={score[t]:.2f}" for t in sorted(gold ^ themes))
        print(
            f"{group} {example.get('id', '?')}: {example['kind']}/{'+'.join(sorted(gold))}"
            f" -> {kind}/{'+'.join(sorted(themes))} [{differing}]\n    {example['text']}"
        )
    print("\nthemes missed:", dict(missed.most_common()))
    print("themes added:", dict(added.most_common()))
    print(
        "gold theme -> predicted instead:",
        {f"{a}->{b}": n for (a, b), n in swapped.most_common(20)},
    )
    print(
        "gold kind -> predicted kind:",
        {f"{a}->{b}": n for (a, b), n in kind_confusions.most_common(15)},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=8)
    parser.add_argument("--thresholds", action="store_true")
    parser.add_argument("--errors", action="store_true", help="list misclassified items")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="'KEY=VALUE ...'",
        help="a settings variant to score besides the configured one (repeatable)",
    )
    arguments = parser.parse_args()
    started = time.perf_counter()
    annotator = Annotator()
    configured = dict(annotator.settings[CLASSIFIER_SETTINGS])
    rules = annotator.settings["rules"]
    examples, groups = [], []
    for path in sorted(Path(str(data_path("training"))).glob("*.jsonl")):
        for example in training_examples_of(path):
            examples.append(example)
            groups.append(path.stem)
    rows, sectors = featurise(annotator, examples)
    folds = folds_of(groups, arguments.folds)
    print(f"{len(examples)} items, {len(set(groups))} files, {arguments.folds} grouped folds")
    for variant in ["", *arguments.set]:
        settings = dict(configured)
        for assignment in variant.split():
            key, value = assignment.split("=", 1)
            settings[key] = yaml.safe_load(value)
        print(f"\n== settings: {variant or 'as configured'}")
        report_of(
            examples,
            rows,
            sectors,
            folds,
            settings,
            rules,
            arguments.thresholds,
            arguments.errors,
            groups,
        )
    print(f"({time.perf_counter() - started:.0f} s)")


def training_examples_of(path: Path) -> list[dict]:
    """The labelled examples of one training file (those with kind and themes)."""
    examples = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [e for e in examples if "kind" in e and "themes" in e]


if __name__ == "__main__":
    main()
