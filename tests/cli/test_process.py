"""The command as a real process (slow, so only these two)."""

from __future__ import annotations

import os
import subprocess
import sys

from copilot_tui.core.demo_server import Behaviour, DemoServer

# Runs `sessions list` through the real entry point, then reports textual's modules.
_LIST_WITHOUT_TEXTUAL = """
import sys
from copilot_tui.__main__ import main
status = main(["sessions", "list"])
loaded = sorted(name for name in sys.modules if name.split(".")[0] == "textual")
print("textual modules:", loaded)
sys.exit(status)
"""


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    # os.environ carries the isolated config and data dirs (and OPENAI_BASE_URL if set).
    return subprocess.run(
        [sys.executable, *argv],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_python_m_copilot_tui_ask_streams_a_reply(
    provider: DemoServer,
) -> None:
    provider.enqueue(Behaviour(text="Hello from the \x1b[31mserver\x1b[0m."))
    done = run("-m", "copilot_tui", "ask", "--model", "test", "hello")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "Hello from the ␛[31mserver␛[0m.\n"


def test_sessions_list_does_not_import_textual() -> None:
    done = run("-c", _LIST_WITHOUT_TEXTUAL)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["no sessions yet", "textual modules: []"]
