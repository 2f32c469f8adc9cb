"""Fixtures shared by several test modules."""

from __future__ import annotations

from pathlib import Path

import pytest
from research_sample import sample_knowledge_base

from pipeline.analysis import PROJECT_ROOT
from pipeline.build import BuildSummary, build
from pipeline.publish import write_databases

NOTES = PROJECT_ROOT / "notes"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> tuple[Path, BuildSummary]:
    """The databases built once from notes/ for the whole test session, and the summary."""
    folder = tmp_path_factory.mktemp("build")
    path = folder / "rekomendacje.db"
    summary = build(NOTES, path, cache_path=folder / "build-cache.sqlite")
    return path, summary


@pytest.fixture(scope="session")
def built_database(sample_build) -> Path:
    """The public database built from notes/."""
    return sample_build[0]


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """The researchers' sample knowledge base (research_sample.py) as a public database."""
    path = tmp_path_factory.mktemp("sample") / "rekomendacje.db"
    write_databases(sample_knowledge_base(), path)
    return path
