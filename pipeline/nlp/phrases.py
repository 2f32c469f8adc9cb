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


Entry = tuple[tuple[frozenset[str], ...], Hashable]  # the slots after the first, the value


@dataclass
class PhraseIndex:
    """Phrases indexed by their first key; each slot of a phrase accepts a set of keys.

    A slot is a set so that one phrase covers every inflected form of its words
    ("urząd", "urzędu", "urzędzie" …) without listing their combinations.
    """

    by_first: dict[str, list[Entry]] = field(default_factory=dict)
    # Per first key, built on first use: the positions (in by_first's list) of its
    # one-word phrases, and of the longer ones by their second key. Most phrases sharing
    # a first word ("ośrodek …") differ in the second, so few are tried at a position.
    _by_second: dict[str, tuple[list[int], dict[str, list[int]]]] = field(
        default_factory=dict, repr=False
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
                self._by_second.pop(key, None)

    def could_match(self, keys: Iterable[str]) -> bool:
        """Whether a phrase starts at one of the keys: a cheap test that spares the work
        a match needs (offsets, context) for the many texts without one."""
        return not self.by_first.keys().isdisjoint(keys)

    def _followers(self, key: str) -> tuple[list[int], dict[str, list[int]]]:
        followers = self._by_second.get(key)
        if followers is None:
            single: list[int] = []
            by_second: dict[str, list[int]] = {}
            for position, (rest, _) in enumerate(self.by_first[key]):
                if not rest:
                    single.append(position)
                for second in rest[0] if rest else ():
                    by_second.setdefault(second, []).append(position)
            followers = self._by_second[key] = (single, by_second)
        return followers

    def _matches_at(self, keys: Sequence[str], position: int) -> list[PhraseMatch]:
        """The phrases starting at keys[position], in the order they were added."""
        key = keys[position]
        entries = self.by_first[key]
        single, by_second = self._followers(key)
        after = position + 1
        tried = single
        if after < len(keys) and keys[after] in by_second:
            tried = sorted(single + by_second[keys[after]])
        found = []
        for rest, value in (entries[index] for index in tried):
            end = after + len(rest)
            if len(rest) <= 1 or (
                end <= len(keys)
                and all(
                    key in slot for key, slot in zip(keys[after + 1 : end], rest[1:], strict=True)
                )
            ):
                found.append(PhraseMatch(position, end, value))
        return found

    def find(self, keys: Sequence[str], longest: bool = False) -> list[PhraseMatch]:
        """Every phrase occurring in keys; with longest, only the longest non-overlapping ones."""
        # Only positions whose key starts some phrase are tried.
        first = self.by_first
        positions = [position for position, key in enumerate(keys) if key in first]
        if not positions:
            return []
        matches: list[PhraseMatch] = []
        covered_until = 0
        for position in positions:
            if longest and position < covered_until:
                continue
            found = self._matches_at(keys, position)
            if longest and found:
                best = max(match.end for match in found)
                matches.extend(match for match in found if match.end == best)
                covered_until = best
            else:
                matches.extend(found)
        # Two phrases of one value may cover the same words (a name and a listed form).
        return list(dict.fromkeys(matches))
