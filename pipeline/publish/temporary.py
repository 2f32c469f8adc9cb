"""The temporary file a database is built in, beside it, and moved into place when done.

An incremental write starts from a copy of the current database (hundreds of MB). The
copy can be started in a background thread (`start_copy`) while the knowledge base is
fingerprinted, since copying a file runs in the kernel and releases the GIL; `copied`
waits for it. A copy that failed, or was made while the database file changed (its size,
modification time or inode differ before and after), is not used: the database is then
written whole.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

FileStat = tuple[int, int, int]


def file_stat(path: Path) -> FileStat:
    """Size, modification time (ns) and inode: what tells that a file was replaced or edited."""
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


class TemporaryFile:
    """A new, empty, private file in the folder of `target`: `name` is its path."""

    def __init__(self, target: Path) -> None:
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        handle, self.name = tempfile.mkstemp(
            prefix=f".build-{self.target.stem}-", suffix=".db", dir=self.target.parent
        )
        os.close(handle)
        self._thread: threading.Thread | None = None
        # the target's stat before and after the copy, None when it failed; or an exception
        self._copy: tuple[FileStat, FileStat] | None | BaseException = None
        self._copied = False  # a copy was made or started

    def start_copy(self) -> None:
        """Start copying the target into the file, in a background thread."""
        self._copied = True
        self._thread = threading.Thread(target=self._copy_target, daemon=True)
        self._thread.start()

    def _copy_target(self) -> None:
        try:
            before = file_stat(self.target)
            shutil.copyfile(self.target, self.name)
            self._copy = (before, file_stat(self.target))
        except OSError:
            self._copy = None
        except BaseException as error:  # handed to the thread that waits for the copy
            self._copy = error

    def _wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def copied(self) -> FileStat | None:
        """Copy the target into the file (or wait for the copy `start_copy` began); the
        target's stat, or None when the copy failed or the target changed meanwhile."""
        if not self._copied:
            self._copied = True
            self._copy_target()
        self._wait()
        if isinstance(self._copy, BaseException):
            raise self._copy
        if self._copy is None:
            return None
        before, after = self._copy
        return before if before == after else None

    def clear(self) -> None:
        """Make the file empty again, when a copy was made or started (it is finished first)."""
        if not self._copied:
            return
        self._wait()
        self._copied, self._copy = False, None
        Path(self.name).write_bytes(b"")

    def discard(self) -> None:
        """Delete the file (a copy started is finished first)."""
        self._wait()
        Path(self.name).unlink(missing_ok=True)
