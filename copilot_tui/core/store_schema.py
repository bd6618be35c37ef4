"""The session database file: connection setup, migration runs and value encodings.

The schema and its migrations are in `store_migrations`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from copilot_tui.core.errors import StoreError
from copilot_tui.core.events import AssistantMessageEvent, EventType, SessionEvent, event_payload
from copilot_tui.core.store_migrations import MIGRATIONS, SCHEMA_VERSION

_BUSY_TIMEOUT_S = 5.0
_PRAGMAS = (
    "foreign_keys = ON",
    "synchronous = NORMAL",
    # Checkpoint every ~16 MB of WAL rather than 4 MB: a checkpoint stalls the write
    # that triggers it for 10-40 ms, and one indexed message writes ~10 pages.
    "wal_autocheckpoint = 4000",
)

# Pattern in a sqlite3/OS error message -> what the user should do about it.
_ADVICE = (
    ("not a database", "is not a SQLite database; move it aside and restart"),
    ("not a directory|file exists", "cannot be created: a parent path is not a directory"),
    ("read-?only", "is read-only; make the file and its directory writable"),
    ("unable to open", "cannot be opened; check that its directory exists and is writable"),
    ("permission denied", "cannot be opened; check the permissions of it and its directory"),
    ("disk is full|no space", "cannot be written because the disk is full; free some space"),
    ("disk i/o", "cannot be written (disk I/O error); check the disk and its free space"),
    ("locked", "is locked by another copilot-tui process; retry in a moment"),
    ("malformed", "is corrupted; move it aside and restart"),
)


def describe_error(path: Path, error: BaseException) -> StoreError:
    """A one-line `StoreError` naming the file and what to do about `error`."""
    text = str(error).lower()
    for pattern, advice in _ADVICE:
        if re.search(pattern, text):
            return StoreError(f"session store {path} {advice}")
    return StoreError(f"session store {path} failed ({error}); check the file and its directory")


@contextlib.contextmanager
def translated_errors(path: Path) -> Iterator[None]:
    """Re-raise sqlite3 and OS errors as `StoreError` without the raw traceback chain.

    ProgrammingError (a closed or cross-thread connection) is a bug, so it passes.
    """
    try:
        yield
    except sqlite3.ProgrammingError:
        raise
    except (sqlite3.Error, OSError) as error:
        raise describe_error(path, error) from None


def _create_private_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        # An empty file is a valid empty database; SQLite gives -wal/-shm its mode.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _check_version(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"session store {path} was written by a newer copilot-tui "
            f"(schema {version}); upgrade copilot-tui"
        )


def _enable_wal(connection: sqlite3.Connection) -> None:
    """Switch to WAL, retrying while another connection converts a new file.

    That switch fails at once with "database is locked"; busy_timeout does not apply.
    """
    deadline = time.monotonic() + _BUSY_TIMEOUT_S
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL").fetchall()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(0.01)


class Database:
    """One connection to the store file with short read and write helpers."""

    def __init__(self, path: Path) -> None:
        """Open, configure and migrate the file; raises StoreError."""
        self.path = path
        with translated_errors(path):
            _create_private_file(path)
            self._connection: sqlite3.Connection | None = sqlite3.connect(
                path, isolation_level=None
            )
        try:
            self._setup()
        except BaseException:
            self.close()
            raise

    def _setup(self) -> None:
        self.read(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
        # A newer file is refused before anything, even its journal mode, is written.
        _check_version(self.path, self.read("PRAGMA user_version")[0][0])
        with translated_errors(self.path):
            _enable_wal(self._open_connection())
        for pragma in _PRAGMAS:
            self.read(f"PRAGMA {pragma}")
        # Checked again under the write lock, so concurrent openers migrate in turn.
        with self.write() as connection:  # also proves early that the file is writable
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            _check_version(self.path, version)
            for migration in MIGRATIONS[version:]:
                migration(connection)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        """Close the connection; calling it again does nothing."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def _open_connection(self) -> sqlite3.Connection:
        if self._connection is None:
            raise StoreError(f"session store {self.path} is closed")
        return self._connection

    def read(self, sql: str, parameters: tuple[Any, ...] | dict[str, Any] = ()) -> list[Any]:
        """All rows of one statement, run outside any explicit transaction."""
        connection = self._open_connection()
        with translated_errors(self.path):
            return connection.execute(sql, parameters).fetchall()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short BEGIN IMMEDIATE transaction, rolled back if the body raises."""
        connection = self._open_connection()
        with translated_errors(self.path):
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                connection.execute("COMMIT")
            finally:
                if connection.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        connection.execute("ROLLBACK")


# -- how values are stored in columns ---------------------------------------------


def unix_seconds(moment: datetime) -> float:
    """The REAL stored for a datetime; a naive one is taken to be UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def storable_text(text: str) -> str:
    """`text` with lone surrogates (which SQLite cannot hold as UTF-8) replaced by '?'."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return text.encode(errors="replace").decode()
    return text


def storable_row(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """`values` with `storable_text` applied to the strings (e.g. model-written titles)."""
    return tuple(storable_text(v) if isinstance(v, str) else v for v in values)


def json_text(value: Any) -> str:
    """Compact JSON for a TEXT column, exact for any Python string."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode()
    except UnicodeEncodeError:  # lone surrogates round-trip only as \\u escapes
        return json.dumps(value, separators=(",", ":"))
    return text


# The event types whose content is searchable text.
MESSAGE_TYPES = frozenset({EventType.USER_MESSAGE, EventType.ASSISTANT_MESSAGE})


def event_row(event: SessionEvent) -> tuple[Any, ...]:
    """Values for (session_id, event_id, type, timestamp, status, text, data)."""
    text = getattr(event, "content", None) if event.type in MESSAGE_TYPES else None
    status = event.status if isinstance(event, AssistantMessageEvent) else None
    return (
        event.session_id,
        event.id,
        str(event.type),
        unix_seconds(event.timestamp),
        status,
        None if text is None else storable_text(text),
        json_text(event_payload(event)),
    )
