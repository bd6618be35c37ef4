"""CLI tests run `main([...])` in-process (the `cli` fixture) against the isolated store and
a scripted server (`provider`): both in tests/conftest.py."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from copilot_tui.core import demo_http
from copilot_tui.core.demo_server import Behaviour, DemoServer


@pytest.fixture
def pace(provider: DemoServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, Behaviour]:
    """How `provider` answers each model, by name: a fan-out sends all the same prompt."""
    paces: dict[str, Behaviour] = {}
    original = demo_http.answer_chat

    async def paced(conn: Any, turn: demo_http.ChatTurn, count: Any) -> None:
        if turn.model in paces:
            turn = dataclasses.replace(turn, behaviour=paces[turn.model])
        await original(conn, turn, count)

    monkeypatch.setattr(demo_http, "answer_chat", paced)
    return paces
