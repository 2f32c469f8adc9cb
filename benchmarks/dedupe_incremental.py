"""Incremental dedupe at build scale: a full run that fills the store, then one note changed.

    .venv/bin/python benchmarks/build_scale.py --notes 1000 --work /tmp/dedupe-scale \\
        --pin-code-version                       # once: notes, annotations in its cache
    .venv/bin/python benchmarks/dedupe_incremental.py [--work /tmp/dedupe-scale/1000]

The annotated items come from the build cache of that work folder (pipeline.build.assemble
stopped before dedupe, with the pinned code version, so nothing is annotated again), with
the cache's known items, as a build gives them. Then, in this process: cluster_items on
all items with an empty store (a SQLite file in the work folder), the same after one note
changed as build_scale.py's edit does (one item reworded, so a new id, and one item
added), the same again with nothing changed, and a full run without store on the changed
items, which must give the same clusters.
Prints the seconds of each (wall and CPU: on a shared machine the CPU time is the steadier
figure) and the store's size.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pipeline.build as build_module  # noqa: E402
import pipeline.cache  # noqa: E402
from pipeline.dedupe import DedupeStore, cluster_items  # noqa: E402
from pipeline.records import AnnotatedItem, KnownItem  # noqa: E402


class _Collected(Exception):
    """Raised by the stand-in for cluster_items once it has the items."""


def annotated_items(work: Path) -> tuple[list[AnnotatedItem], dict[str, KnownItem]]:
    """The items a build of work/notes would deduplicate, from work/db's build cache, and
    the cache's known items."""
    pipeline.cache.code_version = lambda: "pinned"  # as build_scale.py --pin-code-version
    collected: list[AnnotatedItem] = []
    known: dict[str, KnownItem] = {}

    def collect(items, *arguments, **keywords):
        collected.extend(items)
        known.update(keywords["known"])
        raise _Collected

    build_module.cluster_items = collect
    cache_path = build_module.default_cache_path(work / "db" / "rekomendacje.db")
    try:
        with build_module.open_cache(cache_path) as cache:
            build_module.assemble(work / "notes", cache=cache)
    except _Collected:
        pass
    finally:
        build_module.cluster_items = cluster_items
    return collected, known


def one_note_changed(items: list[AnnotatedItem]) -> list[AnnotatedItem]:
    """One item of the middle note reworded (new text, so a new id) and one item added."""
    changed = list(items)
    middle = len(changed) // 2
    reworded = changed[middle]
    annotation = reworded.annotation
    changed[middle] = replace(
        reworded,
        id=reworded.id + "-v2",
        text="Pilne: " + reworded.text,
        annotation=replace(annotation, lemmas=["pilny", *annotation.lemmas]),
    )
    added = replace(
        reworded,
        id=reworded.id + "-new",
        text="Należy otworzyć punkt konsultacyjny na Bemowie.",
        annotation=replace(
            annotation,
            kind="recommendation",
            districts=["bemowo"],
            actors=[],
            lemmas=["należeć", "otworzyć", "punkt", "konsultacyjny", "Bemowo"],
        ),
    )
    return [*changed, added]


def timed(label: str, function, *arguments, **keywords) -> object:
    """function(*arguments, **keywords), its seconds printed."""
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*arguments, **keywords)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label:<44} {seconds:>7.2f} s ({cpu:.2f} s CPU)", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/dedupe-scale/1000"))
    arguments = parser.parse_args()
    items, known = annotated_items(arguments.work)
    changed = one_note_changed(items)
    print(f"{len(items)} items")
    store_path = arguments.work / "dedupe-store.sqlite"
    store_path.unlink(missing_ok=True)
    connection = sqlite3.connect(store_path)
    timed(
        "full run, filling an empty store",
        lambda: cluster_items(items, store=DedupeStore(connection), known=known),
    )
    connection.commit()
    connection.close()
    for label in ("after one note changed", "again, nothing changed"):
        connection = sqlite3.connect(store_path)
        incremental = timed(
            label, cluster_items, changed, store=DedupeStore(connection), known=known
        )
        connection.commit()
        connection.close()
    full = timed("full run without store (the reference)", cluster_items, changed)
    print(f"same clusters and links as the full run: {incremental == full}")
    print(f"store: {store_path.stat().st_size / 1e6:.0f} MB")
    print("reproduce: python benchmarks/dedupe_incremental.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
