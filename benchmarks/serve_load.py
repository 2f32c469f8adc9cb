"""Serve under load: full-text search on a public database of 1,000,000 items, 16 clients, 60 s.

The database is synthesised with the real schema (`pipeline.publish.ensure_schema`):
item texts and lemmas from `benchmarks.synthetic.generate` (Polish, Ukrainian, English,
flipchart wordings), spread over 1,000 notes, and one recommendation per four items
(250,000), worded as its first item; `--rebuild` synthesises it again (needed after this
synthesis changes). The site is the real one (`serve_command`: immutable database, the
project's metadata, plugins and limits) in a subprocess on 127.0.0.1; the load generator
runs `--clients` concurrent clients on loopback only, each searching a random word of
`QUERIES`, for `--seconds` per scenario and at most `--max-requests`. Target: p95 ≤ 100 ms
with zero errors for the search box's path.

Scenarios: `search-page` is what the landing page's search box requests, the site's
search page `/rekomendacje/-/szukaj?q=…` (db/plugins/search_page.py: the canned queries
`wyszukiwanie`, recommendations, and `wyszukiwanie_wypowiedzi`, items, with each match's
passage); `search-page-json` the same as JSON; `search-table` Datasette's table search
of the items (`items.json?_search=…`, answered without facets or an exact count,
db/plugins/search_requests.py), which the site no longer links a search to.

    python benchmarks/serve_load.py --items 1000000 --clients 16 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

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
# Each scenario's URL and what a whole answer contains (searches for rare words find nothing).
SCENARIOS = {
    "search-page": ("/rekomendacje/-/szukaj?q={q}", "<h2>Wypowiedzi z notatek"),
    "search-page-json": ("/rekomendacje/-/szukaj.json?q={q}", '"items": ['),
    "search-table": ("/rekomendacje/items.json?_search={q}&_size=20", '"rows": ['),
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
                    "recommendation_id": recommendation_id(number),
                    "line": number % 80 + 1,
                    "lemmas": " ".join(annotation.lemmas),
                }

        db["items"].insert_all(rows(), batch_size=5000)

        def recommendations():
            for first in range(0, count, 4):
                item = base[first % len(base)]
                yield {
                    "id": recommendation_id(first),
                    "text": item.text,
                    "kind": item.annotation.kind,
                    "themes": json.dumps(rng.sample(themes, rng.randint(1, 2))),
                    "districts": json.dumps(item.annotation.districts),
                    "mentions": min(4, count - first),
                    "groups": rng.randint(1, 4),
                    "canonical_item_id": f"item-{first:07d}",
                    "lemmas": " ".join(item.annotation.lemmas),
                }

        db["recommendations"].insert_all(recommendations(), batch_size=5000)
    db["items_fts"].optimize()
    db["recommendations_fts"].optimize()
    db.execute("ANALYZE")
    db.close()


def recommendation_count(path: Path) -> int:
    db = sqlite_utils.Database(path)
    return db["recommendations"].count if db["recommendations"].exists() else 0


def recommendation_id(item_number: int) -> str:
    """Four consecutive items make one recommendation."""
    return f"r-{item_number // 4:06d}"


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


class Connection:
    """One keep-alive HTTP/1.1 connection to the site on loopback. httpx spent about 1.5 ms
    of CPU per request, as much as the site's own work, on the same two cores; this reads
    a response (Content-Length or chunked) with a few stream calls."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode("ascii"))
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
        status_line, *lines = head.split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines if line)
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        else:
            chunks = []
            while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                chunks.append((await reader.readexactly(size + 2))[:-2])
            await reader.readuntil(b"\r\n")
            body = b"".join(chunks)
        return int(status_line.split()[1]), body

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def load(
    port: int, scenario: tuple[str, str], clients: int, seconds: float, max_requests: int
) -> tuple[list[float], int, int]:
    """Latencies (s) of successful requests, the error count and the request count."""
    template, marker = scenario
    latencies: list[float] = []
    errors = 0
    sent = 0
    deadline = time.monotonic() + seconds

    async def client(number: int) -> None:
        nonlocal errors, sent
        rng = random.Random(number)
        connection = Connection(port)
        while time.monotonic() < deadline and sent < max_requests:
            sent += 1
            path = template.format(q=quote(rng.choice(QUERIES)))
            started = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(connection.get(path), timeout=30)
                ok = status == 200 and marker in body.decode("utf-8")
            except (OSError, asyncio.IncompleteReadError, ValueError):  # TimeoutError is an OSError
                ok = False
                connection.close()
            if ok:
                latencies.append(time.perf_counter() - started)
            else:
                errors += 1
        connection.close()

    await asyncio.gather(*(client(number) for number in range(clients)))
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
    # A database synthesised before recommendations were added is synthesised again.
    if arguments.rebuild or not arguments.db.exists() or not recommendation_count(arguments.db):
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
            "| p99 ms | max ms | errors | load average |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name in arguments.scenario:
            latencies, errors, sent = asyncio.run(
                load(
                    port,
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
                f"| {errors} | {os.getloadavg()[0]:.1f} |"
            )
    finally:
        site.terminate()
        site.wait(timeout=30)
    print("target: search-page p95 ≤ 100 ms, 0 errors, 16 clients for 60 s on 1,000,000 items")
    print(f"reproduce: {command}")


if __name__ == "__main__":
    main()
