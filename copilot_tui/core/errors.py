"""The library's exceptions: each carries one line a user can act on.

`CopilotError` derives from `RuntimeError` so code written for the Copilot SDK
(`except RuntimeError:` around `resume_session`) keeps working.
"""

from __future__ import annotations

from pathlib import Path


class CopilotError(RuntimeError):
    """Base class of every error the library raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(CopilotError):
    """The config file cannot be read or holds something we cannot use."""

    def __init__(
        self, path: Path | str, problem: str, *, line: int | None = None, key: str | None = None
    ) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        what = f" key '{key}':" if key else ""
        super().__init__(f"{where}:{what} {problem}")
        self.path = Path(path)
        self.line = line
        self.key = key
        self.problem = problem


class InvalidSessionIdError(CopilotError, ValueError):
    """A custom session id does not follow the id rules."""


class SessionExistsError(CopilotError):
    """A session with that id is already stored."""


class SessionNotFoundError(CopilotError):
    """No stored session has that id."""


class SessionInUseError(CopilotError):
    """Another copilot-tui process has the session open (see `core/session_lock.py`)."""


class SessionClosedError(CopilotError):
    """The session was disconnected or deleted; resume it to use it again."""


class StoreError(CopilotError):
    """The session store cannot be opened or written."""


class ProviderError(CopilotError):
    """A model server refused, failed or sent something we cannot parse.

    `error_type` is one of: authentication, permission, not_found, context_length,
    bad_request, rate_limit, server, timeout, connection, protocol, configuration.
    """

    def __init__(
        self,
        message: str,
        *,
        error_type: str,
        status_code: int | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.status_code = status_code
        self.retryable = retryable
        self.retry_after = retry_after


class SessionEventError(CopilotError):
    """Raised by `send_and_wait` when the turn ended with a `session.error` event."""

    def __init__(self, message: str, *, error_type: str, status_code: int | None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.status_code = status_code


class InvalidArgumentError(CopilotError, ValueError):
    """An API call got an option or value it does not support."""


def session_exists_error(session_id: str) -> SessionExistsError:
    """The error for creating a session whose id is taken, naming the way to open it."""
    return SessionExistsError(
        f"session '{session_id}' already exists; resume_session('{session_id}') opens it"
    )


def session_not_found_error(session_id: str) -> SessionNotFoundError:
    """The error for an unknown session id, naming where the stored ones are listed."""
    return SessionNotFoundError(
        f"no session '{session_id}'; list_sessions() shows the stored sessions"
    )


def session_in_use_error(session_id: str, pid: int | None) -> SessionInUseError:
    """The error for opening a session another process has open, naming that process."""
    holder = "" if pid is None else f" (pid {pid})"
    return SessionInUseError(
        f"session '{session_id}' is in use by another copilot-tui process{holder}; "
        "close it there first, or open another session"
    )
