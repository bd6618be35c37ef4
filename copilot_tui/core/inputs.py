"""Checks on what callers hand a session: prompts and model names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from copilot_tui.core.errors import InvalidArgumentError

Prompt = str | Mapping[str, Any]


def prompt_text(prompt: Prompt) -> str:
    """The text of `send("...")` or `send({"prompt": "..."})`; rejects anything else."""
    if isinstance(prompt, Mapping):
        unknown = sorted(set(prompt) - {"prompt"})
        if unknown:
            raise InvalidArgumentError(f"send: unsupported option(s) {unknown}; use 'prompt'")
        prompt = prompt.get("prompt", "")
    if not isinstance(prompt, str):
        raise InvalidArgumentError(f"send: the prompt must be text, got {type(prompt).__name__}")
    if not prompt.strip():
        raise InvalidArgumentError("send: the prompt is empty")
    return prompt


def checked_model(model: object) -> str:
    """A model string with surrounding blanks removed; rejects empty ones."""
    if not isinstance(model, str) or not model.strip():
        raise InvalidArgumentError("the model name is empty")
    return model.strip()


_SESSION_OPTIONS = ("model", "session_id", "system_message", "title", "streaming")


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """What `create_session` was asked for, from the SDK's dict form or keywords."""

    model: str | None = None
    session_id: str | None = None
    system_message: str | None = None
    title: str | None = None


def session_options(options: Mapping[str, Any] | None, **keywords: Any) -> SessionOptions:
    """Merge `create_session({...})` and `create_session(model=...)`; keywords win.

    `system_message` may be text or the SDK's `{"content": ..., "mode": ...}`;
    `streaming` is accepted and ignored (replies always stream).
    """
    merged = dict(options or {})
    unknown = sorted(set(merged) - set(_SESSION_OPTIONS))
    if unknown:
        supported = ", ".join(_SESSION_OPTIONS)
        raise InvalidArgumentError(
            f"create_session: unsupported option(s) {unknown}; supported: {supported}"
        )
    merged.update({key: value for key, value in keywords.items() if value is not None})
    return SessionOptions(
        model=_optional_text(merged, "model"),
        session_id=merged.get("session_id"),
        system_message=_system_message(merged.get("system_message")),
        title=_optional_text(merged, "title"),
    )


def _optional_text(options: Mapping[str, Any], key: str) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidArgumentError(
            f"create_session: {key} must be text, got {type(value).__name__}"
        )
    return value.strip() or None


def _system_message(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("content")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise InvalidArgumentError("create_session: system_message must be text")
    return value
