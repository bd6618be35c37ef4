"""A tab's label: the session's title and a mark for what it is doing."""

from __future__ import annotations

import re

from textual.content import Content

from copilot_tui.core.session import CopilotSession
from copilot_tui.safe_text import printable

_GENERATED_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")


def display_title(session: CopilotSession) -> str:
    """The title; else a custom id; else "New session" (a generated id says nothing)."""
    if session.title:
        return session.title
    return "New session" if _GENERATED_ID.fullmatch(session.session_id) else session.session_id


SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
MAX_TITLE = 24


def tab_label(title: str, *, state: str, unread: bool, queued: int, frame: int) -> Content:
    """E.g. "⠹ Fix the parser +2": streaming with two prompts queued.

    The mark's two cells are kept blank without one: a label that changes width moves
    the tabs after it (under the pointer) and slides the tab bar's underline anew.
    """
    short = printable(title)
    if len(short) > MAX_TITLE:
        short = short[: MAX_TITLE - 1] + "…"
    if state == "streaming":
        mark, style = SPINNER[frame % len(SPINNER)], "bold $accent"
    elif state == "error":
        mark, style = "✗", "bold $error"
    elif unread:
        mark, style = "●", "bold $success"
    else:
        mark, style = " ", ""
    parts: list[str | tuple[str, str]] = [(f"{mark} ", style), short]
    if queued:
        parts.append((f" +{queued}", "$warning"))
    return Content.assemble(*parts)
