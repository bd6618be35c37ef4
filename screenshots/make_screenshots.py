"""Make the README's screenshots by driving the real app with Textual's pilot.

    python screenshots/make_screenshots.py

Runs on the offline demo model in a temporary data directory (nothing of yours is read
or written) and writes SVGs next to this file.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SIZE = (120, 36)
PROMPTS = (
    "Explain Python's asyncio event loop with an example",
    "Plan a three-day trip to Lisbon on a budget",
    "Review this SQL query for missing indexes",
)


def _isolate(folder: Path) -> None:
    os.environ["COPILOT_TUI_CONFIG"] = str(folder / "config.toml")
    os.environ["COPILOT_TUI_DATA_DIR"] = str(folder / "data")
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "GITHUB_TOKEN", "GH_TOKEN", "OLLAMA_HOST"):
        os.environ.pop(name, None)


async def _wait(condition: object, timeout: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():  # type: ignore[operator]
        if loop.time() > deadline:
            raise TimeoutError("the app did not get there")
        await asyncio.sleep(0.05)


async def _shoot(app: object, name: str) -> None:
    from textual.widgets import Input, TextArea

    for widget in app.screen.query("Input, TextArea"):  # type: ignore[attr-defined]
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
    await asyncio.sleep(0.3)
    app.save_screenshot(f"{name}.svg", str(HERE))  # type: ignore[attr-defined]
    print(f"wrote screenshots/{name}.svg")


async def main() -> None:
    from copilot_tui.app import CopilotApp
    from copilot_tui.core.client import CopilotClient

    app = CopilotApp(CopilotClient())
    async with app.run_test(size=SIZE) as pilot:
        await _wait(lambda: app._restored)
        for number, prompt in enumerate(PROMPTS, start=1):
            if number > 1:
                session = await app.client.create_session()
                await app.tabs.add_session(session, demo=True)
            pane = app.tabs.active_session_pane
            assert pane is not None
            pane.prompt.insert(prompt)
            pane.prompt.submit()
            await asyncio.sleep(0.4)
        app.tabs.jump(1)
        await asyncio.sleep(0.6)  # the demo streams ~50 tokens/s: all three are mid-reply
        await _shoot(app, "main-three-tabs-streaming")
        await _wait(lambda: not any(p.session.is_busy for p in app.tabs.panes), timeout=60)
        await pilot.press("ctrl+o")
        await asyncio.sleep(0.8)
        await _shoot(app, "session-picker")
        await pilot.press("escape", "ctrl+n")
        await asyncio.sleep(1.0)
        await _shoot(app, "new-session-dialog")
        await pilot.press("escape")
        await _broadcast_and_compare(app, pilot)


async def _broadcast_and_compare(app: Any, pilot: Any) -> None:
    from textual.widgets import SelectionList, TextArea

    await pilot.press("ctrl+b")
    await asyncio.sleep(1.0)
    dialog = app.screen
    dialog.query_one("#targets", SelectionList).select_all()
    dialog.query_one("#models", SelectionList).select("demo-terse")
    dialog.query_one("#broadcast-prompt", TextArea).text = "When should I use a generator?"
    dialog.action_send()
    await asyncio.sleep(1.6)  # mid-stream: the terse model is done, the others are not
    await _shoot(app, "compare-view")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    with tempfile.TemporaryDirectory() as scratch:
        _isolate(Path(scratch))
        asyncio.run(main())
