"""The session picker's rows: built once from the store, filtered on every keystroke."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from copilot_tui.core.metadata import SessionMetadata
from copilot_tui.core.store import SearchHit
from copilot_tui.safe_text import printable


@dataclass(frozen=True, slots=True)
class PickerRow:
    """One session as the picker shows it; text fields are already made printable."""

    session_id: str
    title: str
    model: str
    modified: datetime
    message_count: int
    # What filtering matches against, casefolded once here rather than per keystroke.
    haystack: str
    snippet: str = ""  # search mode: the matching message text, matches marked with « »

    def renamed(self, title: str, when: datetime) -> PickerRow:
        """This row after the session was renamed at `when`."""
        shown = one_line(title)
        return dataclasses.replace(
            self, title=shown, modified=when, haystack=_haystack(shown, self.session_id)
        )


def one_line(text: str) -> str:
    """`text` made printable and flattened to one line (a row has no room for breaks)."""
    return " ".join(printable(text).split())


def _haystack(title: str, session_id: str) -> str:
    return f"{title}\n{session_id}".casefold()


def row_for(meta: SessionMetadata) -> PickerRow:
    """The row for a stored session."""
    title = one_line(meta.title)
    return PickerRow(
        meta.session_id,
        title,
        one_line(meta.model),
        meta.modified_time,
        meta.message_count,
        _haystack(title, meta.session_id),
    )


def filter_rows(rows: Sequence[PickerRow], text: str) -> list[PickerRow]:
    """The rows whose title or id contains `text`, ignoring case, in their order."""
    needle = text.strip().casefold()
    if not needle:
        return list(rows)
    return [row for row in rows if needle in row.haystack]


def rows_for_hits(hits: Iterable[SearchHit], known: Mapping[str, PickerRow]) -> list[PickerRow]:
    """One row per session found by a text search (its best hit), best first.

    `known` gives the sessions' listed details; a session missing from it (stored
    after the list was read) gets what the hit itself tells.
    """
    rows: dict[str, PickerRow] = {}
    for hit in hits:
        if hit.session_id in rows:
            continue
        base = known.get(hit.session_id) or _row_from_hit(hit)
        rows[hit.session_id] = dataclasses.replace(base, snippet=one_line(hit.snippet))
    return list(rows.values())


RowChange = Callable[[PickerRow], PickerRow | None]


def change_rows(rows: Iterable[PickerRow], session_id: str, change: RowChange) -> list[PickerRow]:
    """`rows` with `session_id`'s row replaced by `change(row)`, or dropped if that is None."""
    changed: list[PickerRow] = []
    for row in rows:
        if row.session_id != session_id:
            changed.append(row)
        elif (new := change(row)) is not None:
            changed.append(new)
    return changed


def _row_from_hit(hit: SearchHit) -> PickerRow:
    title = one_line(hit.title)
    return PickerRow(hit.session_id, title, "", hit.timestamp, 0, _haystack(title, hit.session_id))
