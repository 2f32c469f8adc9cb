from pathlib import Path

import pytest

from pipeline.corrections import (
    apply_corrections,
    load_corrections,
    training_examples,
    unmatched,
)
from pipeline.errors import RekomendacjeError
from pipeline.records import Annotation, Item


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "corrections.csv"
    path.write_text(text, encoding="utf-8")
    return path


def annotation(**fields) -> Annotation:
    defaults = dict(language="pl", kind="problem", themes=["basic_needs"])
    return Annotation(**{**defaults, **fields})


def test_missing_file_means_no_corrections(tmp_path):
    assert load_corrections(tmp_path / "corrections.csv") == []


def test_corrections_are_read_and_applied_as_manual(tmp_path):
    path = write(
        tmp_path,
        "item_id,field,value,comment\n"
        "n-1,kind,recommendation,to jest postulat\n"
        "n-1,themes,basic_needs;networking_systemic,\n"
        "n-2,districts,wola,\n",
    )
    corrections = load_corrections(path)
    assert [(c.item_id, c.field, c.value, c.line) for c in corrections] == [
        ("n-1", "kind", "recommendation", 2),
        ("n-1", "themes", "basic_needs;networking_systemic", 3),
        ("n-2", "districts", "wola", 4),
    ]
    corrected = apply_corrections({"n-1": annotation(), "n-2": annotation()}, corrections)
    assert corrected["n-1"].kind == "recommendation"
    assert corrected["n-1"].themes == ["basic_needs", "networking_systemic"]
    assert corrected["n-1"].manual == ["kind", "themes"]
    assert corrected["n-2"].districts == ["wola"]
    assert corrected["n-2"].manual == ["districts"]


def test_unknown_code_names_file_and_line(tmp_path):
    path = write(tmp_path, "item_id,field,value\nn-1,kind,recommendation\nn-2,themes,housing\n")
    with pytest.raises(RekomendacjeError) as raised:
        load_corrections(path)
    assert raised.value.line == 3
    assert "themes" in raised.value.message and "housing" in raised.value.message


def test_unknown_field_is_an_error(tmp_path):
    path = write(tmp_path, "item_id,field,value\nn-1,colour,red\n")
    with pytest.raises(RekomendacjeError, match="unknown field 'colour'"):
        load_corrections(path)


def test_corrections_become_training_examples_and_stale_ones_are_listed(tmp_path):
    path = write(
        tmp_path,
        "item_id,field,value\nn-1,kind,task\nn-1,themes,labour_market\ngone-1,kind,other\n",
    )
    corrections = load_corrections(path)
    items = [
        Item(id="n-1", note_id="n", position=0, text="Do 15.06 PUP wyśle listę ofert.", line=3)
    ]
    assert training_examples(corrections, items) == [
        ("Do 15.06 PUP wyśle listę ofert.", {"kind": "task", "themes": ["labour_market"]})
    ]
    assert [c.item_id for c in unmatched(corrections, items)] == ["gone-1"]
