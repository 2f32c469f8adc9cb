"""Build at scale: full and incremental build time, peak memory, and growth from 500 to 1,000 notes.

For each size, a synthetic notes folder (benchmarks/corpus.py, seed 1) is built in a fresh
process (cold cache beside the database), then one note is edited and the build is run
again (the incremental build). Each build runs in its own process so that its peak RSS
(getrusage of the child) is its own. Targets: 1,000 notes (≥ 50,000 items) in ≤ 120 s
and ≤ 2 GB; incremental ≤ 5 % of full.

    python benchmarks/build_scale.py --notes 500 1000 --work /tmp/build-scale
    python benchmarks/build_scale.py --notes 1000 --profile   # where the time goes
    python benchmarks/build_scale.py --notes 1000 --profile-incremental --pin-code-version
    python benchmarks/build_scale.py --bad-input   # peak memory with a 50 MB file and worse
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the bad-input corpus lives with the tests

from bad_input import build_bad_corpus  # noqa: E402
from test_build_bad_input import write_extra_cases  # noqa: E402

from benchmarks.corpus import write_corpus  # noqa: E402
from pipeline.ingest.files import RECENT_NS  # noqa: E402

# Runs one build in this (child) process and prints its figures as JSON.
_CHILD = """
import cProfile, io, json, pstats, resource, sys, time
from pathlib import Path
import pipeline.build as build_module

marks = []

class Timing:
    def stage(self, name, total):
        marks.append((name.split(" / ")[-1], time.perf_counter()))
        return lambda n=1: None
    def close(self):
        pass

caches = []
open_cache = build_module.open_cache
def recorded_cache(path):
    context = open_cache(path)
    class Recorder:
        def __enter__(self):
            caches.append(context.__enter__())
            return caches[-1]
        def __exit__(self, *exc):
            return context.__exit__(*exc)
    return Recorder()
build_module.open_cache = recorded_cache

write = build_module.write_databases
def timed_write(*args, **kwargs):
    marks.append(("writing", time.perf_counter()))
    return write(*args, **kwargs)
build_module.write_databases = timed_write

import pipeline.publish.write as write_module
from pipeline.publish.fingerprints import changed
writes = []  # per database: "whole", or how many notes, clusters and link sets were rewritten
plan_update = write_module.plan_update
def recorded_plan(previous, current, path):
    plan = plan_update(previous, current, path)
    if plan is None:
        # Why whole: no record, a file changed since, or (counts) too much changed.
        before = previous.fingerprints if previous else None
        writes.append("whole" + ("" if before is None else
                      f" (file unchanged: {previous.stat == write_module.file_stat(path)}, "
                      f"changed notes {len(changed(before.notes, current.notes))}, "
                      f"clusters {len(changed(before.clusters, current.clusters))})"))
    else:
        writes.append(f"{len(plan.notes)} notes, {len(plan.clusters)} clusters, "
                      f"{len(plan.links)} link sets rewritten")
    return plan
write_module.plan_update = recorded_plan

notes, db, profile = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
if sys.argv[4] == "1":
    import pipeline.cache
    pipeline.cache.code_version = lambda: "pinned"
profiler = cProfile.Profile() if profile else None
started = time.perf_counter()
if profiler:
    profiler.enable()
summary = build_module.build(notes, db, progress=Timing())
if profiler:
    profiler.disable()
