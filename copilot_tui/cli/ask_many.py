"""`copilot-tui ask --model A --model B ...` (and `ask --json`): one prompt, many models."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from copilot_tui.cli.fanout import FanoutRun, fan_out
from copilot_tui.cli.fanout_output import SectionPrinter, run_document, summary_line
from copilot_tui.cli.output import with_client
from copilot_tui.cli.replies import open_session
from copilot_tui.core.client import CopilotClient
from copilot_tui.core.compare import new_compare_id
from copilot_tui.core.export import json_text
from copilot_tui.core.session import CopilotSession


def ask_many(session_id: str | None, models: Sequence[str], prompt: str, *, as_json: bool) -> int:
    """Ask every model at once, each in a new session (or `session_id` for one model).

    Prints each reply whole, in the order of `models`, or one JSON document; then the
    run's summary on stderr. Exit status 1 if any reply failed.
    """
    compare_id = new_compare_id()  # chosen here so an interrupted run can still be named
    sink = None if as_json else SectionPrinter(sys.stdout)

    async def work(client: CopilotClient) -> FanoutRun:
        sessions = await _open_sessions(client, session_id, models)
        return await fan_out(sessions, prompt, compare_id=compare_id, on_reply=sink)

    try:
        run = with_client(work)
    except KeyboardInterrupt:
        print(f"compare run {compare_id}: interrupted; partial replies kept", file=sys.stderr)
        raise
    if as_json:
        print(json_text(run_document(run)), flush=True)
    print(summary_line(run), file=sys.stderr, flush=True)
    return 1 if run.failed_count else 0


async def _open_sessions(
    client: CopilotClient, session_id: str | None, models: Sequence[str]
) -> list[CopilotSession]:
    """One new session per model (the configured model if none), or the named session."""
    if session_id is not None:  # the parser allows it with one model at most
        return [await open_session(client, session_id, models[0] if models else None)]
    if not models:
        return [await client.create_session()]
    return [await client.create_session(model=model) for model in models]
