"""Session ids: the rules for custom ids and the generator for the rest."""

from __future__ import annotations

import re
import uuid

from copilot_tui.core.errors import InvalidSessionIdError

MAX_ID_LENGTH = 64
ID_RULE = "1-64 characters: ASCII letters, digits and - _ . : @"
_ALLOWED = re.compile(r"[A-Za-z0-9_.:@-]+")
_FIRST_BAD = re.compile(r"[^A-Za-z0-9_.:@-]")


def new_session_id() -> str:
    """A fresh random id (a UUID4 string, which satisfies the id rules)."""
    return str(uuid.uuid4())


def validate_session_id(value: object) -> str:
    """Return `value` if it is a valid session id, else raise `InvalidSessionIdError`."""
    if not isinstance(value, str):
        raise InvalidSessionIdError(f"session id must be a string, got {type(value).__name__}")
    if not value:
        raise InvalidSessionIdError(f"session id is empty; use {ID_RULE}")
    if len(value) > MAX_ID_LENGTH:
        raise InvalidSessionIdError(f"session id is {len(value)} characters long; use {ID_RULE}")
    if not _ALLOWED.fullmatch(value):
        raise InvalidSessionIdError(_bad_character_message(value))
    if set(value) == {"."}:
        # "." and ".." would read as directories if an id ever names a file.
        raise InvalidSessionIdError(f"session id {value!r} is only dots; use {ID_RULE}")
    return value


def _bad_character_message(value: str) -> str:
    match = _FIRST_BAD.search(value)
    assert match is not None
    bad = match.group()
    # ascii() shows control characters and look-alikes unambiguously.
    return f"session id {value!a} contains {bad!a} at position {match.start() + 1}; use {ID_RULE}"
