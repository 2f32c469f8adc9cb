"""Disk caches of what annotation derives from data: the fitted kind/theme model, and
the indexes the components compile from the lexicons, the registry and the dictionaries.

The model's key hashes the training files, the extra examples, the annotate settings,
the lexicons and registry, and the source of pipeline/nlp, so any change retrains. An
index's key (`derived_key`) hashes every data file, the settings, the source of the
modules that compile it and the versions of the dictionaries it reads, so an unchanged
one is read back in milliseconds instead of compiled again (seconds, for the Polish
forms and the registry). Pickles are written atomically and read only from the
project's own cache folder (config `annotate.model_cache`).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Sequence
from functools import cache, wraps
from pathlib import Path
from typing import TypeVar

import morfeusz2
import pymorphy3
import pymorphy3_dicts_uk
import spacy
import spacy_lookups_data

from pipeline.config import section, settings
from pipeline.memory import collector_paused
from pipeline.vocabulary import data_path

# Data the features depend on, besides the training files.
_DATA_FILES = ("lexicon", "generic-actors.yaml", "organizations.csv", "districts-forms.yaml")
_HASHED_SUFFIXES = (".py", ".yaml", ".csv", ".jsonl", ".txt")
_PACKAGE = Path(__file__).parents[1]  # pipeline/
# The code that compiles the derived indexes (the components and the registry), and
# the records and settings readers they are made of.
_DERIVING_CODE = (
    Path(__file__).parent,
    *(_PACKAGE / name for name in ("organizations.py", "records.py", "vocabulary.py", "config.py")),
)
DERIVED_FOLDER = "derived"  # under the cache folder
_UNSAFE = re.compile(r"[^\w.]")  # characters kept out of a cached index's file name

T = TypeVar("T")


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


def _digest_files(digest, roots) -> None:
    """Add the name and content of every data or source file under the roots."""
    for root in roots:
        if not (root.is_file() or root.is_dir()):
            continue
        for path in _files(root):
            if path.name.endswith(_HASHED_SUFFIXES):
                digest.update(str(path.name).encode())
                digest.update(path.read_bytes())


def model_key(extra_training: Sequence[tuple[str, dict]]) -> str:
    """sha256 of the training data, settings, vocabulary and annotation code."""
    digest = hashlib.sha256()
    roots = [data_path("training"), *(data_path(name) for name in _DATA_FILES)]
    # The annotation code: this package and the stage module that assembles the training.
    roots += [Path(__file__).parent, _PACKAGE / "annotate.py"]
    _digest_files(digest, roots)
    digest.update(json.dumps(section("annotate"), sort_keys=True).encode())
    digest.update(json.dumps(list(extra_training), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


@cache
def derived_key() -> str:
    """sha256 of everything a derived index can depend on: every data file, the
    settings, the deriving code and the dictionaries' versions (once per process)."""
    digest = hashlib.sha256()
    _digest_files(digest, [data_path(""), *_DERIVING_CODE])
    digest.update(json.dumps(settings(), sort_keys=True, default=str).encode())
    for module in (morfeusz2, pymorphy3, pymorphy3_dicts_uk, spacy, spacy_lookups_data):
        digest.update(f"{module.__name__}={module.__version__}".encode())
    return digest.hexdigest()


def cache_folder() -> Path | None:
    """The folder of cached models (config annotate.model_cache), or None when disabled."""
    folder = section("annotate").get("model_cache")
    return Path(folder) if folder else None


def _load(path: Path | None):
    """The pickled value at path; None when absent or unreadable (it is then made again)."""
    if path is None or not path.is_file():
        return None
    try:
        # Unpickling makes several hundred thousand objects at once: in a process that
        # already holds millions (a build), each collection they trigger walks them all
        # (0.45 s instead of 0.05 s for the model).
        with path.open("rb") as handle, collector_paused():
            return pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None


def _save(folder: Path | None, name: str, value) -> None:
    """Pickle value as folder/name, atomically; an unwritable folder just means no cache."""
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / name)
    except OSError:
        return


def load_model(key: str):
    """The cached model of this key, or None."""
    folder = cache_folder()
    return _load(folder / f"{key}.pickle" if folder else None)


def save_model(key: str, model) -> None:
    """Store the model under its key."""
    _save(cache_folder(), f"{key}.pickle", model)


def derived(name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorate a function compiling an index from data: its result (for each tuple of
    string arguments) is read from the disk cache when `derived_key` is unchanged, and
    stored there when computed. Combine with `functools.cache` for once per process."""

    def decorate(compile_index: Callable[..., T]) -> Callable[..., T]:
        @wraps(compile_index)
        def cached(*arguments: str) -> T:
            base = cache_folder()
            folder = base / DERIVED_FOLDER if base else None
            # Arguments are codes and data file names ("lexicon/headings.yaml").
            parts = [name, *(_UNSAFE.sub("_", argument) for argument in arguments)]
            file_name = "-".join([*parts, derived_key()]) + ".pickle"
            found = _load(folder / file_name if folder else None)
            if found is not None:
                return found
            value = compile_index(*arguments)
            _save(folder, file_name, value)
            return value

        return cached

    return decorate
