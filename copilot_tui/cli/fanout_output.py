"""How a fan-out looks: a header and the text per reply, a JSON document, a summary line."""

from __future__ import annotations

from typing import Any, TextIO

from copilot_tui.cli.fanout import FanoutReply, FanoutRun
from copilot_tui.cli.output import one_line
from copilot_tui.core.figures import ReplyFigures
from copilot_tui.safe_text import printable


def reply_header(reply: FanoutReply) -> str:
    """E.g. "── gpt-4o · 7f3a… · first token 0.31 s · 2.40 s · 12 in · 340 out · 141 tok/s ──"."""
    entry = reply.entry
    parts = [entry.model, entry.session_id, *_header_details(reply)]
    return f"── {one_line(' · '.join(parts))} ──"


def _header_details(reply: FanoutReply) -> list[str]:
    entry = reply.entry
    if entry.error is not None:
        return [f"error: {entry.error.message}"]
    if entry.reply is None:
        return ["error: no reply"]
    if entry.reply.status != "complete":  # aborted or interrupted: no error, no figures
        return [entry.reply.status]
    figures = entry.figures
    return [] if figures is None else [figures.describe_timing(), figures.describe()]


def reply_section(reply: FanoutReply) -> str:
    """The header, the reply's text (control characters made visible), a blank line."""
    message = reply.entry.reply
    text = printable(message.content) if message is not None else ""
    if text and not text.endswith("\n"):
        text += "\n"
    return f"{reply_header(reply)}\n{text}\n"


class SectionPrinter:
    """Prints each reply's section as it comes, flushed so a pipe shows it at once."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def __call__(self, reply: FanoutReply) -> None:
        self._stream.write(reply_section(reply))
        self._stream.flush()


def summary_line(run: FanoutRun) -> str:
    """E.g. "compare run 3f2a…: 3 replies in 2.41 s (slowest 2.40 s); 1 failed"."""
    count = len(run.replies)
    noun = "reply" if count == 1 else "replies"
    line = (
        f"compare run {run.compare_id}: {count} {noun} in {run.elapsed_s:.2f} s "
        f"(slowest {run.slowest_s:.2f} s)"
    )
    return f"{line}; {run.failed_count} failed" if run.failed_count else line


def run_document(run: FanoutRun) -> dict[str, Any]:
    """The `ask --json` document: the run and every reply with its figures, JSON-ready."""
    return {
        "compare_id": run.compare_id,
        "prompt": run.prompt,
        "elapsed_s": _seconds(run.elapsed_s),
        "replies": [_reply_dict(reply) for reply in run.replies],
    }


def _reply_dict(reply: FanoutReply) -> dict[str, Any]:
    entry, message = reply.entry, reply.entry.reply
    return {
        "model": entry.model,
        "session_id": entry.session_id,
        "status": "error" if message is None else message.status,
        "content": "" if message is None else message.content,
        "error": None if entry.error is None else entry.error.message,
        **_figures_dict(entry.figures),
    }


def _figures_dict(figures: ReplyFigures | None) -> dict[str, Any]:
    if figures is None:  # the turn failed before a reply started
        names = ("ttft_s", "duration_s", "input_tokens", "output_tokens", "tokens_per_s")
        return {**dict.fromkeys(names), "estimated_tokens": None}
    speed = figures.tokens_per_s
    return {
        "ttft_s": _seconds(figures.ttft_s),
        "duration_s": _seconds(figures.duration_s),
        "input_tokens": figures.input_tokens,
        "output_tokens": figures.output_tokens,
        "tokens_per_s": None if speed is None else round(speed, 1),
        "estimated_tokens": figures.estimated,
    }


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
