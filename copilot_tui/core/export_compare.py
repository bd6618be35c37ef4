"""Compare-run exports: one prompt's replies from several sessions, side by side in Markdown.

Layout: an H1 "Compare run <id>", a list with when it ran and the winner (if one is
marked), the prompt once (fenced like the session export fences prompts), then one
"## <model> · <session id>" section per session with its figures, the winner mark,
the reply verbatim (an open code block closed after it), its error and a status note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from copilot_tui.core.compare import CompareEntry, compare_entry
from copilot_tui.core.export import (
    MAX_FILENAME_LENGTH,
    error_line,
    escape_inline,
    fenced,
    filename_slug,
    local_time,
    reply_body,
    winner_mark,
)
from copilot_tui.core.figures import ReplyFigures
from copilot_tui.core.metadata import SessionRecord

_FILENAME_PREFIX = "compare-"
_FILENAME_SUFFIX = ".md"


def compare_entries(compare_id: str, records: Sequence[SessionRecord]) -> list[CompareEntry]:
    """Each record's turn of compare run `compare_id`, in the order of `records`."""
    return [
        compare_entry(record.metadata.session_id, record.metadata.model, record.events, compare_id)
        for record in records
    ]


def export_compare_markdown(
    compare_id: str, entries: Sequence[CompareEntry], titles: Mapping[str, str] | None = None
) -> str:
    """A compare run as one Markdown document (see the module docstring for its layout).

    Args:
        compare_id: the run's id, shown in the heading and the winner mark.
        entries: one per session, in the order the sections should appear.
        titles: session titles by session id, added to the section headings.
    """
    blocks = [_header(compare_id, entries), _prompt_block(entries)]
    blocks += [
        _entry_block(entry, compare_id, (titles or {}).get(entry.session_id, ""))
        for entry in entries
    ]
    return "\n\n".join(block for block in blocks if block) + "\n"


def compare_filename(compare_id: str) -> str:
    """A safe file name for a run's export, e.g. "compare-abc123def456.md".

    Only ASCII letters, digits, "-" and "_" after the prefix; at most 80 characters.
    """
    room = MAX_FILENAME_LENGTH - len(_FILENAME_PREFIX) - len(_FILENAME_SUFFIX)
    id_part = filename_slug(compare_id)[:room].strip("-_") or "run"
    return f"{_FILENAME_PREFIX}{id_part}{_FILENAME_SUFFIX}"


def _header(compare_id: str, entries: Sequence[CompareEntry]) -> str:
    lines = [f"# Compare run {escape_inline(compare_id)}", ""]
    prompts = [entry.prompt for entry in entries if entry.prompt is not None]
    if prompts:
        lines.append(f"- Ran: {local_time(min(p.timestamp for p in prompts))}")
    lines.append(f"- Sessions: {len(entries)}")
    winners = [_entry_name(entry) for entry in entries if entry.reply and entry.reply.winner]
    if winners:
        lines.append(f"- Winner: {', '.join(winners)}")
    return "\n".join(lines)


def _prompt_block(entries: Sequence[CompareEntry]) -> str:
    """The run's prompt (the earliest; a broadcast sends the same text to every session)."""
    prompts = [entry.prompt for entry in entries if entry.prompt is not None]
    if not prompts:
        return ""
    first = min(prompts, key=lambda prompt: prompt.timestamp)
    return f"**Prompt**\n\n{fenced(first.content)}"


def _entry_block(entry: CompareEntry, compare_id: str, title: str) -> str:
    heading = f"## {_entry_name(entry)}"
    if title.strip():
        heading += f" · {escape_inline(title)}"
    parts = [heading]
    if entry.reply is not None and entry.reply.winner:
        parts.append(winner_mark(compare_id))
    finished = entry.reply is not None and entry.reply.status == "complete"
    parts.append(_figures_line(entry.figures if finished else None))
    parts += reply_body(entry.reply) if entry.reply is not None else ["*(no reply)*"]
    if entry.error is not None:
        parts.append(error_line(entry.error.message))
    return "\n\n".join(parts)


def _entry_name(entry: CompareEntry) -> str:
    return f"{escape_inline(entry.model)} · {escape_inline(entry.session_id)}"


def _figures_line(figures: ReplyFigures | None) -> str:
    """E.g. "*first token 0.31 s · total 2.40 s · 12 in · 340 out · 141 tok/s*".

    Only a complete reply gets figures (like `ask`'s headers): a cut-off one's are
    not comparable with the others.
    """
    if figures is None:
        return "*(no figures)*"
    first = _seconds(figures.ttft_s)
    total = _seconds(figures.duration_s)
    return f"*first token {first} · total {total} · {figures.describe()}*"


def _seconds(value: float | None) -> str:
    return "?" if value is None else f"{value:.2f} s"
