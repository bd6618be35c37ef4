"""The command line's grammar: every subcommand, its options, and one-line usage errors."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import NoReturn

from copilot_tui.cli.ask import ask_command
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
  copilot-tui sessions list [--json]
      every stored session, newest first
  copilot-tui sessions delete ID
      delete a session and its history for good
  copilot-tui sessions rename ID TITLE
      give a session a new title
  copilot-tui sessions export ID [--format md|json] [-o FILE]
      a session as Markdown or JSON, to stdout or atomically to FILE

exit status: 0 done, 1 failed, 2 bad arguments or config, 130 interrupted"""


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
    ask_parser = commands.add_parser("ask", help="stream one reply to stdout")
    _add_session_option(
        ask_parser, dest="session", help_text="the session to ask in; created with this id if new"
    )
    # "append": a later feature asks several models at once; today one is allowed.
    _add_model_option(ask_parser, dest="models", action="append")
    ask_parser.add_argument(
        "prompt",
        nargs="*",
        metavar="PROMPT",
        help='the prompt (several words are joined by spaces); none or "-": read stdin',
    )
    ask_parser.set_defaults(handler=ask_command)
    _add_sessions(commands)
    return parser


def _add_session_option(parser: argparse.ArgumentParser, *, dest: str, help_text: str) -> None:
    parser.add_argument(
        "--session",
        dest=dest,
        metavar="ID",
        type=session_id_argument,
        help=help_text,
    )


def _add_model_option(parser: argparse.ArgumentParser, *, dest: str, action: str) -> None:
    parser.add_argument(
        "--model",
        dest=dest,
        action=action,
        metavar="M",
        type=non_blank("model name"),
        help="the model (e.g. gpt-4o-mini or ollama:llama3.2); default: the configured one",
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
