"""The `copilot-tui` command line: the UI launcher and the subcommands that need no UI.

Exit status: 0 done, 1 the work failed, 2 bad arguments or config, 130 interrupted.
Every expected failure is one line on stderr, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence

from copilot_tui.cli.output import PROG, UsageError, print_error
from copilot_tui.cli.parser import build_parser
from copilot_tui.core.errors import ConfigError, CopilotError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def run(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` (default: the process's arguments), run the command, return its status."""
    try:
        status = _dispatch(argv)
        sys.stdout.flush()  # a closed pipe shows here, where it can still be handled
        return status
    except (UsageError, ConfigError) as error:
        print_error(error.message)
        return EXIT_USAGE
    except CopilotError as error:
        print_error(error.message)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `copilot-tui sessions list | head -1`
        _silence_stdout()
        return EXIT_FAILED


def _dispatch(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as finished:  # --help and --version print, then "exit"
        return finished.code if isinstance(finished.code, int) else EXIT_OK
    if args.command is not None and (args.ui_session or args.ui_model):
        raise UsageError(
            f"--session and --model before '{args.command}' are for the UI; "
            "'ask' takes its own after it"
        )
    status: int = args.handler(args)
    return status


def _silence_stdout() -> None:
    """Point stdout at /dev/null so flushing it at exit does not fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
