"""`copilot-tui ask`: stream one reply to stdout, no UI (several models: see `ask_many`)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import TextIO

from copilot_tui.cli.ask_many import ask_many
from copilot_tui.cli.output import UsageError, print_error, print_note, with_client
from copilot_tui.cli.replies import ReplyOutcome, open_session, run_prompt
from copilot_tui.core.api_keys import check_api_keys
from copilot_tui.core.client import CopilotClient
from copilot_tui.core.config import load_config
from copilot_tui.safe_text import printable


class StreamPrinter:
    """Writes streamed text to a terminal at once, control characters made visible.

    A closed pipe (`copilot-tui ask ... | head -1`) stops the printing quietly.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._at_line_start = True
        self.broken_pipe = False

    def write(self, text: str) -> None:
        shown = printable(text)
        if not shown or self.broken_pipe:
            return
        try:
            self._stream.write(shown)
            self._stream.flush()
        except BrokenPipeError:
            self.broken_pipe = True
        self._at_line_start = shown.endswith("\n")

    def finish(self) -> None:
        """End the output with a newline unless it is empty or already ends with one."""
        if not self._at_line_start:
            self.write("\n")


def ask_command(args: argparse.Namespace) -> int:
    """Ask one prompt: stream the reply of one model, or fan out to several (or `--json`).

    Exit 1 if a turn ended with an error; a config problem (a provider's key variable
    unset, too) raises `ConfigError` before anything is asked or stored.
    """
    models: list[str] = args.models or []
    session_id: str | None = args.session
    if session_id is not None and len(models) > 1:
        raise UsageError("--session takes one --model; several models get a new session each")
    check_api_keys(load_config(), os.environ)  # before waiting for a prompt on stdin
    prompt = read_prompt(args.prompt, sys.stdin)
    if args.json or len(models) > 1:
        return ask_many(session_id, models, prompt, as_json=args.json)
    return _ask_one(session_id, models[0] if models else None, prompt)


def _ask_one(session_id: str | None, model: str | None, prompt: str) -> int:
    printer = StreamPrinter(sys.stdout)
    outcome = with_client(lambda client: _ask(client, session_id, model, prompt, printer))
    if printer.broken_pipe:
        raise BrokenPipeError
    if outcome.error is not None:
        print_error(outcome.error.message)
        return 1
    return 0


async def _ask(
    client: CopilotClient,
    session_id: str | None,
    model: str | None,
    prompt: str,
    printer: StreamPrinter,
) -> ReplyOutcome:
    session = await open_session(client, session_id, model)
    stopping: list[asyncio.Task[None]] = []

    def show(text: str) -> None:
        printer.write(text)
        if printer.broken_pipe and not stopping:  # nobody reads on: stop paying for tokens
            stopping.append(asyncio.ensure_future(session.abort()))

    try:
        return await run_prompt(session, prompt, show)
    finally:
        printer.finish()
        if stopping:
            await stopping[0]


def read_prompt(words: list[str], stdin: TextIO | None) -> str:
    """The prompt: the words joined by spaces, or all of stdin for none or "-".

    Raises:
        UsageError: the prompt is empty, or stdin is not UTF-8 text.
    """
    from_stdin = not words or words == ["-"]
    text = _read_stdin(stdin).rstrip("\r\n") if from_stdin else " ".join(words)
    if not text.strip():
        raise UsageError("the prompt is empty; give it as an argument or on stdin")
    return text


def _read_stdin(stdin: TextIO | None) -> str:
    if stdin is None:
        return ""
    if stdin.isatty():
        print_note("reading the prompt from stdin; end it with Ctrl+D")
    try:
        return stdin.read()
    except UnicodeDecodeError:
        raise UsageError("the prompt on stdin is not UTF-8 text") from None
