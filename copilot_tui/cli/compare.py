"""`copilot-tui compare export`: a compare run (one prompt, many models) as Markdown."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from copilot_tui.cli.output import PROG, Command, one_line, with_client
from copilot_tui.core.client import CopilotClient
from copilot_tui.core.errors import SessionNotFoundError
from copilot_tui.core.export import write_export
from copilot_tui.core.export_compare import (
    compare_entries,
    compare_filename,
    export_compare_markdown,
)
from copilot_tui.core.metadata import SessionRecord
from copilot_tui.safe_text import printable


def export_command(args: argparse.Namespace) -> int:
    """Export a run to stdout (control characters made visible) or to a file (verbatim)."""
    compare_id: str = args.compare_id
    records = _read_run(compare_id)
    text = export_compare_markdown(
        compare_id, compare_entries(compare_id, records), _distinct_titles(records)
    )
    output: str | None = args.output
    if output is None:
        sys.stdout.write(printable(text))
        return 0
    target = Path(output)
    if target.is_dir():
        target /= compare_filename(compare_id)
    write_export(target, text)
    print(
        f"exported compare run {one_line(compare_id)} to {one_line(str(target))}", file=sys.stderr
    )
    return 0


def _read_run(compare_id: str) -> list[SessionRecord]:
    """The run's sessions, in the order their prompts were stored (the --model order)."""

    async def read(client: CopilotClient) -> list[SessionRecord]:
        return await client.compare_run(compare_id)

    try:
        return with_client(read)
    except SessionNotFoundError:
        hint = f"'{PROG} ask --model A --model B ...' names each run it makes on stderr"
        raise SessionNotFoundError(f"no compare run '{compare_id}'; {hint}") from None


def _distinct_titles(records: list[SessionRecord]) -> dict[str, str] | None:
    """Session titles for the section headings, unless they are all the same.

    A fan-out titles every session after its prompt, which the document shows already.
    """
    titles = {record.metadata.session_id: record.metadata.title for record in records}
    return titles if len(set(titles.values())) > 1 else None


COMPARE_COMMANDS: dict[str, Command] = {"export": export_command}
