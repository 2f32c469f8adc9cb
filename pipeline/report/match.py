"""Which partnerships answer a recommendation: a shared theme and shared rare words."""

from __future__ import annotations

import math
import sqlite3
from collections import Counter

from pipeline.report.model import Entry, PartnershipEntry, ReportSettings


def lemma_weights(conn: sqlite3.Connection, max_share: float) -> dict[str, float]:
    """Inverse document frequency of each lemma over all items, rare lemmas only."""
    frequency: Counter[str] = Counter()
    count = 0
    for (lemmas,) in conn.execute("select lemmas from items"):
        count += 1
        frequency.update(set((lemmas or "").split()))
    return {
        lemma: math.log(count / seen)
        for lemma, seen in frequency.items()
        if seen / count <= max_share
    }


def answers(
    entry: Entry, partnership: PartnershipEntry, weights: dict[str, float], settings: ReportSettings
) -> float:
    """How strongly a partnership answers a recommendation (0 when it does not).

    It must share a thematic area, agree on districts when both name some, and share
    enough rare words: their summed weight is the score.
    """
    if not (set(entry.themes) - {"other"}) & set(partnership.themes):
        return 0.0
    if (
        entry.districts
        and partnership.districts
        and not (set(entry.districts) & set(partnership.districts))
    ):
        return 0.0
    shared = [lemma for lemma in entry.lemmas & partnership.lemmas if lemma in weights]
    score = sum(weights[lemma] for lemma in shared)
    if len(shared) < settings.min_shared_lemmas or score < settings.min_score:
        return 0.0
    return score


def match_partnerships(
    entries: list[Entry],
    partnerships: list[PartnershipEntry],
    weights: dict[str, float],
    settings: ReportSettings,
) -> None:
    """Attach to each recommendation the partnerships that answer it, best first."""
    for entry in entries:
        scored = [(answers(entry, p, weights, settings), p) for p in partnerships]
        best = sorted((pair for pair in scored if pair[0] > 0), key=lambda pair: -pair[0])
        entry.partnerships = [p for _, p in best[: settings.per_recommendation]]
