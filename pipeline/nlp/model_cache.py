"""A disk cache of the fitted kind/theme model, keyed by everything the fit depends on.

The key hashes the training files, the extra examples, the annotate settings, the
lexicons and registry, and the source of pipeline/nlp, so any change retrains. Pickles
are written atomically and read only from the project's own cache folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pipeline.config import section
from pipeline.vocabulary import data_path

# Data the features depend on, besides the training files.
_DATA_FILES = ("lexicon", "generic-actors.yaml", "organizations.csv", "districts-forms.yaml")


def _files(root) -> list:
    if root.is_file():
        return [root]
    return sorted((child for child in _walk(root) if child.is_file()), key=lambda child: str(child))


def _walk(folder):
    """Every file under a folder (resources.files gives no rglob)."""
    for child in folder.iterdir():
        if child.is_dir():
            yield from _walk(child)
        else:
            yield child


def model_key(extra_training: Sequence[tuple[str, dict]]) -> str:
    """sha256 of the training data, settings, vocabulary and annotation code."""
    digest = hashlib.sha256()
    roots = [data_path("training"), *(data_path(name) for name in _DATA_FILES)]
    # The annotation code: this package and the stage module that assembles the training.
    roots += [Path(__file__).parent, Path(__file__).parents[1] / "annotate.py"]
    for root in roots:
        if not (root.is_file() or root.is_dir()):
            continue
        for path in _files(root):
            if path.name.endswith((".py", ".yaml", ".csv", ".jsonl", ".txt")):
                digest.update(str(path.name).encode())
                digest.update(path.read_bytes())
    digest.update(json.dumps(section("annotate"), sort_keys=True).encode())
    digest.update(json.dumps(list(extra_training), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def cache_folder() -> Path | None:
    """The folder of cached models (config annotate.model_cache), or None when disabled."""
    folder = section("annotate").get("model_cache")
    return Path(folder) if folder else None


def load_model(key: str):
    """The cached model of this key, or None."""
    folder = cache_folder()
    path = folder / f"{key}.pickle" if folder else None
    if path is None or not path.is_file():
        return None
    with path.open("rb") as handle:
        return pickle.load(handle)


def save_model(key: str, model) -> None:
    """Store the model under its key; an unwritable folder just means no cache."""
    folder = cache_folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(model, stream)
        os.replace(temporary, folder / f"{key}.pickle")
    except OSError:
        return
