"""Decoding of streamed Chat Completions payloads (`chat.completion.chunk`), no I/O.

One SSE `data` string in, one `DecodedChunk` out. Servers that call themselves
OpenAI-compatible differ in the details (legacy `text`, a final non-delta
`message`, usage in the last content chunk, Groq's `x_groq.usage`, errors sent
mid-stream), so every field is read defensively: a missing or mistyped field
reads as empty. Only a payload that is not a JSON object, or that reports an
error, raises — and then always `ProviderError`.

To decode another field (say `reasoning_content`), add it to `DecodedChunk` and
read it in `_decode_object` with one small `_..._of(choice)` helper.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from copilot_tui.core.errors import ProviderError

_DONE_SENTINEL = "[DONE]"
_ERROR_MESSAGE_LIMIT = 500
# Unicode categories escaped in excerpts: controls, format characters (bidi
# overrides, zero-width), lone surrogates and the line/paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


@dataclass(frozen=True, slots=True)
class ChunkUsage:
    """Token counts a server reported; a count it left out reads as 0."""

    input_tokens: int
    output_tokens: int


@dataclass(frozen=True, slots=True)
class DecodedChunk:
    """What one streamed payload contributes to the reply.

    Attributes:
        content: The text delta; "" when the chunk carries none.
        usage: Token usage, when this chunk reports it.
        finish_reason: Why generation stopped ("stop", "length", ...), if it did.
        done: True for the `[DONE]` sentinel that ends the stream.
    """

    content: str = ""
    usage: ChunkUsage | None = None
    finish_reason: str | None = None
    done: bool = False


_NOT_JSON = object()
# The scanner json.loads ends up in (C when available); typeshed does not declare it.
_scan_json: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def decode_chunk(data: str, *, source: str) -> DecodedChunk:
    """Decodes the `data` of one SSE event of a streamed chat completion.

    Args:
        data: The event's data: a JSON object, or the `[DONE]` sentinel.
        source: Where the stream comes from (e.g. "https://api.openai.com/v1"),
            used in error messages.

    Returns:
        The decoded chunk.

    Raises:
        ProviderError: "protocol" when `data` is not a JSON object; "server",
            "rate_limit" or "context_length" when it reports an error.
    """
    return DecodedChunk(*decode_fields(data, source=source))


# DecodedChunk's fields as a tuple: much cheaper to build at one chunk per token.
ChunkFields = tuple[str, "ChunkUsage | None", "str | None", bool]
_DONE_FIELDS: ChunkFields = ("", None, None, True)


def decode_fields(data: str, *, source: str) -> ChunkFields:
    """`decode_chunk(data, source=source)`'s fields, as a tuple in `DecodedChunk` order."""
    payload = _json_object(data)
    if payload is None:
        if data == _DONE_SENTINEL or data.strip() == _DONE_SENTINEL:
            return _DONE_FIELDS
        payload = _parse_object(data, source)
    error = _error_of(payload)
    if error is not None:
        raise _mid_stream_error(error, source)
    return _decode_object(payload)


def sanitize_excerpt(text: str, limit: int = 80) -> str:
    """Makes untrusted text safe to show in a one-line message.

    Control and format characters, lone surrogates and line separators are
    written as Python escapes ("\\x1b", "\\n", "\\u202e"), so a payload cannot
    move the cursor, clear the screen or break the line. Text longer than
    `limit` is cut, never inside an escape, and ends with "…".

    Args:
        text: Any string.
        limit: The most characters to return, "…" included; at least 1.

    Returns:
        The sanitized excerpt, at most `limit` characters long.

    Raises:
        ValueError: If `limit` is less than 1.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    if len(text) <= limit and text.isprintable():
        return text
    pieces = [_escape_char(char) for char in text[: limit + 1]]
    if len(text) <= limit and sum(map(len, pieces)) <= limit:
        return "".join(pieces)
    kept: list[str] = []
    room = limit - 1  # leave room for the ellipsis
    for piece in pieces:
        if len(piece) > room:
            break
        kept.append(piece)
        room -= len(piece)
    return "".join(kept) + "…"


def _escape_char(char: str) -> str:
    if char.isprintable() or unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    return char.encode("unicode_escape").decode("ascii")


def _parse_object(data: str, source: str) -> dict[str, Any]:
    if not data.strip():
        raise ProviderError(f"malformed chunk from {source}: empty data", error_type="protocol")
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        payload = _NOT_JSON
    if isinstance(payload, dict):
        return payload
    problem = "" if payload is _NOT_JSON else "expected a JSON object: "
    raise ProviderError(
        f"malformed chunk from {source}: {problem}{sanitize_excerpt(data)}",
        error_type="protocol",
    )


def _error_of(payload: dict[str, Any]) -> object | None:
    """The error a payload reports, if any.

    `"error": null` is read as "no error" (some servers always send the key).
    vLLM's older streaming errors are bare `{"object": "error", ...}` objects.
    """
    error = payload.get("error")
    if error is None and payload.get("object") == "error":
        return payload
    return error


def _mid_stream_error(error: object, source: str) -> ProviderError:
    message = sanitize_excerpt(_error_message(error), _ERROR_MESSAGE_LIMIT)
    return ProviderError(
        f"error from {source} mid-stream: {message}",
        error_type=_error_type(error),
        retryable=False,
    )


def _error_message(error: object) -> str:
    """The error's `message`, else the error itself as text; never empty."""
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        error = error["message"]
    if isinstance(error, str):
        return error or "(no message)"
    try:
        return json.dumps(error, ensure_ascii=False)
    except (ValueError, RecursionError):  # nesting deep enough to exhaust the stack
        return "(unreadable error object)"


