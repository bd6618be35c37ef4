"""The `copilot-tui` command."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Until the terminal UI lands, say so; the library is usable today."""
    print(
        "copilot-tui: the terminal UI is coming; the library works now: "
        "from copilot_tui import CopilotClient"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
