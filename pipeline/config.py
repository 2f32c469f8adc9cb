"""Thresholds and model settings from pipeline/data/config.yaml, read once."""

from __future__ import annotations

from functools import cache

from pipeline.vocabulary import data_yaml


@cache
def settings() -> dict:
    """The whole configuration as a dict of sections."""
    return data_yaml("config.yaml") or {}


def section(name: str) -> dict:
    """One section of the configuration (empty when absent)."""
    return settings().get(name) or {}
