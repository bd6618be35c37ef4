"""`copilot-tui` with no command: the terminal UI."""

from __future__ import annotations

import argparse


def launch_ui(args: argparse.Namespace) -> int:
    """Run the terminal UI; textual is imported only here, so other commands stay light."""
    from copilot_tui.app import run_app  # lazy on purpose: it imports textual

    session_id: str | None = args.ui_session
    model: str | None = args.ui_model
    return run_app(session_id=session_id, model=model)
