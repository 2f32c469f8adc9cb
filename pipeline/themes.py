"""The codebook's theme decision over the classifier's theme scores.

One place for it, used by the Annotator and by the cross-validation benchmark
(`benchmarks/classifier_cv.py`), so what is tuned is what runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pipeline.vocabulary import codes


def theme_thresholds(settings: Mapping) -> dict[str, float]:
    """The score each theme must reach: config theme_thresholds, else theme_threshold."""
    overrides = settings.get("theme_thresholds") or {}
    return {theme: overrides.get(theme, settings["theme_threshold"]) for theme in codes("themes")}


@dataclass(frozen=True)
class ThemeRules:
    """`settings` is config annotate.classifier, `rules` config annotate.rules."""

    settings: Mapping
    rules: Mapping

    def __post_init__(self) -> None:
        object.__setattr__(self, "limits", theme_thresholds(self.settings))
        object.__setattr__(self, "order", codes("themes"))

    def themes(self, scores: Mapping[str, float], kind: str, sectors: Sequence[str]) -> list[str]:
        """The item's themes, in taxonomy order.

        Each theme scoring at least its threshold; "other" is never chosen by score
        but is what an item about none of the themes gets. Codebook rule 10: an item of
        kind "other" keeps a theme only when clearly about it. An item with no theme
        takes its best one when that is at least plausible. With `other_theme_wins`, an
        item whose "other" score passes its threshold and beats every theme is about
        none of them (pets, bank accounts, cars). Codebook rule 4: a
        partnership of two or more sectors is networking.
        """
        settings, rules = self.settings, self.rules
        other = rules["other_theme"]
        themes = [t for t, s in scores.items() if t != other and s >= self.limits[t]]
        if settings.get("other_theme_wins") and self._other_wins(scores, kind):
            themes = []
        elif kind == rules["other_kind"]:
            limit = settings["other_kind_theme_threshold"]
            themes = [theme for theme in themes if scores[theme] >= limit]
        elif not themes:
            best = max((t for t in scores if t != other), key=scores.__getitem__)
            if scores[best] >= settings["fallback_theme_threshold"]:
                themes = [best]
        if kind == rules["partnership_kind"] and len(sectors) >= 2:
            themes.append(rules["cross_sector_theme"])
        return sorted(set(themes), key=self.order.index) or [other]

    def _other_wins(self, scores: Mapping[str, float], kind: str) -> bool:
        other = self.rules["other_theme"]
        return (
            kind != self.rules["other_kind"]
            and scores[other] >= self.limits[other]
            and scores[other] > max(s for t, s in scores.items() if t != other)
        )