ended = time.perf_counter()
marks.append(("end", ended))
stages = {name: round(marks[i + 1][1] - at, 2) for i, (name, at) in enumerate(marks[:-1])}
top = ""
if profiler:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    top = out.getvalue()
print(json.dumps({"seconds": round(ended - started, 2), "notes": summary.notes,
                  "items": summary.items, "stages": stages, "profile": top,
                  "cache_hits": caches[0].hits if caches else {},
                  "cache_misses": caches[0].misses if caches else {}, "writes": writes,
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def run_build(notes: Path, db_path: Path, profile: bool = False, pinned: bool = False) -> dict:
    """One build in a child process: its figures, with the child's own peak RSS in MB."""
    flags = ["1" if profile else "0", "1" if pinned else "0"]
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, str(notes), str(db_path), *flags],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if completed.returncode:
        raise SystemExit(f"the build of {notes} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def edit_one_note(notes: Path) -> Path:
    """Change one note as an analyst would: reword a line and add one."""
    path = sorted(notes.rglob("*.md"))[len(list(notes.rglob("*.md"))) // 2]
    text = path.read_text(encoding="utf-8")
    text = text.replace("\n- ", "\n- Pilne: ", 1).replace("\n* ", "\n* Pilne: ", 1)
    path.write_text(
        text + "\n- Należy otworzyć punkt konsultacyjny na Bemowie.\n", encoding="utf-8"
    )
    return path


def measure_bad_input(folder: Path) -> None:
    """Peak memory of a build of tests/bad_input's corpus plus a 50 MB and a 200,000-char line."""
    shutil.rmtree(folder, ignore_errors=True)
    notes = folder / "notes"
    build_bad_corpus(notes)
    write_extra_cases(notes)
    figures = run_build(notes, folder / "db" / "rekomendacje.db")
    print(
        f"bad-input corpus (incl. a 50 MB text file, a 3 GB zip bomb, a 200,000-character "
        f"line): {figures['notes']} notes built in {figures['seconds']} s, "
        f"peak RSS {figures['peak_mb']} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, nargs="+", default=[500, 1000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/build-scale"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the full build (slower) and print the top functions",
    )
    parser.add_argument(
        "--profile-incremental",
        action="store_true",
        help="profile the incremental build (slower) and print the top functions",
    )
    parser.add_argument(
        "--pin-code-version",
        action="store_true",
        help="keep the cache valid while the pipeline's source is edited "
        "(a shared working tree); notes and data files still count",
    )
    parser.add_argument(
        "--bad-input",
        action="store_true",
        help="only build the bad-input corpus (50 MB file, zip bomb, …)",
    )
    arguments = parser.parse_args()
    command = "python benchmarks/build_scale.py " + " ".join(sys.argv[1:])
    if arguments.bad_input:
        measure_bad_input(arguments.work / "bad-input")
        print(f"reproduce: {command}")
        return
    results = []
    for count in sorted(arguments.notes):
        folder = arguments.work / str(count)
        shutil.rmtree(folder, ignore_errors=True)
        notes = folder / "notes"
        write_corpus(notes, count, arguments.seed)
        # Notes are not written just before a build: a file changed in the 2 s before it is
        # read is read again by the next build too (`stable_stat`), which would make the
        # incremental build below re-read the last ~half of a freshly written corpus.
        time.sleep(RECENT_NS / 1e9)
        db_path = folder / "db" / "rekomendacje.db"
        pinned = arguments.pin_code_version
        full = run_build(notes, db_path, arguments.profile, pinned)
        edit_one_note(notes)
        started = time.perf_counter()
        incremental = run_build(notes, db_path, arguments.profile_incremental, pinned)
        incremental["wall"] = round(time.perf_counter() - started, 2)
        results.append((count, full, incremental))
        print(
            f"{count} notes, {full['items']} items: full {full['seconds']} s "
            f"(peak {full['peak_mb']} MB), stages {full['stages']}"
        )
        print(
            f"  incremental after one note changed: {incremental['seconds']} s "
            f"= {100 * incremental['seconds'] / full['seconds']:.1f} % of full, "
            f"stages {incremental['stages']}, cache hits {incremental['cache_hits']}, "
            f"misses {incremental['cache_misses']}, databases written: {incremental['writes']}"
        )
        for figures in (full, incremental):
            if figures["profile"]:
                print(figures["profile"])
    print()
    print("| notes | items | full build s | peak RSS MB | incremental s | incremental % of full |")
    print("|---:|---:|---:|---:|---:|---:|")
    for count, full, incremental in results:
        share = 100 * incremental["seconds"] / full["seconds"]
        print(
            f"| {count} | {full['items']} | {full['seconds']} | {full['peak_mb']} | "
            f"{incremental['seconds']} | {share:.1f} |"
        )
    if len(results) >= 2:
        (small, small_full, _), (large, large_full, _) = results[0], results[-1]
        print(
            f"growth {small} → {large} notes: time × "
            f"{large_full['seconds'] / small_full['seconds']:.2f}, peak memory × "
            f"{large_full['peak_mb'] / small_full['peak_mb']:.2f} "
            f"(items × {large_full['items'] / small_full['items']:.2f})"
        )
    print("targets: 1,000 notes ≤ 120 s and ≤ 2048 MB; incremental ≤ 5 % of full")
    print(f"reproduce: {command}")


if __name__ == "__main__":
    main()
