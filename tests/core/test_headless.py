"""The core library stays headless: importing it never imports textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import copilot_tui.core


def test_core_never_imports_textual() -> None:
    modules = [m.name for m in pkgutil.iter_modules(copilot_tui.core.__path__, "copilot_tui.core.")]
    assert len(modules) > 20
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "from copilot_tui import CopilotClient\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
