"""Session exports: Markdown for people, JSON for programs, written atomically with mode 0600.

Markdown layout: an H1 with the title, a metadata list, the system message (quoted),
then every turn in order — "### You · <time>" with the prompt, "### <model> · <time>"
with the reply, a note when the reply did not complete, its token usage, its error.
A prompt of a compare run (A/B test) says so under its heading; so does the reply
marked the run's winner.

User text (prompts, the system message) is shown verbatim inside a fenced code block
whose fence is longer than any run of backticks in the text, so no prompt can open a
heading, close the block or start HTML. Replies are Markdown already and stay verbatim;
a code block a reply leaves open is closed after it so the next turn still renders.

JSON is safe to print to a terminal: every control character is \\u-escaped.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from copilot_tui.core.errors import CopilotError, InvalidArgumentError
from copilot_tui.core.events import (
    AssistantMessageEvent,
    AssistantUsageEvent,
    SessionErrorEvent,
    SessionEvent,
    UserMessageEvent,
    event_payload,
)
from copilot_tui.core.metadata import SessionMetadata, SessionRecord

EXPORT_FORMATS = ("md", "json")
MAX_FILENAME_LENGTH = 80
_MAX_ID_PART = 40  # of a file name, so a long id still leaves room for the title

_STATUS_NOTES = {
    "aborted": "*(reply aborted)*",
    "interrupted": "*(interrupted)*",
    "error": "*(failed)*",
    "streaming": "*(still streaming when exported)*",
}
# Escaped where a name or title sits inside Markdown (headings, list items).
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_BACKTICK_RUN = re.compile(r"`+")
_FENCE_LINE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# json.dumps(ensure_ascii=False) leaves DEL, C1 controls and lone surrogates raw.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff]")
_NOT_FILENAME_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


# -- Markdown ---------------------------------------------------------------------------


def export_markdown(record: SessionRecord) -> str:
    """The session as a Markdown document (see the module docstring for its layout)."""
    # A reply knows its prompt, and only the prompt knows the compare run.
    runs = {
        event.id: event.compare_id
        for event in record.events
        if isinstance(event, UserMessageEvent) and event.compare_id is not None
    }
    blocks = [_header(record.metadata), _system_block(record.system_message)]
    blocks += [_render_event(event, runs) for event in record.events]
    return "\n\n".join(block for block in blocks if block) + "\n"


def _header(meta: SessionMetadata) -> str:
    return "\n".join(
        (
            f"# {escape_inline(meta.title or meta.session_id)}",
            "",
            f"- Session: `{meta.session_id}`",
            f"- Model: {escape_inline(meta.model)}",
            f"- Created: {local_time(meta.start_time)}",
            f"- Modified: {local_time(meta.modified_time)}",
            f"- Messages: {meta.message_count}",
        )
    )


def _system_block(system_message: str | None) -> str:
    if not system_message:
        return ""
    lines = ["**System message**", "", *_LINE_BREAK.split(fenced(system_message))]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def _render_event(event: SessionEvent, runs: Mapping[str, str]) -> str:
    """One event's block; events that only matter while a turn runs give ""."""
    match event:
        case UserMessageEvent():
            return _prompt_block(event)
        case AssistantMessageEvent():
            return _reply_block(event, runs.get(event.reply_to))
        case AssistantUsageEvent():
            return f"*{event.input_tokens} tokens in · {event.output_tokens} out*"
        case SessionErrorEvent():
            return error_line(event.message)
        case _:
            return ""


def _prompt_block(event: UserMessageEvent) -> str:
    parts = [f"### You · {local_time(event.timestamp)}"]
    if event.compare_id is not None:
        parts.append(compare_run_mark(event.compare_id))
    return "\n\n".join([*parts, fenced(event.content)])


def _reply_block(event: AssistantMessageEvent, compare_id: str | None) -> str:
    parts = [f"### {escape_inline(event.model)} · {local_time(event.timestamp)}"]
    if event.winner:
        parts.append(winner_mark(compare_id))
    return "\n\n".join([*parts, *reply_body(event)])


def reply_body(event: AssistantMessageEvent) -> list[str]:
    """The blocks under a reply's heading: its text (fences closed), a note if unfinished."""
    parts = []
    if event.content:
        parts.append(closed_fences(event.content))
    elif event.status == "complete":
        parts.append("*(empty reply)*")
    note = _STATUS_NOTES.get(event.status)
    if note is not None:
        parts.append(note)
    return parts


def error_line(message: str) -> str:
    """An error as a one-line quote: "> **Error:** <message>"."""
    return f"> **Error:** {escape_inline(message)}"


