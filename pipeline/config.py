"""Thresholds and model settings from pipeline/data/config.yaml, read once."""

from __future__ import annotations

from functools import cache

import yaml

from pipeline.vocabulary import data_path


@cache
def settings() -> dict:
    """The whole configuration as a dict of sections."""
    return yaml.safe_load(data_path("config.yaml").read_text(encoding="utf-8")) or {}


def section(name: str) -> dict:
    """One section of the configuration (empty when absent)."""
    return settings().get(name) or {}
