"""Helpers the CLI tests share: results, one-line error checks, a store seeded by the library."""

from __future__ import annotations

import asyncio
import re
from typing import NamedTuple, Protocol

from copilot_tui.core.client import CopilotClient
from copilot_tui.core.metadata import SessionMetadata, SessionRecord

# The line `ask` with several models ends with on stderr; group 1 is the compare id.
SUMMARY = re.compile(
    r"compare run ([0-9a-f]{12}): (\d+) repl(?:y|ies) in (\d+\.\d\d) s \(slowest (\d+\.\d\d) s\)"
)


class Result(NamedTuple):
    status: int
    out: str
    err: str


class Cli(Protocol):
    def __call__(self, *argv: str) -> Result: ...


def one_error_line(result: Result, status: int) -> str:
    """Assert the command failed with `status` and exactly one stderr line; return it."""
    assert result.status == status, result
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("copilot-tui: error: "), lines[0]
    assert "Traceback" not in result.err
    return lines[0]


def summary(result: Result) -> re.Match[str]:
    """Assert stderr is exactly the compare run's summary line; return its match."""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    match = SUMMARY.match(lines[0])
    assert match is not None, lines[0]
    return match


def seed(session_id: str, *prompts: str, title: str | None = None, model: str = "test") -> None:
    """Store a session with the library (not the CLI under test); needs `provider`."""

    async def create() -> None:
        async with CopilotClient() as client:
            session = await client.create_session(model=model, session_id=session_id, title=title)
            for text in prompts:
                await session.send_and_wait(text)

    asyncio.run(create())


def stored(session_id: str) -> SessionRecord:
    async def read() -> SessionRecord:
        async with CopilotClient() as client:
            return await client.read_session(session_id)

    return asyncio.run(read())


def stored_sessions() -> list[SessionMetadata]:
    async def read() -> list[SessionMetadata]:
        async with CopilotClient() as client:
            return await client.list_sessions()

    return asyncio.run(read())
