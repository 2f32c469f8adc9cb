"""Fixtures shared by several test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.analysis import PROJECT_ROOT
from pipeline.build import BuildSummary, build

NOTES = PROJECT_ROOT / "notes"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory, pytestconfig) -> tuple[Path, BuildSummary]:
    """The databases built once from notes/ for the whole test session, and the summary.

    The build cache lives in pytest's cache folder, so later sessions reuse the
    annotations of unchanged items (the cache keys them by code and model version).
    """
    path = tmp_path_factory.mktemp("build") / "rekomendacje.db"
    cache = pytestconfig.cache.mkdir("rekomendacje-build") / "build-cache.sqlite"
    summary = build(NOTES, path, cache_path=cache)
    return path, summary


@pytest.fixture(scope="session")
def built_database(sample_build) -> Path:
    """The public database built from notes/."""
    return sample_build[0]
