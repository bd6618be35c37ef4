"""The schema of the session database and its migrations.

The schema version lives in `PRAGMA user_version`. `MIGRATIONS[i]` upgrades a
database from version `i` to `i + 1`, so version 1 is the initial schema and a new
feature appends a function instead of editing an old one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

_SCHEMA_V1 = """
CREATE TABLE sessions (
    session_id     TEXT PRIMARY KEY NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    model          TEXT NOT NULL,
    system_message TEXT,
    created        REAL NOT NULL,
    modified       REAL NOT NULL,
    message_count  INTEGER NOT NULL DEFAULT 0,
    extra          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX sessions_by_modified ON sessions (modified DESC);
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    timestamp  REAL NOT NULL,
    status     TEXT,  -- assistant.message only; mirrors data's "status"
    text       TEXT,  -- user.message / assistant.message content, for search
    data       TEXT NOT NULL
);
CREATE INDEX events_by_session ON events (session_id, seq);
-- session_id is indexed too so a search within one session only ranks its rows;
-- prefix indexes keep the short prefixes typed while searching from merging
-- thousands of terms.
CREATE VIRTUAL TABLE events_fts USING fts5 (
    text, session_id, content = 'events', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER events_fts_insert AFTER INSERT ON events WHEN new.text IS NOT NULL BEGIN
    INSERT INTO events_fts (rowid, text, session_id) VALUES (new.seq, new.text, new.session_id);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events WHEN old.text IS NOT NULL BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, session_id)
        VALUES ('delete', old.seq, old.text, old.session_id);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF text ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, session_id)
        SELECT 'delete', old.seq, old.text, old.session_id WHERE old.text IS NOT NULL;
    INSERT INTO events_fts (rowid, text, session_id)
        SELECT new.seq, new.text, new.session_id WHERE new.text IS NOT NULL;
END;
"""


def _execute_script(connection: sqlite3.Connection, script: str) -> None:
    # Statement by statement: `executescript` would commit the open transaction.
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            connection.execute(statement)
            statement = ""


def _create_initial_schema(connection: sqlite3.Connection) -> None:
    _execute_script(connection, _SCHEMA_V1)


def _index_compare_ids(connection: sqlite3.Connection) -> None:
    # Version 2: finding a compare run's sessions scanned every event (~90 ms at 100k);
    # this index holds only the prompts that belong to a run.
    connection.execute(
        """CREATE INDEX events_by_compare_id ON events (json_extract(data, '$.compare_id'))
        WHERE type = 'user.message' AND json_extract(data, '$.compare_id') IS NOT NULL"""
    )


# Version 3: a streaming reply is saved every flush_interval, and re-indexing its whole
# growing text on each save made the store's thread busy a third of the time with eight
# replies streaming. Only finished text (and prompts) is indexed now; a reply enters the
# index when it ends, or when a crash's leftover is marked interrupted.
_INDEXED = "{row}.text IS NOT NULL AND {row}.status IS NOT 'streaming'"
_FINISHED_TEXT_TRIGGERS = f"""
DROP TRIGGER events_fts_insert;
DROP TRIGGER events_fts_delete;
DROP TRIGGER events_fts_update;
CREATE TRIGGER events_fts_insert AFTER INSERT ON events WHEN {_INDEXED.format(row="new")} BEGIN
    INSERT INTO events_fts (rowid, text, session_id) VALUES (new.seq, new.text, new.session_id);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events WHEN {_INDEXED.format(row="old")} BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, session_id)
        VALUES ('delete', old.seq, old.text, old.session_id);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF text, status ON events BEGIN
    INSERT INTO events_fts (events_fts, rowid, text, session_id)
        SELECT 'delete', old.seq, old.text, old.session_id WHERE {_INDEXED.format(row="old")};
    INSERT INTO events_fts (rowid, text, session_id)
        SELECT new.seq, new.text, new.session_id WHERE {_INDEXED.format(row="new")};
END;
INSERT INTO events_fts (events_fts, rowid, text, session_id)
    SELECT 'delete', seq, text, session_id FROM events
    WHERE status = 'streaming' AND text IS NOT NULL;
"""


def _index_finished_text_only(connection: sqlite3.Connection) -> None:
    _execute_script(connection, _FINISHED_TEXT_TRIGGERS)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _create_initial_schema,
    _index_compare_ids,
    _index_finished_text_only,
]
SCHEMA_VERSION = len(MIGRATIONS)
