"""Rowids that follow from a row's own content, so a full and an incremental write agree.

The site's searches read the full-text indexes in rowid order and stop at a limit
(`wyszukiwanie`, `wyszukiwanie_wypowiedzi` in db/metadata.yaml), so the rowids of
`items` and `recommendations` decide which matches are shown. Both are packed 63-bit
integers, written explicitly on insert by a full write and by an incremental update:

- an item's rowid orders meetings by date (days since 1970-01-01; undated notes first),
  then notes by a stable hash of their id, then items by their position in the note;
- a recommendation's rowid orders the most supported first (more groups, capped at
  1,023), then by a stable hash of the cluster id.

Two rows on one rowid would make the insert fail (UNIQUE constraint): that takes two
notes of one day with the same 30-bit hash, or two clusters with as many groups and the
same 53-bit hash (about one chance in 20,000 with a million single-group clusters),
or two keys of one table with the same 63-bit hash.

A note gets its first item's rowid, a partnership a 63-bit hash of its id (`key_rowid`):
nothing reads them in rowid order, but a full and an incremental write then agree on
every rowid. The tables that only link keys have none (WITHOUT ROWID, schema.py).

Hashes are BLAKE2b, not Python's `hash`, which changes between processes.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache

from pipeline.errors import RekomendacjeError

_DAY_BITS, _NOTE_BITS, _POSITION_BITS = 17, 30, 16  # 63 bits; days reach the year 2328
# Many clusters share a group count (most have one): the hash gets the most bits.
_GROUP_BITS, _CLUSTER_BITS = 10, 53  # 63 bits
_EPOCH = date(1970, 1, 1)


def stable_hash(value: str, bits: int) -> int:
    """The first `bits` bits of the BLAKE2b digest of `value`: the same in every process."""
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - bits)


def key_rowid(*values: object) -> int:
    """Rowid of a row with a primary key nobody reads in rowid order: a hash of the key."""
    return stable_hash("\x1f".join(map(str, values)), 63)


def _days(iso_date: str | None) -> int:
    try:
        days = (date.fromisoformat(iso_date) - _EPOCH).days if iso_date else 0
    except ValueError:
        days = 0
    return min(max(days, 0), (1 << _DAY_BITS) - 1)


def item_rowid(note_date: str | None, note_id: str, position: int) -> int:
    """Rowid of an item: meeting date, then note, then position in the note."""
    if not 0 <= position < 1 << _POSITION_BITS:
        raise RekomendacjeError(
            f"note {note_id}: item position {position} is outside 0…{(1 << _POSITION_BITS) - 1};"
            " split the note into smaller files"
        )
    return _note_rowid(note_date, note_id) | position


@cache  # one per note, asked for each of its items
def _note_rowid(note_date: str | None, note_id: str) -> int:
    return (
        _days(note_date) << (_NOTE_BITS + _POSITION_BITS)
        | stable_hash(note_id, _NOTE_BITS) << _POSITION_BITS
    )


def recommendation_rowid(groups: int, cluster_id: str) -> int:
    """Rowid of a recommendation: most groups first, then the cluster."""
    fewer_groups = (1 << _GROUP_BITS) - 1 - min(groups, (1 << _GROUP_BITS) - 1)
    return fewer_groups << _CLUSTER_BITS | stable_hash(cluster_id, _CLUSTER_BITS)