def _error_type(error: object) -> str:
    """Classifies an error object by its `code` and `type`; "server" otherwise."""
    if not isinstance(error, dict):
        return "server"
    code, kind = error.get("code"), error.get("type")
    if code in (429, "429"):
        return "rate_limit"
    labels = "".join(_squashed(label) for label in (code, kind) if isinstance(label, str))
    if "ratelimit" in labels or "toomanyrequests" in labels:
        return "rate_limit"
    if "contextlength" in labels or "contextwindow" in labels or "contextsize" in labels:
        return "context_length"
    return "server"


def _squashed(label: str) -> str:
    """A label in lower case without separators, so spelling variants compare equal.

    "rate_limit_exceeded" and "RateLimitExceeded" both give "ratelimitexceeded|";
    the "|" keeps two joined labels from forming a word neither contains.
    """
    return "".join(char for char in label.lower() if char.isalnum()) + "|"


def _json_object(data: str) -> dict[str, Any] | None:
    """`data` parsed, if it is exactly one JSON object; None means "ask json.loads".

    Calls the C scanner `json.loads` ends up in, without its Python layers, which
    cost more than the scan itself for a typical 150-byte chunk. Anything unusual
    (leading or trailing whitespace, a parse error) goes the slow way, which also
    produces the error message.
    """
    if not data.startswith("{"):
        return None
    try:
        payload, end = _scan_json(data, 0)
    except (ValueError, RecursionError, StopIteration):
        return None
    return payload if end == len(data) else None


def _decode_object(payload: dict[str, Any]) -> ChunkFields:
    choice = _first_choice(payload)
    return _content_of(choice), _usage_of(payload, choice), _finish_reason_of(choice), False


def _first_choice(payload: dict[str, Any]) -> dict[str, Any]:
    choices = payload.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        return choices[0]
    return {}


def _content_of(choice: dict[str, Any]) -> str:
    """The text of a choice: `delta.content`, else `message.content`, else `text`."""
    for container_key in ("delta", "message"):
        container = choice.get(container_key)
        if isinstance(container, dict):
            text = _text_of(container.get("content"))
            if text:
                return text
    return _text_of(choice.get("text"))


def _text_of(content: object) -> str:
    """Content as a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return ""


def _finish_reason_of(choice: dict[str, Any]) -> str | None:
    reason = choice.get("finish_reason")
    return reason if isinstance(reason, str) and reason else None


def _usage_of(payload: dict[str, Any], choice: dict[str, Any]) -> ChunkUsage | None:
    """Usage from `usage`, else Groq's `x_groq.usage`, else the choice's `usage`."""
    if payload.get("usage") is None and "x_groq" not in payload and "usage" not in choice:
        return None  # a content chunk: the common case, answered with the fewest lookups
    groq = payload.get("x_groq")
    groq_usage = groq.get("usage") if isinstance(groq, dict) else None
    for usage in (payload.get("usage"), groq_usage, choice.get("usage")):
        if isinstance(usage, dict):
            return ChunkUsage(
                input_tokens=_token_count(usage, "prompt_tokens", "input_tokens"),
                output_tokens=_token_count(usage, "completion_tokens", "output_tokens"),
            )
    return None


def _token_count(usage: dict[str, Any], *keys: str) -> int:
    """The first usable count under `keys`: a non-negative whole number, else 0."""
    for key in keys:
        value = usage.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and value >= 0:
            return value
        if isinstance(value, float) and value.is_integer():  # False for inf and nan
            return max(int(value), 0)
    return 0
