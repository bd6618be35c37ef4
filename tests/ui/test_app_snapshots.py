"""Snapshots of the main screen: three tabs with history, and a tab showing an error.

Sessions are stored with fixed ids, times and figures (see harness.seed_session), so
every run draws the same; the snapshot plugin runs each app in its own loop.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from copilot_tui.app import CopilotApp
from copilot_tui.core.config import Config
from tests.conftest import ConfigFactory
from tests.helpers import wait_for
from tests.ui.harness import make_app, save_tabs, seed_session

Snap = Callable[..., bool]

REPLY = """\
## Reading a file line by line

Use a `with` block so the file is closed even when something fails:

```python
from pathlib import Path

def count_lines(path: Path) -> int:
    with path.open(encoding="utf-8") as lines:
        return sum(1 for _ in lines)
```

- `Path.open` takes the same arguments as `open`.
- Iterating a file object reads one line at a time, so memory stays flat.
"""


def seed_three_tabs(config: Config, state: Path) -> None:
    seed_session(
        config,
        "python-help",
        title="Read a file line by line",
        turns=[("How do I read a file line by line in Python?", REPLY)],
    )
    seed_session(config, "user-123-chat", title="Trip planning", turns=[("Lisbon?", "Yes.")])
    seed_session(
        config,
        "flaky-deploy",
        title="Why did the deploy fail",
        turns=[("Summarise the log", "It timed out.")],
        error=(
            "503 Service Unavailable from https://models.example.test/v1/chat/completions: "
            "the server is unavailable or overloaded; try again later (gave up after 4 attempts)"
        ),
    )
    save_tabs(state, ["python-help", "user-123-chat", "flaky-deploy"], active="python-help")


async def settle(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, CopilotApp)
    await wait_for(lambda: app._restored)
    for area in app.query(TextArea):
        area.cursor_blink = False
    await pilot.pause(0.3)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_main_screen_with_three_tabs(
    snap_compare: Snap, make_config: ConfigFactory, tmp_path: Path, size: tuple[int, int]
) -> None:
    config = make_config()
    seed_three_tabs(config, tmp_path / "ui.json")
    app = make_app(config, tmp_path / "ui.json")
    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_a_tab_showing_an_error(
    snap_compare: Snap, make_config: ConfigFactory, tmp_path: Path
) -> None:
    config = make_config()
    seed_three_tabs(config, tmp_path / "ui.json")
    app = make_app(config, tmp_path / "ui.json")

    async def show_error_tab(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("alt+3")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(100, 30), run_before=show_error_tab)


COMPARE_PROMPT = "Write a Python function that checks whether a string is a palindrome."
COMPARE_REPLIES = {
    "gpt-4o-mini": (
        "```python\ndef is_palindrome(text: str) -> bool:\n    return text == text[::-1]\n```"
        "\n\nShort and fast, but it is case- and space-sensitive."
    ),
    "llama3.2:3b": (
        "Normalise first, then compare:\n\n```python\n"
        "def is_palindrome(text: str) -> bool:\n"
        "    kept = [c.lower() for c in text if c.isalnum()]\n"
        "    return kept == kept[::-1]\n```"
    ),
    "qwen2.5-coder": (
        "Use two indices moving inwards; it stops at the first mismatch and needs no copy."
    ),
}


def seed_compare_run(config: Config, state: Path) -> None:
    ids = []
    for number, (model, reply) in enumerate(COMPARE_REPLIES.items(), start=1):
        session_id = f"ab-{number}"
        ids.append(session_id)
        seed_session(
            config,
            session_id,
            title=COMPARE_PROMPT,
            model=model,
            turns=[(COMPARE_PROMPT, reply)],
            compare_id="run4a1b2c3d",
            winner=number == 2,
        )
    save_tabs(state, ids, active="ab-1", last_compare=("run4a1b2c3d", tuple(ids)))


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
def test_compare_view(
    snap_compare: Snap, make_config: ConfigFactory, tmp_path: Path, size: tuple[int, int]
) -> None:
    config = make_config()
    seed_compare_run(config, tmp_path / "ui.json")
    app = make_app(config, tmp_path / "ui.json")

    async def open_compare(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+k")
        await pilot.pause(0.5)

    assert snap_compare(app, terminal_size=size, run_before=open_compare)
