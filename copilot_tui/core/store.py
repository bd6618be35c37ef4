"""The session store: sessions and their persisted events in one SQLite file.

A `SessionStore` owns one connection and must stay on the thread that opened it
(asyncio code uses `AsyncSessionStore`). Stores in several threads or processes may
share the file: WAL lets readers run during a write, and each write is one short
`BEGIN IMMEDIATE` transaction. `modified` moves when the conversation changes
(events, title) but not on `set_model`, `update_extra` or `mark_interrupted`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from copilot_tui.core import store_schema as schema
from copilot_tui.core.errors import SessionExistsError, SessionNotFoundError
from copilot_tui.core.events import (
    EVENT_CLASSES,
    PERSISTED_TYPES,
    AssistantMessageEvent,
    SessionEvent,
    event_from_payload,
)
from copilot_tui.core.metadata import SessionMetadata
from copilot_tui.core.store_search import SNIPPET_CLOSE as SNIPPET_CLOSE
from copilot_tui.core.store_search import SNIPPET_OPEN as SNIPPET_OPEN
from copilot_tui.core.store_search import SearchHit as SearchHit
from copilot_tui.core.store_search import search_messages

_from_unix = datetime.fromtimestamp  # (seconds, UTC): the fastest aware conversion

_SESSION_COLUMNS = "session_id, title, model, created, modified, message_count"
_LIST_SESSIONS = f"SELECT {_SESSION_COLUMNS} FROM sessions ORDER BY modified DESC LIMIT ? OFFSET ?"
_GET_SESSION = f"SELECT {_SESSION_COLUMNS}, system_message, extra FROM sessions WHERE session_id=?"
_INSERT_SESSION = """INSERT INTO sessions (session_id, title, model, system_message, created,
modified) VALUES (?, ?, ?, ?, ?, ?)"""
_TOUCH_SESSION = """UPDATE sessions SET modified = ?, message_count = message_count + ?
WHERE session_id = ?"""
_INSERT_EVENT = """INSERT INTO events (session_id, event_id, type, timestamp, status, text, data)
VALUES (?, ?, ?, ?, ?, ?, ?)"""
_UPDATE_MESSAGE = """UPDATE events SET timestamp = ?, status = ?, text = ?, data = ?
WHERE event_id = ? AND session_id = ?"""
_LOAD_EVENTS = """SELECT seq, event_id, type, timestamp, data FROM events WHERE session_id = ?
ORDER BY seq DESC LIMIT ?"""
_STREAMING = "SELECT seq, data FROM events WHERE session_id = ? AND status = 'streaming'"
_MARK_INTERRUPTED = "UPDATE events SET status = 'interrupted', data = ? WHERE seq = ?"
# Served by the partial index events_by_compare_id, whose expression it must repeat.
_COMPARE_RUN_SESSIONS = """SELECT session_id FROM events
WHERE type = 'user.message' AND json_extract(data, '$.compare_id') = ?
GROUP BY session_id ORDER BY min(seq)"""


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A session's metadata plus what only resuming it needs."""

    metadata: SessionMetadata
    system_message: str | None
    extra: dict[str, Any]


def _metadata(row: tuple[Any, ...]) -> SessionMetadata:
    return SessionMetadata(
        row[0], row[1], row[2], _from_unix(row[3], UTC), _from_unix(row[4], UTC), row[5]
    )


def _not_found(session_id: str) -> SessionNotFoundError:
    return SessionNotFoundError(f"no stored session has id {session_id!r}")


