"""What every command shares: its name, usage errors, one-line messages on stderr."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from copilot_tui.core.client import CopilotClient
from copilot_tui.safe_text import printable

PROG = "copilot-tui"

T = TypeVar("T")
Command = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """The command line (or the prompt it names) cannot be used; exit status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def one_line(text: str) -> str:
    """`text` safe for one terminal line: whitespace runs become one space, controls visible."""
    return printable(" ".join(text.split()))


def print_error(message: str) -> None:
    print(f"{PROG}: error: {one_line(message)}", file=sys.stderr, flush=True)


def print_note(message: str) -> None:
    """A one-line remark on stderr (stdout stays clean for the command's output)."""
    print(f"{PROG}: {one_line(message)}", file=sys.stderr, flush=True)


def with_client(work: Callable[[CopilotClient], Awaitable[T]]) -> T:
    """Run `work` with one started client in a fresh event loop; the client is always stopped.

    Raises:
        ConfigError: the config file (or the provider environment) is unusable.
        KeyboardInterrupt: Ctrl+C; running turns were aborted first (partial replies kept).
    """

    async def run() -> T:
        async with CopilotClient() as client:
            return await work(client)

    return asyncio.run(run())
