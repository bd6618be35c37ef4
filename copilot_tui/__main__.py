"""The `copilot-tui` command: `python -m copilot_tui` and the installed script."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from copilot_tui.cli import run


def main(argv: Sequence[str] | None = None) -> int:
    """Run `copilot-tui` with `argv` (default: the process's arguments); return the exit status."""
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