class SessionStore:
    """Sessions and events in the SQLite file at `path`; see the module docstring."""

    def __init__(self, path: Path) -> None:
        """Open the store, creating or migrating the file as needed.

        Raises:
            StoreError: the file cannot be created, opened or written, is not a
                SQLite database, or was written by a newer copilot-tui.
        """
        self.path = path
        self._db = schema.Database(path)

    def close(self) -> None:
        """Close the connection; calling it again does nothing."""
        self._db.close()

    def _update_session(self, session_id: str, sql: str, *parameters: Any) -> None:
        values = schema.storable_row((*parameters, session_id))
        with self._db.write() as connection:
            if connection.execute(sql, values).rowcount == 0:
                raise _not_found(session_id)

    @staticmethod
    def _touch(connection: sqlite3.Connection, session_id: str, new_messages: int) -> None:
        cursor = connection.execute(_TOUCH_SESSION, (time.time(), new_messages, session_id))
        if cursor.rowcount == 0:
            raise _not_found(session_id)

    @staticmethod
    def _insert_event(connection: sqlite3.Connection, event: SessionEvent) -> None:
        try:
            connection.execute(_INSERT_EVENT, schema.event_row(event))
        except sqlite3.IntegrityError:
            raise ValueError(f"an event with id {event.id!r} is already stored") from None

    def create_session(
        self,
        session_id: str,
        *,
        model: str,
        title: str = "",
        system_message: str | None = None,
        created: datetime | None = None,
    ) -> SessionMetadata:
        """Store a new empty session; `created` (default now) is also its `modified`.

        Raises:
            SessionExistsError: a session with that id is stored (it is left as is).
        """
        start = time.time() if created is None else schema.unix_seconds(created)
        row = (session_id, title, model, system_message, start, start)
        with self._db.write() as connection:
            try:
                connection.execute(_INSERT_SESSION, schema.storable_row(row))
            except sqlite3.IntegrityError:
                raise SessionExistsError(f"a session with id {session_id!r} exists") from None
        return _metadata((*row[:3], start, start, 0))

    def get_session(self, session_id: str) -> StoredSession | None:
        """The stored session with that id, or None."""
        rows = self._db.read(_GET_SESSION, (session_id,))
        if not rows:
            return None
        return StoredSession(_metadata(rows[0]), rows[0][6], json.loads(rows[0][7]))

    def list_sessions(self, *, limit: int | None = None, offset: int = 0) -> list[SessionMetadata]:
        """Sessions, most recently modified first; `limit`/`offset` page through them."""
        rows = self._db.read(_LIST_SESSIONS, (-1 if limit is None else limit, offset))
        return [
            SessionMetadata(a, b, c, _from_unix(d, UTC), _from_unix(e, UTC), f)
            for a, b, c, d, e, f in rows
        ]

    def count_sessions(self) -> int:
        return int(self._db.read("SELECT count(*) FROM sessions")[0][0])

    def last_session_id(self) -> str | None:
        """The most recently modified session's id, or None when there is none."""
        rows = self._db.read("SELECT session_id FROM sessions ORDER BY modified DESC LIMIT 1")
        return str(rows[0][0]) if rows else None

    def set_title(self, session_id: str, title: str) -> None:
        """Rename a session; counts as a modification. Raises SessionNotFoundError."""
        sql = "UPDATE sessions SET title = ?, modified = ? WHERE session_id = ?"
        self._update_session(session_id, sql, title, time.time())

    def set_model(self, session_id: str, model: str) -> None:
        """Change the model, leaving `modified` alone. Raises SessionNotFoundError."""
        self._update_session(session_id, "UPDATE sessions SET model=? WHERE session_id=?", model)

    def update_extra(self, session_id: str, **values: Any) -> None:
        """Merge `values` into the session's `extra` JSON (top-level keys are replaced).

        Raises:
            SessionNotFoundError: no such session.
            TypeError: a value is not JSON-serialisable (nothing is changed).
        """
        with self._db.write() as connection:
            sql = "SELECT extra FROM sessions WHERE session_id = ?"
            row = connection.execute(sql, (session_id,)).fetchone()
            if row is None:
                raise _not_found(session_id)
            extra = schema.json_text(json.loads(row[0]) | values)
            sql = "UPDATE sessions SET extra = ? WHERE session_id = ?"
            connection.execute(sql, (extra, session_id))

    def delete_session(self, session_id: str) -> bool:
        """Remove a session with its events and their search entries; False if absent."""
        with self._db.write() as connection:
            sql = "DELETE FROM sessions WHERE session_id = ?"
            return connection.execute(sql, (session_id,)).rowcount > 0

    def append_event(self, event: SessionEvent) -> None:
        """Store one event at the end of its session and bump the session's `modified`.

        An assistant.message goes through `upsert_message`, so writing the final
        version of a reply flushed while streaming replaces the partial row.

        Raises:
            ValueError: the type is not persisted, or the event id is already stored.
            SessionNotFoundError: the event's session is not stored.
        """
        if event.type not in PERSISTED_TYPES:
            raise ValueError(f"{event.type} events are not stored")
        if isinstance(event, AssistantMessageEvent):
            self.upsert_message(event)
            return
        with self._db.write() as connection:
            self._touch(connection, event.session_id, event.type in schema.MESSAGE_TYPES)
            self._insert_event(connection, event)

    def upsert_message(self, event: AssistantMessageEvent) -> None:
        """Insert a reply, or replace the text, status, payload and time of its row.

        Raises:
            SessionNotFoundError: the event's session is not stored.
            ValueError: the id is stored for another session.
        """
        row = schema.event_row(event)
        with self._db.write() as connection:
            updated = connection.execute(_UPDATE_MESSAGE, (*row[3:], event.id, event.session_id))
            self._touch(connection, event.session_id, updated.rowcount == 0)
            if updated.rowcount == 0:
                self._insert_event(connection, event)

    def load_events(self, session_id: str, *, last: int | None = None) -> list[SessionEvent]:
        """A session's events oldest first; with `last`, only the newest `last` of them."""
        if last is not None and last < 0:
            raise ValueError(f"last must be >= 0, not {last}")
        rows = self._db.read(_LOAD_EVENTS, (session_id, -1 if last is None else last))
        return [
            event_from_payload(
                kind,
                json.loads(data),
                session_id=session_id,
                event_id=event_id,
                timestamp=_from_unix(at, UTC),
            )
            for _, event_id, kind, at, data in reversed(rows)
            if kind in EVENT_CLASSES  # a newer copilot-tui may store types this one lacks
        ]

    def count_events(self, session_id: str) -> int:
        rows = self._db.read("SELECT count(*) FROM events WHERE session_id = ?", (session_id,))
        return int(rows[0][0])

    def mark_interrupted(self, session_id: str) -> int:
        """Mark the session's replies left "streaming" (by a crash) "interrupted".

        Returns:
            How many replies were marked.
        """
        with self._db.write() as connection:
            rows = connection.execute(_STREAMING, (session_id,)).fetchall()
            for seq, data in rows:
                payload = json.loads(data) | {"status": "interrupted"}
                connection.execute(_MARK_INTERRUPTED, (schema.json_text(payload), seq))
        return len(rows)

    def search(
        self, query: str, *, limit: int = 50, session_id: str | None = None
    ) -> list[SearchHit]:
        """Full-text search of message text, best match first.

        `query` is the user's text as typed: every word must occur (as a phrase
        if it holds punctuation, like `foo-bar`) and the last may be a prefix.
        Odd input never raises; a query without a searchable word gives []. When
        more than 10,000 messages match, only the newest 10,000 are ranked.
        """
        return search_messages(self._db, query, limit=limit, session_id=session_id)

    def compare_run_sessions(self, compare_id: str) -> list[str]:
        """The ids of the sessions holding a prompt of compare run `compare_id`.

        Returns:
            The ids in the order their prompts were stored; [] for an unknown run.
        """
        return [row[0] for row in self._db.read(_COMPARE_RUN_SESSIONS, (compare_id,))]
