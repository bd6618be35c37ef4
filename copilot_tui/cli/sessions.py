"""`copilot-tui sessions list|delete|rename|export`: stored sessions, no UI."""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from copilot_tui.cli.output import PROG, Command, one_line, with_client
from copilot_tui.cli.table import render_table
from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import SessionNotFoundError
from copilot_tui.core.export import (
    export_filename,
    export_json,
    export_markdown,
    json_text,
    metadata_dict,
    write_export,
)
from copilot_tui.core.metadata import SessionMetadata, SessionRecord
from copilot_tui.relative_time import describe
from copilot_tui.safe_text import printable

T = TypeVar("T")

_HEADERS = ("TITLE", "ID", "MODEL", "MODIFIED", "MSGS")
_UNTITLED = "(untitled)"


def list_command(args: argparse.Namespace) -> int:
    """Print every stored session, newest first: a table, or JSON with `--json`."""

    async def fetch(client: CopilotClient) -> list[SessionMetadata]:
        return await client.list_sessions()

    sessions = with_client(fetch)
    if args.json:
        print(json_text([metadata_dict(meta) for meta in sessions]))
    elif not sessions:
        print("no sessions yet")
    else:
        print("\n".join(session_table(sessions, datetime.now().astimezone(), _terminal_width())))
    return 0


def session_table(sessions: list[SessionMetadata], now: datetime, width: int) -> list[str]:
    """The `sessions list` table, titles truncated so lines fit in `width` cells."""
    rows = [
        (
            one_line(meta.title) or _UNTITLED,
            meta.session_id,
            one_line(meta.model),
            describe(meta.modified_time, now),
            str(meta.message_count),
        )
        for meta in sessions
    ]
    return render_table(_HEADERS, rows, max_width=width, shrink=0, right_aligned=frozenset({4}))


def _terminal_width() -> int:
    return shutil.get_terminal_size().columns


def delete_command(args: argparse.Namespace) -> int:
    """Delete a session and its history for good."""
    session_id: str = args.session_id

    async def delete(client: CopilotClient) -> None:
        await client.delete_session(session_id)

    _with_stored_session(session_id, delete)
    print(f"deleted {session_id}")
    return 0


def rename_command(args: argparse.Namespace) -> int:
    """Give a session a new title."""
    session_id: str = args.session_id
    title: str = args.title

    async def rename(client: CopilotClient) -> None:
        await client.rename_session(session_id, title)

    _with_stored_session(session_id, rename)
    print(f"renamed {session_id}")
    return 0


def export_command(args: argparse.Namespace) -> int:
    """Export a session to stdout (control characters made visible) or to a file (verbatim)."""
    session_id: str = args.session_id

    async def read(client: CopilotClient) -> SessionRecord:
        return await client.read_session(session_id)

    record = _with_stored_session(session_id, read)
    output: str | None = args.output
    fmt: str = args.format or ("json" if output and output.endswith(".json") else "md")
    text = export_json(record) if fmt == "json" else export_markdown(record)
    if output is None:
        sys.stdout.write(printable(text))
    else:
        target = _export_target(Path(output), record, fmt)
        write_export(target, text)
        print(f"exported {session_id} to {one_line(str(target))}", file=sys.stderr)
    return 0


def _export_target(output: Path, record: SessionRecord, fmt: str) -> Path:
    """`output`, or a file named after the session inside it if it is a directory."""
    return output / export_filename(record, fmt) if output.is_dir() else output


def _with_stored_session(session_id: str, work: Callable[[CopilotClient], Awaitable[T]]) -> T:
    """`with_client(work)`, with an unknown id reported in the command line's terms."""
    try:
        return with_client(work)
    except SessionNotFoundError:
        hint = f"'{PROG} sessions list' shows the stored sessions"
        raise SessionNotFoundError(f"no session '{session_id}'; {hint}") from None


SESSION_COMMANDS: dict[str, Command] = {
    "list": list_command,
    "delete": delete_command,
    "rename": rename_command,
    "export": export_command,
}
