"""The training data keeps the taxonomy's codes and the codebook rules a label can be checked by."""

import json
from pathlib import Path

from pipeline.vocabulary import codes, data_path, districts


def training_examples() -> list[dict]:
    """Every item of pipeline/data/training/*.jsonl, labelled or not."""
    return [
        json.loads(line)
        for path in sorted(Path(str(data_path("training"))).glob("*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]


def test_ids_are_unique_across_files():
    ids = [example["id"] for example in training_examples()]
    assert len(ids) == len(set(ids))


def test_labels_are_taxonomy_codes():
    known_districts = set(districts())
    for example in training_examples():
        assert example["kind"] in codes("kinds"), example["id"]
        assert example["themes"], example["id"]
        assert len(set(example["themes"])) == len(example["themes"]), example["id"]
        assert set(example["themes"]) <= set(codes("themes")), example["id"]
        assert example["language"] in {"pl", "uk", "en"}, example["id"]
        assert set(example["districts"]) <= known_districts, example["id"]
        sectors = sorted({actor["sector"] for actor in example["actors"]})
        assert sectors == sorted(set(example["sectors"])), example["id"]
        assert set(sectors) <= set(codes("sectors")), example["id"]


def test_cross_sector_partnerships_are_networking():
    """Codebook rule 4: every partnership of two or more sectors is networking_systemic."""
    for example in training_examples():
        if example["kind"] == "partnership" and len(set(example["sectors"])) >= 2:
            assert "networking_systemic" in example["themes"], example["id"]
