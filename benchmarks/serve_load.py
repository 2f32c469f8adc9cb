"""Serve under load: full-text search on a public database of 1,000,000 items, 16 clients, 60 s.

The database is synthesised with the real schema (`pipeline.publish.ensure_schema`):
item texts and lemmas from `benchmarks.synthetic.generate` (Polish, Ukrainian, English,
flipchart wordings), spread over 1,000 notes. The site is the real one (`serve_command`:
immutable database, the project's metadata, plugins and limits) in a subprocess on
127.0.0.1; the load generator runs `--clients` concurrent clients on loopback only, each
searching a random word, for `--seconds` per scenario and at most `--max-requests`.
Target: p95 ≤ 100 ms with zero errors.

Scenarios: `search` is the items table searched as a visitor's search box does
(`items.json?_search=…`; the site answers it without facets or an exact count,
db/plugins/search_requests.py); `search-canned` is the canned query
`wyszukiwanie_wypowiedzi` (ranked by relevance, with each match's passage).

    python benchmarks/serve_load.py --items 1000000 --clients 16 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import generate  # noqa: E402
from pipeline.publish import ensure_schema, serve_command  # noqa: E402
from pipeline.vocabulary import codes  # noqa: E402

# What visitors search for: dictionary forms and inflected forms, Polish and Ukrainian.
QUERIES = (
    "mieszkanie",
    "mieszkań",
    "punkt",
    "kursy",
    "szkoła",
    "psycholog",
    "praca",
    "dzieci",
    "seniorów",
    "Wola",
    "żywności",
    "prawne",
    "wolontariusze",
    "szczepień",
    "informacyjny",
    "курси",
    "житло",
    "лікар",
    "job fair",
    "Bemowo",
)
SCENARIOS = {
    "search": "/rekomendacje/items.json?_search={q}&_size=20",
    "search-canned": "/rekomendacje/wyszukiwanie_wypowiedzi.json?q={q}",
}
BASE_ITEMS = 100_000  # distinct synthetic items, repeated across notes up to --items


def synthesise(path: Path, count: int, seed: int = 1) -> None:
    """A public database of `count` items with the real schema, written in one transaction."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    ensure_schema(db)
    rng = random.Random(seed)
    base = [entry.item for entry in generate(min(count, BASE_ITEMS), seed=seed)]
    themes, sectors = codes("themes"), codes("sectors")
    notes = max(1, count // 1000)
    with db.conn:
        db["build_info"].insert_all(
            [{"key": "schema_version", "value": "1"}, {"key": "audience", "value": "public"}],
            replace=True,
        )
        db["notes"].insert_all(
            (
                {
                    "id": f"note-{n:05d}",
                    "path": f"notes/note-{n:05d}.md",
                    "language": "pl",
                    "group_name": f"Grupa {n % 40}",
                    "date": "2022-06-01",
                    "items": count // notes,
                }
                for n in range(notes)
            ),
        )

        def rows():
            for number in range(count):
                item = base[number % len(base)]
                annotation = item.annotation
                yield {
                    "id": f"item-{number:07d}",
                    "note_id": f"note-{number % notes:05d}",
                    "position": number // notes,
                    "text": item.text,
                    "kind": annotation.kind,
                    "language": annotation.language,
                    "themes": json.dumps(rng.sample(themes, rng.randint(1, 2))),
                    "sectors": json.dumps(sorted(rng.sample(sectors, rng.randint(0, 2)))),
                    "districts": json.dumps(annotation.districts),
                    "recommendation_id": f"r-{(number % len(base)) // 4:06d}",
                    "line": number % 80 + 1,
                    "lemmas": " ".join(annotation.lemmas),
                }

        db["items"].insert_all(rows(), batch_size=5000)
    db["items_fts"].optimize()
    db.execute("ANALYZE")
    db.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_site(db_path: Path, port: int) -> subprocess.Popen:
    """The real `serve` command line in a subprocess, once it answers."""
    process = subprocess.Popen(
        serve_command([db_path], port=port, host="127.0.0.1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=5).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("Datasette did not start: " + process.stderr.read().decode()[-2000:])


async def load(
    base_url: str, template: str, clients: int, seconds: float, max_requests: int
) -> tuple[list[float], int, int]:
    """Latencies (s) of successful requests, the error count and the request count."""
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(number: int, http: httpx.AsyncClient) -> None:
        nonlocal errors, sent
        rng = random.Random(number)
        while time.monotonic() < deadline and sent < max_requests:
            sent += 1
            started = time.perf_counter()
            try:
                response = await http.get(template.format(q=rng.choice(QUERIES)))
                ok = response.status_code == 200 and "rows" in response.json()
            except (httpx.HTTPError, ValueError):
                ok = False
            if ok:
                latencies.append(time.perf_counter() - started)
            else:
                errors += 1

    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as http:
        await asyncio.gather(*(client(number, http) for number in range(clients)))
    return latencies, errors, sent


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/serve-load/rekomendacje.db"))
    parser.add_argument("--rebuild", action="store_true", help="synthesise the database again")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), nargs="+", default=list(SCENARIOS))
    arguments = parser.parse_args()
    command = "python benchmarks/serve_load.py " + " ".join(sys.argv[1:])
    if arguments.rebuild or not arguments.db.exists():
        started = time.perf_counter()
        synthesise(arguments.db, arguments.items)
        print(
            f"synthesised {arguments.items} items in {time.perf_counter() - started:.0f} s "
            f"({arguments.db.stat().st_size / 2**20:.0f} MB) → {arguments.db}"
        )
    items = sqlite_utils.Database(arguments.db)["items"].count
    port = free_port()
    site = start_site(arguments.db, port)
    try:
        print(
            "| scenario | items | clients | seconds | requests | req/s | p50 ms | p95 ms "
            "| p99 ms | max ms | errors |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name in arguments.scenario:
            latencies, errors, sent = asyncio.run(
                load(
                    f"http://127.0.0.1:{port}",
                    SCENARIOS[name],
                    arguments.clients,
                    arguments.seconds,
                    arguments.max_requests,
                )
            )
            ms = [1000 * value for value in latencies] or [float("nan")]
            print(
                f"| {name} | {items} | {arguments.clients} | {arguments.seconds:.0f} | {sent} "
                f"| {sent / arguments.seconds:.1f} | {statistics.median(ms):.0f} "
                f"| {percentile(ms, 0.95):.0f} | {percentile(ms, 0.99):.0f} | {max(ms):.0f} "
                f"| {errors} |"
            )
    finally:
        site.terminate()
        site.wait(timeout=30)
    print("target: search p95 ≤ 100 ms, 0 errors, 16 clients for 60 s on 1,000,000 items")
    print(f"reproduce: {command}")


if __name__ == "__main__":
    main()
