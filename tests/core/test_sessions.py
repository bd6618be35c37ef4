"""Session lifecycle on the client: create, resume, list, rename, delete, persistence."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from copilot_tui.core import (
    CopilotClient,
    InvalidArgumentError,
    SessionClosedError,
    SessionNotFoundError,
)
from copilot_tui.core.config import Config, ProviderConfig
from copilot_tui.core.demo_replies import DEMO_NOTICE
from copilot_tui.core.demo_server import DemoServer
from copilot_tui.core.events import AssistantMessageEvent, UserMessageEvent
from copilot_tui.core.store import SessionStore
from tests.conftest import ConfigFactory
from tests.helpers import last_reply, of_type


async def test_history_survives_a_new_client(
    make_config: ConfigFactory, server: DemoServer
) -> None:
    config = make_config()
    async with CopilotClient(config, environ={}) as first:
        session = await first.create_session(
            session_id="keep-me", model="m1", system_message="You are kind."
        )
        reply = await session.send_and_wait("remember the number 42")
    async with CopilotClient(config, environ={}) as second:
        resumed = await second.resume_session("keep-me")
        assert (resumed.model, resumed.title, resumed.system_message) == (
            "m1",
            "remember the number 42",
            "You are kind.",
        )
        types = [e.type for e in resumed.get_events()]
        assert types == ["user.message", "assistant.message", "assistant.usage"]
        assert reply is not None
        assert of_type(resumed.get_events(), AssistantMessageEvent)[0].content == reply.content
        await resumed.send_and_wait("what number?")
    follow_up = server.requests[-1].body
    assert [m["role"] for m in follow_up["messages"]] == ["system", "user", "assistant", "user"]
    assert follow_up["messages"][2]["content"] == reply.content


async def test_resume_returns_the_open_session_itself(client: CopilotClient) -> None:
    session = await client.create_session()
    assert await client.resume_session(session.session_id) is session


async def test_resume_an_unknown_id(client: CopilotClient) -> None:
    with pytest.raises(SessionNotFoundError, match="no session 'nope'"):
        await client.resume_session("nope")


async def test_valid_custom_ids(client: CopilotClient) -> None:
    for custom in ("user-123-chat", "a", "x" * 64, "team.alpha:ticket_7@home"):
        assert (await client.create_session(session_id=custom)).session_id == custom


async def test_generated_ids_are_unique(client: CopilotClient) -> None:
    ids = {(await client.create_session()).session_id for _ in range(20)}
    assert len(ids) == 20


async def test_list_sessions_newest_first_with_aware_times(client: CopilotClient) -> None:
    before = datetime.now(UTC)
    older = await client.create_session(session_id="older")
    newer = await client.create_session(session_id="newer")
    await older.send_and_wait("bump")
    listed = await client.list_sessions()
    assert [i.session_id for i in listed] == ["older", "newer"]
    assert await client.get_last_session_id() == "older"
    info = listed[0]
    assert info.modified_time.tzinfo is not None
    assert info.start_time >= before.replace(microsecond=0)
    assert info["session_id"] == info.session_id
    assert info.summary == info.title == "bump"
    assert listed[1].message_count == 0
    assert info.message_count == 2
    assert newer.title == ""


async def test_delete_closes_an_open_session_and_removes_history(client: CopilotClient) -> None:
    session = await client.create_session(session_id="gone")
    await session.send_and_wait("secret words")
    await client.delete_session("gone")
    assert await client.list_sessions() == []
    assert await client.search_messages("secret") == []
    with pytest.raises(SessionClosedError):
        await session.send("still there?")
    with pytest.raises(SessionNotFoundError):
        await client.delete_session("gone")


async def test_disconnect_keeps_the_session_stored(client: CopilotClient) -> None:
    session = await client.create_session()
    await session.send_and_wait("hello")
    await session.disconnect()
    with pytest.raises(SessionClosedError, match="resume_session"):
        await session.send("again")
    resumed = await client.resume_session(session.session_id)
    assert resumed is not session
    assert len(resumed.get_events()) == 3
    assert await resumed.get_messages() == resumed.get_events()


async def test_rename_and_search(client: CopilotClient) -> None:
    session = await client.create_session(session_id="findme")
    await session.send_and_wait("tell me about pelicans")
    await client.rename_session("findme", "Birds")
    hits = await client.search_messages("pelicans")
    assert {hit.session_id for hit in hits} == {"findme"}
    assert (await client.list_sessions())[0].title == "Birds" == session.title


async def test_reply_streaming_when_a_process_died_is_marked_interrupted(
    client: CopilotClient, make_config: ConfigFactory
) -> None:
    path = make_config().data_dir / "sessions.db"  # type: ignore[operator]
    store = SessionStore(path)
    store.create_session("crashed", model="m")
    prompt = UserMessageEvent(session_id="crashed", content="long answer please")
    store.append_event(prompt)
    store.upsert_message(
        AssistantMessageEvent(
            session_id="crashed",
            id="r1",
            message_id="r1",
            reply_to=prompt.id,
            model="m",
            content="half of it",
            status="streaming",
        )
    )
    store.close()
    resumed = await client.resume_session("crashed")
    reply = last_reply(resumed)
    assert (reply.status, reply.content) == ("interrupted", "half of it")


async def test_create_session_options(client: CopilotClient, server: DemoServer) -> None:
    session = await client.create_session(
        {
            "model": "from-dict",
            "system_message": {"mode": "append", "content": "Be brief."},
            "streaming": True,
        },
        model="from-keyword",
    )
    assert session.model == "from-keyword"
    assert session.system_message == "Be brief."
    with pytest.raises(InvalidArgumentError, match="unsupported option"):
        await client.create_session({"tools": []})
    with pytest.raises(InvalidArgumentError, match="prompt is empty"):
        await session.send("   ")
    with pytest.raises(InvalidArgumentError, match="unsupported option"):
        await session.send({"prompt": "x", "attachments": []})


async def test_default_model_comes_from_the_provider_list() -> None:
    with DemoServer(models=("first-model", "second-model")) as listing:
        provider = ProviderConfig(name="local", base_url=listing.base_url)
        async with CopilotClient(Config(providers=(provider,)), environ={}) as client:
            session = await client.create_session()
            models = await client.list_models()
    assert session.model == "first-model"
    assert [m.id for m in models] == ["first-model", "second-model"]


async def test_no_provider_anywhere_runs_the_demo_model() -> None:
    async with CopilotClient(Config(), environ={}) as client:
        assert client.is_demo
        session = await client.create_session()
        assert session.model == "demo"
        reply = await session.send_and_wait("hi", timeout=30)
    assert reply is not None
    assert DEMO_NOTICE in reply.content
