"""CLI tests run `main([...])` in-process against the isolated store and a scripted server."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from copilot_tui.__main__ import main
from copilot_tui.core import demo_http
from copilot_tui.core.demo_server import Behaviour, DemoServer
from tests.cli.support import Cli, Result


@pytest.fixture
def provider(server: DemoServer, monkeypatch: pytest.MonkeyPatch) -> DemoServer:
    """`server`, found by the CLI the way a user's OpenAI-compatible server is: the env."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    return server


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run the command in-process; returns its status and what it wrote."""

    def run(*argv: str) -> Result:
        capsys.readouterr()
        status = main(list(argv))
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run


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
