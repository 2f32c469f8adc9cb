"""Reading and writing JSON Lines records, with errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO

from pipeline.errors import RekomendacjeError

REQUIRED_FIELDS = ("id", "text")


def read_records(stream: IO[str], source: str) -> Iterator[dict]:
    """Yield one dict per non-blank line; each must be a JSON object with "id" and "text"."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise RekomendacjeError(
                f"not valid JSON ({error.msg}); each line must be one JSON object", source, number
            ) from None
        if not isinstance(record, dict):
            raise RekomendacjeError("each line must be a JSON object", source, number)
        missing = [name for name in REQUIRED_FIELDS if not isinstance(record.get(name), str)]
        if missing:
            raise RekomendacjeError(
                f"missing text field(s) {', '.join(missing)}; every record needs id and text",
                source,
                number,
            )
        yield record


def write_records(records: Iterable[dict], stream: IO[str]) -> int:
    """Write records as JSON Lines (UTF-8, unescaped); return how many were written."""
    count = 0
    for record in records:
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
