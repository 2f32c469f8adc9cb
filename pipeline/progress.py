"""How long-running library code reports progress without knowing who is watching."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

Advance = Callable[[int], None]


class Progress(Protocol):
    """Opens one counter per stage; the returned callable advances it by n."""

    def stage(self, name: str, total: int | None) -> Advance: ...

    def close(self) -> None: ...


class Silent:
    """Progress that reports nothing (library default, tests)."""

    def stage(self, name: str, total: int | None) -> Advance:
        return lambda n=1: None

    def close(self) -> None:
        pass
