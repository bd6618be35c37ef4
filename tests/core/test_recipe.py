"""The Copilot SDK's "multiple sessions" recipe, run unchanged on copilot_tui."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from copilot_tui import CopilotClient
from copilot_tui.core.demo_server import DemoServer, RecordedRequest
from tests.conftest import ConfigFactory

FIRST_PROMPTS = {
    "python": "You are helping with a Python project",
    "typescript": "You are helping with a TypeScript project",
    "go": "You are helping with a Go project",
}
FOLLOW_UPS = {
    "python": "How do I create a virtual environment?",
    "typescript": "How do I set up tsconfig?",
    "go": "How do I initialize a module?",
}


def request_ending_with(requests: list[RecordedRequest], prompt: str) -> dict[str, Any]:
    (body,) = [r.body for r in requests if r.body and r.body["messages"][-1]["content"] == prompt]
    return dict(body)


def reply_to(events: list[Any], prompt: str) -> Any:
    (asked,) = [e for e in events if e.type == "user.message" and e.content == prompt]
    (reply,) = [e for e in events if e.type == "assistant.message" and e.reply_to == asked.id]
    return reply


async def test_multiple_sessions_recipe(server: DemoServer, make_config: ConfigFactory) -> None:
    client = CopilotClient(make_config(), environ={})
    await client.start()

    # Create multiple independent sessions: two on one model, one on another.
    session1 = await client.create_session({"model": "gpt-5"})
    session2 = await client.create_session({"model": "gpt-5"})
    session3 = await client.create_session({"model": "claude-sonnet-4.5"})
    sessions = {"python": session1, "typescript": session2, "go": session3}

    # The recipe's handler reads event.data.content.
    results: dict[str, str] = {}

    def make_handler(topic: str) -> Any:
        def handler(event: Any) -> None:
            if event.type == "assistant.message":
                results[topic] = event.data.content

        return handler

    for topic, session in sessions.items():
        session.on(make_handler(topic))

    # Each session gets its context concurrently, then context-aware follow-ups.
    await asyncio.gather(*(s.send({"prompt": FIRST_PROMPTS[t]}) for t, s in sessions.items()))
    replies = await asyncio.gather(
        *(s.send_and_wait({"prompt": FOLLOW_UPS[t]}) for t, s in sessions.items())
    )
    for topic, reply in zip(sessions, replies, strict=True):
        assert reply is not None
        assert reply.data.content == results[topic]
        assert FOLLOW_UPS[topic][:20] in reply.content  # the demo quotes the prompt it answers

    # Each follow-up request carried exactly its own session's history.
    for topic, session in sessions.items():
        body = request_ending_with(server.requests, FOLLOW_UPS[topic])
        first_reply = reply_to(session.get_events(), FIRST_PROMPTS[topic])
        assert body["model"] == session.model
        assert body["messages"] == [
            {"role": "user", "content": FIRST_PROMPTS[topic]},
            {"role": "assistant", "content": first_reply.data.content},
            {"role": "user", "content": FOLLOW_UPS[topic]},
        ]

    # Custom session ids.
    user_session = await client.create_session({"session_id": "user-123-chat"})
    assert user_session.session_id == "user-123-chat"

    # Listing, with the recipe's camelCase item access.
    listed = await client.list_sessions()
    by_id = {info["sessionId"]: info for info in listed}
    assert set(by_id) == {s.session_id for s in (*sessions.values(), user_session)}
    assert by_id[session1.session_id]["modifiedTime"] >= by_id[session1.session_id]["startTime"]
    assert by_id[session1.session_id].get("summary") == FIRST_PROMPTS["python"]
    assert by_id[session1.session_id]["message_count"] == 4

    # Deleting is permanent; resuming a deleted session fails like the SDK's RuntimeError.
    await client.delete_session(session2.session_id)
    assert session2.session_id not in {info.session_id for info in await client.list_sessions()}
    with pytest.raises(RuntimeError, match="no session"):
        await client.resume_session(session2.session_id)

    # Clean up.
    for session in (session1, session3, user_session):
        await session.destroy()
    await client.stop()


async def test_session_pool_pattern(client: CopilotClient) -> None:
    """The recipe's pool: sessions with ids pool-0..4 serving requests concurrently."""
    pool = [await client.create_session({"session_id": f"pool-{i}"}) for i in range(5)]
    available: asyncio.Queue[Any] = asyncio.Queue()
    for session in pool:
        available.put_nowait(session)

    async def ask(question: str) -> str:
        session = await available.get()
        try:
            reply = await session.send_and_wait({"prompt": question})
            assert reply is not None
            return str(reply.content)
        finally:
            available.put_nowait(session)

    answers = await asyncio.gather(*(ask(f"Question number {n}") for n in range(12)))
    assert all(f"Question number {n}" in answer for n, answer in enumerate(answers))


async def test_get_or_create_session_use_case(client: CopilotClient) -> None:
    """The recipe's multi-user helper relies on resume_session raising RuntimeError."""

    async def get_or_create(user_id: str) -> Any:
        session_id = f"user-{user_id}"
        try:
            return await client.resume_session(session_id)
        except RuntimeError:
            return await client.create_session({"session_id": session_id})

    first = await get_or_create("42")
    again = await get_or_create("42")
    assert again is first
    assert [info.session_id for info in await client.list_sessions()] == ["user-42"]
