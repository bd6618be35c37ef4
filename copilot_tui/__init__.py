"""copilot-tui: a terminal client for many model conversations at once.

The library API lives in `copilot_tui.core` and is re-exported here (lazily), so
SDK-style scripts can `from copilot_tui import CopilotClient`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from copilot_tui import core

if TYPE_CHECKING:
    from copilot_tui.core import *  # noqa: F403

__all__ = core.__all__


def __getattr__(name: str) -> Any:
    return getattr(core, name)
