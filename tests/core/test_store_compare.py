"""Finding a compare run's sessions: the store lookup, its index and migration, the client."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from copilot_tui.core import CopilotClient, SessionNotFoundError
from copilot_tui.core import store_migrations as migrations
from copilot_tui.core import store_schema as schema
from copilot_tui.core.compare import broadcast, compare_entry
from copilot_tui.core.events import AssistantMessageEvent, UserMessageEvent
from copilot_tui.core.store import _COMPARE_RUN_SESSIONS, SessionStore
from tests.helpers import wait_for


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    opened = SessionStore(tmp_path / "sessions.db")
    yield opened
    opened.close()


def ask(store: SessionStore, session_id: str, compare_id: str | None) -> None:
    asked = UserMessageEvent(session_id=session_id, content="q", compare_id=compare_id)
    store.append_event(asked)
    # The run id in a reply's text must not make the reply count as a prompt.
    answer_id = f"r-{asked.id}"
    answer = AssistantMessageEvent(
        session_id=session_id,
        message_id=answer_id,
        id=answer_id,
        reply_to=asked.id,
        model="m",
        content=str(compare_id),
    )
    store.append_event(answer)


def test_lookup_gives_the_runs_sessions_in_the_order_of_their_prompts(store: SessionStore) -> None:
    for sid in ("s1", "s2", "s3", "s4", "s5"):
        store.create_session(sid, model="m")
    ask(store, "s3", "run-a")
    ask(store, "s1", "run-b")
    ask(store, "s1", "run-a")
    ask(store, "s4", None)
    ask(store, "s2", "run-a")
    ask(store, "s3", "run-a")  # a second prompt of the run does not repeat the session
    ask(store, "s5", "run-b")
    assert store.compare_run_sessions("run-a") == ["s3", "s1", "s2"]
    assert store.compare_run_sessions("run-b") == ["s1", "s5"]
    assert store.compare_run_sessions("run-c") == []
    assert store.compare_run_sessions("") == []
    store.delete_session("s1")
    assert store.compare_run_sessions("run-a") == ["s3", "s2"]


def test_lookup_uses_the_compare_id_index(store: SessionStore) -> None:
    plan = store._db.read(f"EXPLAIN QUERY PLAN {_COMPARE_RUN_SESSIONS}", ("run",))
    assert any("USING INDEX events_by_compare_id" in row[-1] for row in plan), plan


def test_a_version_1_file_is_migrated_and_its_runs_are_found(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        migrations.MIGRATIONS[0](connection)  # the version 1 schema, as an old release made it
        connection.execute("PRAGMA user_version = 1")
        for sid in ("x", "y"):
            connection.execute(
                "INSERT INTO sessions (session_id, model, created, modified) VALUES (?, 'm', 0, 0)",
                (sid,),
            )
            prompt = UserMessageEvent(session_id=sid, content="q", compare_id="old-run")
            connection.execute(
                "INSERT INTO events (session_id, event_id, type, timestamp, status, text, data) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                schema.event_row(prompt),
            )
    connection.close()
    store = SessionStore(path)
    try:
        assert store._db.read("PRAGMA user_version")[0][0] == migrations.SCHEMA_VERSION == 3
        indexes = store._db.read("SELECT name FROM sqlite_master WHERE type = 'index'")
        assert ("events_by_compare_id",) in indexes
        assert store.compare_run_sessions("old-run") == ["x", "y"]
    finally:
        store.close()


async def test_client_compare_run_reads_every_session_of_the_run(client: CopilotClient) -> None:
    sessions = [await client.create_session(model=m) for m in ("model-a", "model-b", "model-c")]
    other = await client.create_session(model="model-a")
    await other.send_and_wait("not part of it")
    run = await broadcast(sessions, "compare me")
    await broadcast(sessions[:1], "another run")
    await wait_for(lambda: not any(s.is_busy for s in sessions), timeout=10)
    records = await client.compare_run(run)
    assert [r.metadata.session_id for r in records] == [s.session_id for s in sessions]
    for record, session in zip(records, sessions, strict=True):
        assert record.events == list(session.get_events())
        entry = compare_entry(record.metadata.session_id, record.metadata.model, record.events, run)
        assert entry.reply is not None
        assert entry.reply.status == "complete"
        assert entry.model == session.model
    for session in sessions:
        await session.disconnect()
    stored = await client.compare_run(run)  # now read from the store alone
    assert [r.events for r in stored] == [r.events for r in records]


async def test_client_compare_run_of_an_unknown_id_says_so(client: CopilotClient) -> None:
    session = await client.create_session()
    await session.send_and_wait("no run")
    with pytest.raises(SessionNotFoundError, match=r"^no compare run 'nope'; [^\n]+$"):
        await client.compare_run("nope")
