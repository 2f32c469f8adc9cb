"""vocabulary: the package's data files as read by every stage."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.vocabulary import data_yaml

DATA = Path(__file__).resolve().parent.parent / "pipeline" / "data"
DATA_YAML = sorted(path.relative_to(DATA).as_posix() for path in DATA.rglob("*.yaml"))


@pytest.mark.parametrize("name", DATA_YAML)
def test_data_yaml_gives_what_safe_load_gives(name):
    expected = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    found = data_yaml(name)
    assert found == expected and repr(found) == repr(expected)  # types and order too
