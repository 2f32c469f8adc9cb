"""What an incremental build pays for its first new items: constructing the Annotator
and annotating a handful of texts, in a fresh process.

Each run starts a new Python process that imports `pipeline.annotate` (timed apart: the
build has imported it before it times anything), constructs an `Annotator` and annotates
three new items: Polish only (one edited note's typical items), then, in another
process, one Polish, one Ukrainian and one English (every language's pipeline). The
fitted model and the derived indexes come from their disk caches, warmed by a first run
that is not counted. Prints the median of the runs of each figure (wall-clock seconds,
and the CPU seconds of construct + annotate), the peak memory of the child processes
and the command that reproduces the run.

    python benchmarks/annotator_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CASES = {
    "3 Polish items": [
        "Brak miejsc w przedszkolach na Woli dla dzieci z Ukrainy.",
        "OPS Bielany prosi o wolontariuszy do punktu informacyjnego.",
        "Trzeba zorganizować kurs języka polskiego dla dorosłych w Ursusie.",
    ],
    "Polish, Ukrainian, English": [
        "Brak miejsc w przedszkolach na Woli dla dzieci z Ukrainy.",
        "Потрібна допомога з житлом для сімей у Празі-Південь.",
        "Need more Polish classes for adults in Bemowo.",
    ],
}

CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from pipeline.annotate import Annotator
imported, imported_cpu = time.perf_counter(), time.process_time()
annotator = Annotator()
constructed = time.perf_counter()
annotator.annotate(json.loads(sys.argv[1]))
annotated, annotated_cpu = time.perf_counter(), time.process_time()
print(json.dumps({
    "import": imported - start,
    "construct": constructed - imported,
    "annotate": annotated - constructed,
    "cpu": annotated_cpu - imported_cpu,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def child_run(texts: list[str]) -> dict[str, float]:
    """One fresh process's timings (seconds) and peak memory (MB)."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(texts)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(runs: int) -> None:
    child_run(CASES["Polish, Ukrainian, English"])  # fills the disk caches: not counted
    print(
        f"{'':28}{'import':>8}{'construct':>11}{'annotate 3':>12}{'both':>8}{'both CPU':>10}"
        f"{'peak MB':>9}"
    )
    for name, texts in CASES.items():
        results = [child_run(texts) for _ in range(runs)]

        def median(key: str, results=results) -> float:
            return statistics.median(result[key] for result in results)

        both = statistics.median(result["construct"] + result["annotate"] for result in results)
        print(
            f"{name:28}{median('import'):>7.2f}s{median('construct'):>10.2f}s"
            f"{median('annotate'):>11.2f}s{both:>7.2f}s{median('cpu'):>9.2f}s"
            f"{max(r['peak_mb'] for r in results):>9,.0f}"
        )
    print(
        f"(median of {runs} fresh processes each; the build times construct + annotate; "
        "CPU seconds vary less than wall time on a shared machine)"
    )
    print(f"reproduce: python benchmarks/annotator_start.py --runs {runs}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per case")
    main(parser.parse_args().runs)
