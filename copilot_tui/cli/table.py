"""Plain-text tables for a terminal: display widths, truncation, alignment."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

ELLIPSIS = "…"
COLUMN_GAP = "  "


def cell_width(text: str) -> int:
    """How many terminal cells `text` takes: wide East Asian characters 2, combining marks 0."""
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def truncate(text: str, width: int) -> str:
    """`text` cut to at most `width` cells, ending in "…" when anything was cut."""
    if cell_width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += _char_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept) + ELLIPSIS if width > 0 else ""


def pad(text: str, width: int, *, right: bool = False) -> str:
    """`text` padded with spaces to `width` cells (right-aligned if `right`)."""
    fill = " " * max(0, width - cell_width(text))
    return fill + text if right else text + fill


def render_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    max_width: int,
    shrink: int = 0,
    right_aligned: frozenset[int] = frozenset(),
) -> list[str]:
    """Aligned lines; column `shrink` is truncated so each line fits in `max_width` cells.

    The shrinking column keeps at least its header's width, so a very narrow terminal
    gets lines that wrap rather than columns that vanish.
    """
    widths = [
        max(cell_width(cell) for cell in column) for column in zip(headers, *rows, strict=True)
    ]
    others = sum(width for index, width in enumerate(widths) if index != shrink)
    room = max_width - others - len(COLUMN_GAP) * (len(widths) - 1)
    widths[shrink] = max(cell_width(headers[shrink]), min(widths[shrink], room))
    return [_line(row, widths, shrink, right_aligned) for row in (headers, *rows)]


def _line(row: Sequence[str], widths: list[int], shrink: int, right_aligned: frozenset[int]) -> str:
    cells = [truncate(cell, widths[i]) if i == shrink else cell for i, cell in enumerate(row)]
    padded = [pad(cell, widths[i], right=i in right_aligned) for i, cell in enumerate(cells)]
    return COLUMN_GAP.join(padded).rstrip()
