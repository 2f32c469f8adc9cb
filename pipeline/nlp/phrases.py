"""Finding known phrases (sequences of keys: folded forms or lemmas) in a sequence of keys."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple


class PhraseMatch(NamedTuple):
    """One phrase found: keys[start:end] and the value it was registered with."""

    start: int  # index of the first key
    end: int  # index after the last key
    value: Hashable


_new_match = tuple.__new__

Entry = tuple[tuple[frozenset[str], ...], Hashable]  # the slots after the first, the value
# A phrase to try at a position: its length in keys, the slots after the second, its value.
Candidate = tuple[int, tuple[frozenset[str], ...], Hashable]


class _Followers(dict):
    """Per first key of a PhraseIndex, made on first use (a build annotating a few texts
    needs a few keys): the values of its one-word phrases, and per second key the phrases
    to try there (one-word ones included), in the order added. Most phrases sharing a
    first word ("ośrodek …") differ in the second, so few are tried at a position, and
    where the next word is no second key, only the one-word phrases match, without any
    test. `PhraseIndex.add` empties it."""

    def __init__(self, by_first: dict[str, list[Entry]]) -> None:
        super().__init__()
        self.by_first = by_first

    def __missing__(
        self, key: str
    ) -> tuple[tuple[Hashable, ...], dict[str, tuple[Candidate, ...]]]:
        entries = self.by_first[key]
        by_second: dict[str, list[int]] = {}
        for position, (rest, _) in enumerate(entries):
            for second in rest[0] if rest else ():
                by_second.setdefault(second, []).append(position)
        single = [position for position, (rest, _) in enumerate(entries) if not rest]
        tried = {
            second: tuple(
                (1 + len(entries[p][0]), entries[p][0][1:], entries[p][1])
                for p in sorted(single + found)
            )
            for second, found in by_second.items()
        }
        self[key] = (tuple(entries[p][1] for p in single), tried)
        return self[key]


@dataclass
class PhraseIndex:
    """Phrases indexed by their first key; each slot of a phrase accepts a set of keys.

    A slot is a set so that one phrase covers every inflected form of its words
    ("urząd", "urzędu", "urzędzie" …) without listing their combinations.
    """

    by_first: dict[str, list[Entry]] = field(default_factory=dict)
    _followers: _Followers = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._followers = _Followers(self.by_first)

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
                self._followers.clear()

    def could_match(self, keys: Iterable[str]) -> bool:
        """Whether a phrase starts at one of the keys: a cheap test that spares the work
        a match needs (offsets, context) for the many texts without one."""
        return not self.by_first.keys().isdisjoint(keys)

    def find(self, keys: Sequence[str], longest: bool = False) -> list[PhraseMatch]:
        """Every phrase occurring in keys; with longest, only the longest non-overlapping ones."""
        # Only positions whose key starts some phrase are tried; this loop runs for
        # every lexicon of every text, hence the inlined look-ups.
        first = self.by_first
        positions = [position for position, key in enumerate(keys) if key in first]
        if not positions:
            return []
        followers = self._followers
        size = len(keys)
        matches: list[PhraseMatch] = []
        append = matches.append
        covered_until = 0  # stays 0 without longest
        for position in positions:
            if position < covered_until:
                continue
            single, by_second = followers[keys[position]]
            after = position + 1
            tried = by_second.get(keys[after]) if after < size else None
            if tried is None:
                # Only the one-word phrases, each value once (`add` keeps no duplicate);
                # the named tuple made as a tuple: its generated __new__ is a Python call.
                for value in single:
                    append(_new_match(PhraseMatch, (position, after, value)))
                continue
            found = [
                _new_match(PhraseMatch, (position, position + length, value))
                for length, rest, value in tried
                if length <= 2 or _rest_matches(keys, after + 1, rest, size)
            ]
            if longest and found:
                best = max(match.end for match in found)
                found = [match for match in found if match.end == best]
                covered_until = best
            # Two phrases of one value may cover the same words (a name and a listed
            # form); they start at one position, so are found together.
            matches.extend(dict.fromkeys(found) if len(found) > 1 else found)
        return matches


def _rest_matches(
    keys: Sequence[str], start: int, slots: tuple[frozenset[str], ...], size: int
) -> bool:
    """Whether keys[start:] begins with a key of each slot, in turn."""
    return start + len(slots) <= size and all(
        key in slot for key, slot in zip(keys[start : start + len(slots)], slots, strict=True)
    )
