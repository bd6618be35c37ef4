"""Tests of the store used from several threads: the asyncio wrapper and concurrent writers."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from copilot_tui.core.async_store import AsyncSessionStore
from copilot_tui.core.errors import SessionNotFoundError, StoreError
from copilot_tui.core.events import UserMessageEvent
from copilot_tui.core.store import SessionStore


async def test_operations_run_on_one_worker_thread_off_the_loop(tmp_path: Path) -> None:
    store = await AsyncSessionStore.open(tmp_path / "sessions.db")
    assert store.path == tmp_path / "sessions.db"
    threads = await asyncio.gather(*(store.run(lambda s: threading.get_ident()) for _ in range(20)))
    assert len(set(threads)) == 1
    assert threads[0] != threading.get_ident()
    await store.run(lambda s: s.create_session("s1", model="gpt"))
    assert [m.session_id for m in await store.run(lambda s: s.list_sessions())] == ["s1"]
    await store.close()


async def test_errors_propagate_and_the_store_keeps_working(tmp_path: Path) -> None:
    store = await AsyncSessionStore.open(tmp_path / "sessions.db")
    with pytest.raises(SessionNotFoundError):
        await store.run(lambda s: s.set_title("missing", "x"))
    with pytest.raises(ZeroDivisionError):
        await store.run(lambda s: 1 / 0)
    assert await store.run(lambda s: s.count_sessions()) == 0
    await store.close()


async def test_close_is_idempotent_and_later_calls_fail(tmp_path: Path) -> None:
    store = await AsyncSessionStore.open(tmp_path / "sessions.db")
    inner: list[SessionStore] = []
    await store.run(inner.append)
    await store.close()
    await store.close()
    with pytest.raises(StoreError, match="closed"):
        await store.run(lambda s: s.count_sessions())
    with pytest.raises(StoreError, match="closed"):
        inner[0].count_sessions()  # the connection itself was closed too


async def test_open_failure_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "sessions.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="not a SQLite database"):
        await AsyncSessionStore.open(tmp_path / "sessions.db")


def test_two_connections_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    errors: list[BaseException] = []
    start = threading.Barrier(2, timeout=30)

    def writer(name: str) -> None:
        try:
            own = SessionStore(path)  # both race through creating and migrating the file
            start.wait()
            for n in range(30):
                own.create_session(f"{name}-{n}", model="gpt")
                for k in range(5):
                    own.append_event(
                        UserMessageEvent(session_id=f"{name}-{n}", content=f"note {k}")
                    )
            own.close()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
            start.abort()

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check = SessionStore(path)
    assert (check.count_sessions(), len(check.search("note", limit=1000))) == (60, 300)
    assert {m.message_count for m in check.list_sessions()} == {5}
    assert check._db.read("PRAGMA integrity_check") == [("ok",)]
    check._db.read("INSERT INTO events_fts (events_fts) VALUES ('integrity-check')")
    check.close()


def test_many_stores_opening_a_new_file_at_once_all_succeed(tmp_path: Path) -> None:
    for attempt in range(30):
        path = tmp_path / f"fresh-{attempt}.db"
        errors: list[BaseException] = []

        def open_and_close(path: Path = path, errors: list[BaseException] = errors) -> None:
            try:
                SessionStore(path).close()
            except BaseException as error:  # reported by the main thread
                errors.append(error)

        threads = [threading.Thread(target=open_and_close) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
