"""Tests of the SQLite session store: sessions, events, search and the file itself."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot_tui.core import events as ev
from copilot_tui.core.errors import SessionExistsError, SessionNotFoundError, StoreError
from copilot_tui.core.events import AssistantMessageEvent as Reply
from copilot_tui.core.events import UserMessageEvent
from copilot_tui.core.store import SessionStore
from copilot_tui.core.store_migrations import MIGRATIONS, SCHEMA_VERSION
from copilot_tui.core.store_schema import event_row

REPLY = partial(Reply, reply_to="u", model="g")
T0 = datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    opened = SessionStore(tmp_path / "data" / "sessions.db")
    yield opened
    opened.close()


def user(session_id: str, content: str, **fields: object) -> UserMessageEvent:
    return UserMessageEvent(session_id=session_id, content=content, **fields)  # type: ignore[arg-type]


def reply(sid: str, text: str, m: str = "m1", status: ev.MessageStatus = "complete") -> Reply:
    return REPLY(session_id=sid, id=m, message_id=m, content=text, status=status)


def pragma(store: SessionStore, name: str) -> object:
    return store._db.read(f"PRAGMA {name}")[0][0]


def test_new_store_is_private_wal_configured_and_empty(store: SessionStore) -> None:
    modes = [stat.S_IMODE(p.stat().st_mode) for p in (store.path.parent, store.path)]
    assert modes == [0o700, 0o600]
    assert (pragma(store, "journal_mode"), pragma(store, "synchronous")) == ("wal", 1)
    assert (pragma(store, "foreign_keys"), pragma(store, "busy_timeout")) == (1, 5000)
    assert pragma(store, "user_version") == SCHEMA_VERSION >= 1
    assert (store.list_sessions(), store.count_sessions(), store.last_session_id()) == ([], 0, None)


def test_create_and_get_session(store: SessionStore) -> None:
    created = store.create_session("s1", model="g", title="Hi", system_message="Terse", created=T0)
    stored = store.get_session("s1")
    assert stored is not None
    assert (stored.metadata, stored.system_message, stored.extra) == (created, "Terse", {})
    assert (created.session_id, created.title, created.model) == ("s1", "Hi", "g")
    assert (created.start_time, created.modified_time, created.message_count) == (T0, T0, 0)
    with pytest.raises(SessionExistsError):
        store.create_session("s1", model="other", title="second")
    assert store.list_sessions() == [created]  # the duplicate changed nothing


def test_list_orders_by_modified_and_pages(store: SessionStore) -> None:
    for n in range(3):
        store.create_session(f"s{n}", model="gpt", created=T0 + timedelta(hours=n))
    assert [m.session_id for m in store.list_sessions()] == ["s2", "s1", "s0"]
    store.append_event(user("s0", "bump"))
    assert [m.session_id for m in store.list_sessions()] == ["s0", "s2", "s1"]
    assert [m.session_id for m in store.list_sessions(limit=1, offset=1)] == ["s2"]
    assert (store.last_session_id(), store.count_sessions()) == ("s0", 3)


def test_title_bumps_modified_but_model_and_extra_do_not(store: SessionStore) -> None:
    store.create_session("s1", model="gpt", created=T0)
    store.set_model("s1", "claude")
    store.update_extra("s1", draft="hello", pinned=True)
    store.update_extra("s1", pinned=False)
    [listed] = store.list_sessions()
    assert (listed.modified_time, listed.model) == (T0, "claude")
    store.set_title("s1", "Renamed")
    [renamed] = store.list_sessions()
    assert (renamed.title, renamed.modified_time > T0) == ("Renamed", True)
    with pytest.raises(TypeError):
        store.update_extra("s1", draft="changed", bad=object())
    assert store.get_session("s1").extra == {"draft": "hello", "pinned": False}  # type: ignore[union-attr]


Update = Callable[[SessionStore], object]
MISSING_SESSION_UPDATES: list[Update] = [
    lambda s: s.set_title("nope", "t"),
    lambda s: s.set_model("nope", "m"),
    lambda s: s.update_extra("nope", a=1),
    lambda s: s.append_event(user("nope", "hi")),
    lambda s: s.upsert_message(reply("nope", "hi")),
]


@pytest.mark.parametrize("update", MISSING_SESSION_UPDATES)
def test_updates_of_a_missing_session_raise(store: SessionStore, update: Update) -> None:
    with pytest.raises(SessionNotFoundError):
        update(store)


EVENTS: list[ev.SessionEvent] = [
    user("s1", "hello", timestamp=T0),
    reply("s1", "hi there", status="aborted"),
    ev.AssistantUsageEvent(
        session_id="s1", message_id="m", model="g", input_tokens=3, output_tokens=5
    ),
    ev.SessionErrorEvent(session_id="s1", error_type="rate_limit", message="slow", status_code=429),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: str(e.type))
def test_each_persisted_type_round_trips(store: SessionStore, event: ev.SessionEvent) -> None:
    store.create_session("s1", model="gpt")
    store.append_event(event)
    [loaded] = store.load_events("s1")
    assert (loaded, type(loaded), store.count_events("s1")) == (event, type(event), 1)
    assert loaded.timestamp.utcoffset() == timedelta(0)


def test_events_load_in_order_and_bad_ones_are_refused(store: SessionStore) -> None:
    store.create_session("s1", model="gpt")
    events = [user("s1", f"message {n}") for n in range(5)]
    for event in events:
        store.append_event(event)
    assert (store.load_events("s1"), store.load_events("s1", last=2)) == (events, events[-2:])
    assert (store.load_events("s1", last=0), store.load_events("s1", last=9)) == ([], events)
    with pytest.raises(ValueError, match="last"):
        store.load_events("s1", last=-1)
    with pytest.raises(ValueError, match="not stored"):
        store.append_event(ev.SessionIdleEvent(session_id="s1"))
    with pytest.raises(ValueError, match="already stored"):
        store.append_event(events[0])
    assert store.count_events("s1") == 5


def test_message_count_counts_each_message_once(store: SessionStore) -> None:
    store.create_session("s1", model="gpt")
    store.append_event(user("s1", "question"))
    for text in ("", "partial", "partial answer"):
        store.upsert_message(reply("s1", text, status="streaming"))
    store.append_event(reply("s1", "final answer"))  # replaces the streamed row
    store.append_event(EVENTS[2])
    [listed] = store.list_sessions()
    assert (listed.message_count, store.count_events("s1")) == (2, 3)


def test_upsert_replaces_in_place_and_search_follows(store: SessionStore) -> None:
    store.create_session("s1", model="gpt")
    store.upsert_message(reply("s1", "draft wombat", status="streaming"))
    store.append_event(user("s1", "queued while streaming"))
    final = reply("s1", "finished kangaroo")
    store.upsert_message(final)
    assert (store.load_events("s1")[0], store.count_events("s1")) == (final, 2)
    assert store.search("wombat") == []
    assert [h.event_id for h in store.search("kangaroo")] == ["m1"]


def fts_rows(store: SessionStore) -> int:
    return len(store._db.read("SELECT rowid FROM events_fts_docsize"))


def test_a_streaming_reply_enters_the_index_only_when_it_ends(store: SessionStore) -> None:
    store.create_session("s1", model="gpt")
    for text in ("wombat", "wombat kangaroo"):  # partial saves: not indexed, not searchable
        store.upsert_message(reply("s1", text, status="streaming"))
    assert (store.search("wombat"), fts_rows(store)) == ([], 0)
    store.upsert_message(reply("s1", "wombat kangaroo emu"))
    assert [h.event_id for h in store.search("emu")] == ["m1"]
    assert fts_rows(store) == 1
    store.upsert_message(reply("s1", "crashed echidna", "m2", status="streaming"))
    store.mark_interrupted("s1")  # a crash's leftover is indexed once it is marked
    assert [h.event_id for h in store.search("echidna")] == ["m2"]
    assert store.delete_session("s1")
    assert fts_rows(store) == 0


def test_version_2_files_drop_streaming_rows_from_the_index(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    with sqlite3.connect(path) as connection:
        for migration in MIGRATIONS[:2]:
            migration(connection)
        connection.execute("PRAGMA user_version = 2")
        connection.execute("INSERT INTO sessions (session_id, model, created, modified) "
                           "VALUES ('s1', 'm', 0, 0)")  # fmt: skip
        for event in (user("s1", "wombat"), reply("s1", "kangaroo", status="streaming")):
            connection.execute(
                "INSERT INTO events (session_id, event_id, type, timestamp, status, text, data)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                event_row(event),
            )
    connection.close()
    store = SessionStore(path)
    try:
        assert (fts_rows(store), store.search("kangaroo")) == (1, [])
        assert [h.event_id for h in store.search("wombat")] != []
        store.upsert_message(reply("s1", "kangaroo done"))
        assert [h.event_id for h in store.search("kangaroo")] == ["m1"]
    finally:
        store.close()


def test_mark_interrupted_only_touches_streaming_replies(store: SessionStore) -> None:
    store.create_session("s1", model="gpt")
    store.upsert_message(reply("s1", "half", "a", status="streaming"))
    store.upsert_message(reply("s1", "done", "b"))
    assert store.mark_interrupted("s1") == 1
    statuses = [getattr(e, "status", None) for e in store.load_events("s1")]
    assert (statuses, store.mark_interrupted("s1")) == (["interrupted", "complete"], 0)


def test_delete_removes_session_events_and_search_rows(store: SessionStore) -> None:
    for sid in ("s1", "s2"):
        store.create_session(sid, model="gpt")
        store.append_event(user(sid, f"platypus in {sid}"))
    assert (store.delete_session("s1"), store.delete_session("s1")) == (True, False)
    assert (store.get_session("s1"), store.load_events("s1")) == (None, [])
    assert [h.session_id for h in store.search("platypus")] == ["s2"]
    assert (
        len(store._db.read("SELECT rowid FROM events_fts WHERE events_fts MATCH 'platypus'")) == 1
    )


def test_odd_text_round_trips_exactly(store: SessionStore) -> None:
    text = 'nul\x00byte \x1b[31mred\x1b[0m \\u0000 "quoted" \r\n\ttab \ud800 lone é 🙂'
    store.create_session("s\x00'\"", model="gpt", title=text)
    event = user("s\x00'\"", text)
    store.append_event(event)
    assert store.load_events("s\x00'\"") == [event]
    [listed] = store.list_sessions()
    assert listed.title == text.replace("\ud800", "?")  # SQLite text must be valid UTF-8
    assert [h.event_id for h in store.search("byte quoted tab lone")] == [event.id]


def test_search_ranks_marks_filters_and_prefixes(store: SessionStore) -> None:
    for sid in ("s1", "s2"):
        store.create_session(sid, model="gpt", title=f"title {sid}")
    store.append_event(user("s1", "one echidna among many other words here", id="weak"))
    store.append_event(user("s2", "echidna echidna echidna", id="strong", timestamp=T0))
    hits = store.search("echidna")
    assert [h.event_id for h in hits] == ["strong", "weak"]
    assert (hits[0].title, hits[0].session_id, hits[0].timestamp) == ("title s2", "s2", T0)
    assert "«echidna»" in hits[0].snippet
    assert [h.event_id for h in store.search("echidna", session_id="s1")] == ["weak"]
    assert [h.event_id for h in store.search("ECHID")] == ["strong", "weak"]
    assert [h.event_id for h in store.search("many echid")] == ["weak"]
    assert (len(store.search("echidna", limit=1)), store.search("  ")) == (1, [])


HOSTILE = ['"', "AND", "*", "(", ")", "a OR", "NEAR(x", "text:", "-x", "^", "\x00", "\ud800", "🙂"]


def test_hostile_queries_do_not_raise(store: SessionStore) -> None:
    store.create_session("s1", model="gpt")
    store.append_event(user("s1", "AND OR NEAR text"))
    assert all(isinstance(store.search(q, session_id=s), list) for q in HOSTILE for s in (None, q))


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(), session_id=st.none() | st.text())
def test_any_query_never_raises(store: SessionStore, query: str, session_id: str | None) -> None:
    if store.count_sessions() == 0:
        store.create_session("s1", model="gpt")
        store.append_event(user("s1", "some words to match, with AND and NEAR"))
    assert isinstance(store.search(query, session_id=session_id), list)


def test_reopen_keeps_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")  # a naive datetime is UTC, not local time
    time.tzset()
    try:
        first = SessionStore(tmp_path / "sessions.db")
        first.create_session("s1", model="gpt", created=datetime(2024, 1, 1, 8, 30))
        first.append_event(event := user("s1", "remember me"))
        first.close()
        first.close()
        with pytest.raises(StoreError, match="closed"):
            first.count_sessions()
        again = SessionStore(tmp_path / "sessions.db")
        assert again.list_sessions()[0].start_time == datetime(2024, 1, 1, 8, 30, tzinfo=UTC)
        assert again.load_events("s1") == [event]
        again.close()
    finally:
        monkeypatch.undo()
        time.tzset()


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match=rf"newer copilot-tui \(schema {SCHEMA_VERSION + 1}\)"):
        SessionStore(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert connection.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    path.write_bytes(b"this is a text file, not SQLite\n" * 100)
    with pytest.raises(StoreError, match="not a SQLite database") as raised:
        SessionStore(path)
    assert (str(path) in str(raised.value), "\n" in str(raised.value)) == (True, False)
    assert (raised.value.__cause__, raised.value.__suppress_context__) == (None, True)  # no sqlite3


def test_unwritable_places_are_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    # Nobody, not even root, can create anything under a regular file; root ignores modes.
    places = [tmp_path / "file" / "data"] + ([] if os.access(locked, os.W_OK) else [locked])
    for place in places:
        with pytest.raises(StoreError, match=re.escape(str(place / "sessions.db"))):
            SessionStore(place / "sessions.db")


def test_a_read_only_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    SessionStore(path).close()
    path.chmod(0o400)
    if os.access(path, os.W_OK):  # root ignores modes: make the WAL file impossible instead
        (tmp_path / "sessions.db-wal").mkdir()
    with pytest.raises(StoreError, match=str(path)):
        SessionStore(path)


def test_a_full_disk_is_reported_and_rolled_back(store: SessionStore) -> None:
    store.create_session("s1", model="gpt")
    store._db.read(f"PRAGMA max_page_count = {pragma(store, 'page_count')}")  # SQLITE_FULL past it
    with pytest.raises(StoreError, match="disk is full"):
        store.append_event(user("s1", "x" * 200_000))
    assert store.count_events("s1") == 0  # rolled back
