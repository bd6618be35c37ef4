"""The command line's grammar: every subcommand, its options, and one-line usage errors."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import NoReturn

from copilot_tui.cli.ask import ask_command
from copilot_tui.cli.compare import COMPARE_COMMANDS
from copilot_tui.cli.output import PROG, UsageError
from copilot_tui.cli.sessions import SESSION_COMMANDS
from copilot_tui.cli.ui import launch_ui
from copilot_tui.core.errors import InvalidSessionIdError
from copilot_tui.core.export import EXPORT_FORMATS
from copilot_tui.core.ids import validate_session_id

_OVERVIEW = """\
every command:
  copilot-tui [--session ID] [--model M]
      open the terminal UI (on session ID, with model M)
  copilot-tui ask [--session ID] [--model M] [PROMPT ...]
      stream one reply to stdout; no PROMPT or "-" reads it from stdin
  copilot-tui ask --model A --model B [--model C ...] [--json] [PROMPT ...]
      the same prompt to a new session per model, all at once; each reply printed
      whole under a header with its figures, in option order (--json: one document)
  copilot-tui compare export COMPARE_ID [-o FILE]
      a compare run (the prompt, then each model's reply and figures) as Markdown,
      to stdout or atomically to FILE
  copilot-tui sessions list [--json]
      every stored session, newest first
  copilot-tui sessions delete ID
      delete a session and its history for good
  copilot-tui sessions rename ID TITLE
      give a session a new title
  copilot-tui sessions export ID [--format md|json] [-o FILE]
      a session as Markdown or JSON, to stdout or atomically to FILE

exit status: 0 done, 1 failed, 2 bad arguments or config, 130 interrupted"""


_ASK_DESCRIPTION = """\
Ask one prompt without the UI.

With one --model (or none) the reply streams to stdout as it comes.

With several, every model gets the prompt at once, each in a new session; the
sessions share a compare run id. Each reply is printed whole, in the order of the
--model options, under a header with its figures:
  ── MODEL · SESSION · first token 0.31 s · 2.40 s · 12 in · 340 out · 141 tok/s ──
A failed reply shows "error: ..." in its header instead. The last line, on stderr,
names the run for 'copilot-tui compare export ID':
  compare run ID: N replies in X.XX s (slowest Y.YY s)

exit status: 0 every reply complete, 1 any failed, 2 bad arguments, 130 interrupted
(Ctrl+C aborts every running turn; partial replies are kept in the sessions)"""

_MODEL_HELP = "the model (e.g. gpt-4o-mini or ollama:llama3.2); default: the configured one"
_ASK_MODEL_HELP = (
    "the model (e.g. gpt-4o-mini or ollama:llama3.2); default: the configured one. "
    "Repeat it to ask several models at once, each in a new session"
)


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line raised as `UsageError`, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> CliParser:
    """The `copilot-tui` parser; each command's handler is stored as `args.handler`."""
    parser = CliParser(
        prog=PROG,
        description="A keyboard-driven terminal client for many model conversations at once.",
        epilog=_OVERVIEW,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    _add_session_option(parser, dest="ui_session", help_text="the session to open in the UI")
    _add_model_option(parser, dest="ui_model", action="store")
    parser.set_defaults(handler=launch_ui, command=None)
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    _add_ask(commands)
    _add_sessions(commands)
    _add_compare(commands)
    return parser


def _add_ask(commands: argparse._SubParsersAction[CliParser]) -> None:
    ask = commands.add_parser(
        "ask",
        help="stream one reply to stdout, or ask several models at once",
        description=_ASK_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_session_option(
        ask,
        dest="session",
        help_text="the session to ask in; created with this id if new (one --model at most)",
    )
    _add_model_option(ask, dest="models", action="append", help_text=_ASK_MODEL_HELP)
    ask.add_argument(
        "--json",
        action="store_true",
        help="print one JSON document (replies, errors, figures) when every reply has ended",
    )
    ask.add_argument(
        "prompt",
        nargs="*",
        metavar="PROMPT",
        help='the prompt (several words are joined by spaces); none or "-": read stdin',
    )
    ask.set_defaults(handler=ask_command)


def _add_session_option(parser: argparse.ArgumentParser, *, dest: str, help_text: str) -> None:
    parser.add_argument(
        "--session",
        dest=dest,
        metavar="ID",
        type=session_id_argument,
        help=help_text,
    )


def _add_model_option(
    parser: argparse.ArgumentParser, *, dest: str, action: str, help_text: str = _MODEL_HELP
) -> None:
    parser.add_argument(
        "--model",
        dest=dest,
        action=action,
        metavar="M",
        type=non_blank("model name"),
        help=help_text,
    )


def _add_sessions(commands: argparse._SubParsersAction[CliParser]) -> None:
    sessions = commands.add_parser("sessions", help="list, delete, rename or export sessions")
    actions = sessions.add_subparsers(title="sessions commands", dest="action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="every stored session, newest first")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    delete = actions.add_parser("delete", help="delete a session for good")
    delete.add_argument("session_id", metavar="ID", type=session_id_argument)
    rename = actions.add_parser("rename", help="give a session a new title")
    rename.add_argument("session_id", metavar="ID", type=session_id_argument)
    rename.add_argument("title", metavar="TITLE", type=non_blank("title"))
    export = actions.add_parser("export", help="a session as Markdown or JSON")
    export.add_argument("session_id", metavar="ID", type=session_id_argument)
    export.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        help="md or json (default: json if FILE ends in .json, else md)",
    )
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (0600, atomically) instead of stdout; a directory gets a named file",
    )
    for name, parser in actions.choices.items():
        parser.set_defaults(handler=SESSION_COMMANDS[name])


def _add_compare(commands: argparse._SubParsersAction[CliParser]) -> None:
    compare = commands.add_parser("compare", help="export a compare run ('ask' with models)")
    actions = compare.add_subparsers(title="compare commands", dest="action", metavar="ACTION")
    actions.required = True
    export = actions.add_parser(
        "export",
        help="a compare run as Markdown",
        description="The prompt of a compare run, then each model's reply with its figures, "
        "as one Markdown document. 'ask --model A --model B ...' prints the run's id on stderr.",
    )
    export.add_argument("compare_id", metavar="COMPARE_ID", type=non_blank("compare id"))
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (0600, atomically) instead of stdout; a directory gets a named file",
    )
    export.set_defaults(handler=COMPARE_COMMANDS["export"])


def session_id_argument(value: str) -> str:
    """An argparse type: a valid session id, else its one-line reason."""
    try:
        return validate_session_id(value)
    except InvalidSessionIdError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def non_blank(what: str) -> Callable[[str], str]:
    """An argparse type: the value without surrounding blanks; rejects an empty one."""

    def check(value: str) -> str:
        if not value.strip():
            raise argparse.ArgumentTypeError(f"the {what} is empty")
        return value.strip()

    return check


def _version() -> str:
    try:
        return version("copilot-tui")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"
