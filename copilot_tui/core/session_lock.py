"""One process at a time per session: a lock file that dies with its process.

A client holds `<data dir>/locks/<hash of the id>.lock` (an exclusive `flock`) while it
has the session open, so a second copilot-tui process cannot stream into the same
session, nor mistake the first one's live reply for one cut off by a crash. The kernel
drops the lock when its process ends, even on SIGKILL, so nothing stale is left to
clean up. Clients of one process share the lock (counted): resuming a session twice in
one process keeps working. The file is named by a hash of the id because ids may hold
`:` and differ only in case, which some file systems cannot tell apart.

Windows has no `flock`: `msvcrt.locking` on the file's first byte does the same job
(the holder's pid is not readable there). A file system without locks (`ENOLCK`)
leaves sessions unprotected rather than unusable.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from copilot_tui.core.errors import StoreError, session_in_use_error

LOCKS_DIR = "locks"

if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except PermissionError:
            return False
        except OSError:  # no locking here: go on unprotected
            return True
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError:  # e.g. ENOLCK on a file system without locks: go on unprotected
            return True
        return True


class _Held:
    """One process-wide hold on a lock file: its descriptor and how many clients use it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.count = 1


_held: dict[Path, _Held] = {}  # process-wide, like the kernel's locks themselves
_guard = threading.Lock()


class SessionLock:
    """A client's hold on a session's lock; `release()` it when the session closes.

    `fresh` is True when no other client of this process held it already: only then is
    it certain that nothing is streaming into the session right now.
    """

    def __init__(self, path: Path, *, fresh: bool) -> None:
        self.path = path
        self.fresh = fresh
        self._released = False

    def release(self) -> None:
        """Give the hold back (the last one in the process unlocks); idempotent."""
        with _guard:
            if self._released:
                return
            self._released = True
            held = _held[self.path]
            held.count -= 1
            if held.count == 0:
                del _held[self.path]
                _unlock(self.path, held.fd)


def lock_file(data_dir: Path, session_id: str) -> Path:
    """Where the lock of `session_id` lives."""
    digest = hashlib.sha256(session_id.encode()).hexdigest()[:32]
    return data_dir / LOCKS_DIR / f"{digest}.lock"


def acquire_session_lock(data_dir: Path, session_id: str) -> SessionLock:
    """Lock `session_id` for this process, without waiting.

    Raises:
        SessionInUseError: another process has the session open.
        StoreError: the lock file cannot be created.
    """
    path = lock_file(data_dir, session_id)
    with _guard:
        held = _held.get(path)
        if held is not None:
            held.count += 1
            return SessionLock(path, fresh=False)
        with _store_errors(path):
            _held[path] = _Held(_lock(path, session_id))
    return SessionLock(path, fresh=True)


@contextlib.contextmanager
def locked_session(data_dir: Path, session_id: str) -> Iterator[SessionLock]:
    """`acquire_session_lock`, released again if the body raises (opening failed after all).

    On success the lock stays held: the caller hands it to the session it opens.
    """
    lock = acquire_session_lock(data_dir, session_id)
    try:
        yield lock
    except BaseException:
        lock.release()
        raise


def _lock(path: Path, session_id: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _try_lock(fd):
            pid = _holder_pid(fd)
            os.close(fd)
            raise session_in_use_error(session_id, pid)
        if _still_named(fd, path):
            _write_text(fd, f"{os.getpid()}\n{session_id}\n")
            return fd
        os.close(fd)  # its holder unlinked it while we opened it: take the new file


def _unlock(path: Path, fd: int) -> None:
    # Unlinked while still locked, so whoever opens the path next makes a fresh file
    # and whoever opened the old one sees (in `_still_named`) that it is gone.
    with contextlib.suppress(OSError):  # Windows cannot unlink an open file
        path.unlink()
    os.close(fd)


def _still_named(fd: int, path: Path) -> bool:
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _write_text(fd: int, text: str) -> None:
    with contextlib.suppress(OSError):  # the pid is a courtesy; the lock is what counts
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, text.encode())


def _holder_pid(fd: int) -> int | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        first_line = os.read(fd, 64).split(b"\n", 1)[0]
    except OSError:
        return None
    return int(first_line) if first_line.isdigit() else None


@contextlib.contextmanager
def _store_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        raise StoreError(
            f"cannot create the session lock {path} ({reason}); "
            "check that the data directory is writable"
        ) from None