def compare_run_mark(compare_id: str) -> str:
    """The line under a prompt of a compare run, e.g. "*(compare run `abc123`)*"."""
    return f"*(compare run {code_span(compare_id)})*"


def winner_mark(compare_id: str | None) -> str:
    """The line under the reply marked best of its compare run (None: run unknown)."""
    run = "its compare run" if compare_id is None else f"compare run {code_span(compare_id)}"
    return f"**★ Winner of {run}**"


def local_time(moment: datetime) -> str:
    """`moment` in the local time zone to the minute, e.g. "2026-11-21 14:03"."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def escape_inline(text: str) -> str:
    """`text` on one line with Markdown's inline syntax escaped."""
    return _INLINE_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def code_span(text: str) -> str:
    """`text` on one line as inline code that no backtick in it can end early."""
    text = " ".join(text.split()) or " "
    fence = "`" * (_longest_backtick_run(text) + 1)
    padded = f" {text} " if text[0] == "`" or text[-1] == "`" else text
    return f"{fence}{padded}{fence}"


def fenced(text: str) -> str:
    """`text` verbatim in a code block no line of it can close."""
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}text\n{body}{fence}"


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)


def closed_fences(reply: str) -> str:
    """`reply`, plus a closing fence if it leaves a fenced code block open."""
    opened = _open_fence(reply)
    reply = reply.rstrip("\r\n")  # the blank line before the next block is added anyway
    return reply if opened is None else f"{reply}\n{opened}"


def _open_fence(text: str) -> str | None:
    opened: str | None = None
    for line in _LINE_BREAK.split(text):
        match = _FENCE_LINE.fullmatch(line)
        if match is None:
            continue
        run, rest = match.groups()
        if opened is None:
            # A backtick fence's info string may not hold a backtick (CommonMark).
            opened = None if run[0] == "`" and "`" in rest else run
        elif run[0] == opened[0] and len(run) >= len(opened) and not rest.strip():
            opened = None
    return opened


# -- JSON -------------------------------------------------------------------------------


def export_json(record: SessionRecord) -> str:
    """The session as JSON: {"session": {...}, "events": [{"type", "id", "timestamp", ...}]}."""
    session = {**metadata_dict(record.metadata), "system_message": record.system_message}
    events = [_event_dict(event) for event in record.events]
    return json_text({"session": session, "events": events}) + "\n"


def metadata_dict(meta: SessionMetadata) -> dict[str, Any]:
    """A session's metadata, JSON-ready; times are ISO 8601 with their UTC offset."""
    return {
        "session_id": meta.session_id,
        "title": meta.title,
        "model": meta.model,
        "start_time": meta.start_time.isoformat(),
        "modified_time": meta.modified_time.isoformat(),
        "message_count": meta.message_count,
    }


def _event_dict(event: SessionEvent) -> dict[str, Any]:
    head = {"type": str(event.type), "id": event.id, "timestamp": event.timestamp.isoformat()}
    return {**head, **event_payload(event)}


def json_text(value: Any) -> str:
    """`value` as indented JSON with no raw control character, so a terminal can show it."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


# -- files ------------------------------------------------------------------------------


def export_filename(record: SessionRecord, fmt: str) -> str:
    """A safe file name from the title and id, e.g. "pelican-questions-user-123-chat.md".

    Only ASCII letters, digits, "-" and "_" before the extension; at most 80 characters.

    Raises:
        InvalidArgumentError: `fmt` is not "md" or "json".
    """
    if fmt not in EXPORT_FORMATS:
        raise InvalidArgumentError(f"unknown export format {fmt!r}; use md or json")
    id_part = filename_slug(record.metadata.session_id)[:_MAX_ID_PART].strip("-_")
    title_part = filename_slug(record.metadata.title.lower())
    if title_part.lower() == id_part.lower():  # the title is often the id itself
        title_part = ""
    room = MAX_FILENAME_LENGTH - len(fmt) - 1 - (len(id_part) + 1 if id_part else 0)
    parts = [title_part[:room].strip("-_"), id_part]
    stem = "-".join(part for part in parts if part) or "session"
    return f"{stem}.{fmt}"


def filename_slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_FILENAME_SAFE.sub("-", ascii_text).strip("-_")


def write_export(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (a temp file renamed over it), mode 0600.

    A symbolic link at `path` stays a link; the file it points to is replaced.

    Raises:
        CopilotError: the file cannot be written (the message names it and why).
    """
    target = Path(os.path.realpath(path))
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        _write_private(temp, text)
        os.replace(temp, target)
    except BaseException as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            reason = error.strerror or str(error)
            raise CopilotError(f"cannot write {path}: {reason}") from None
        raise


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as stream:
        os.fchmod(stream.fileno(), 0o600)  # exactly 0600, whatever the umask
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())
