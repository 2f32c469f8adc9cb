"""Finding known phrases (sequences of keys: folded forms or lemmas) in a sequence of keys."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple


class PhraseMatch(NamedTuple):
    """One phrase found: keys[start:end] and the value it was registered with."""

    start: int  # index of the first key
    end: int  # index after the last key
    value: Hashable


@dataclass
class PhraseIndex:
    """Phrases indexed by their first key; each slot of a phrase accepts a set of keys.

    A slot is a set so that one phrase covers every inflected form of its words
    ("urząd", "urzędu", "urzędzie" …) without listing their combinations.
    """

    by_first: dict[str, list[tuple[tuple[frozenset[str], ...], Hashable]]] = field(
        default_factory=dict
    )

    def add(self, slots: Sequence[frozenset[str] | set[str] | str], value: Hashable) -> None:
        """Register a phrase: one set of accepted keys (or one key) per word."""
        normalised = tuple(
            frozenset([slot]) if isinstance(slot, str) else frozenset(slot) for slot in slots
        )
        if not normalised:
            return
        entry = (normalised[1:], value)
        for key in normalised[0]:
            entries = self.by_first.setdefault(key, [])
            if entry not in entries:
                entries.append(entry)

    def find(self, keys: Sequence[str], longest: bool = False) -> list[PhraseMatch]:
        """Every phrase occurring in keys; with longest, only the longest non-overlapping ones."""
        # Only positions whose key starts some phrase are tried; finding them is a set
        # intersection, far cheaper than a dictionary look-up per key.
        starts = self.by_first.keys() & set(keys)
        if not starts:
            return []
        matches: list[PhraseMatch] = []
        covered_until = 0
        count = len(keys)
        for position in [position for position, key in enumerate(keys) if key in starts]:
            if longest and position < covered_until:
                continue
            after = position + 1
            found = [
                PhraseMatch(position, after + len(rest), value)
                for rest, value in self.by_first[keys[position]]
                if not rest
                or (
                    after + len(rest) <= count
                    and all(
                        key in slot
                        for key, slot in zip(keys[after : after + len(rest)], rest, strict=True)
                    )
                )
            ]
            if longest and found:
                best = max(match.end for match in found)
                matches.extend(match for match in found if match.end == best)
                covered_until = best
            else:
                matches.extend(found)
        # Two phrases of one value may cover the same words (a name and a listed form).
        return list(dict.fromkeys(matches))
