"""The one exception type the project raises for problems a person can fix."""

from __future__ import annotations


class RekomendacjeError(Exception):
    """Bad input or a bad setting, told to a person: which file, which line, what to do."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or ""
        if self.path and self.line is not None:
            where = f"{self.path}:{self.line}"
        return f"{where}: {self.message}" if where else self.message
