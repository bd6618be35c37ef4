"""Markdown tables drawn to strips: columns sized to fit, cells wrapped, a rule under
the header row."""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.style import Style

GAP = " │ "


def render_table(
    rows: list[list[Content]], width: int, base: Style, header: Style, lines: Style
) -> list[Strip]:
    """`rows` (the header row first) as a table at most `width` cells wide."""
    if not rows:
        return []
    columns = max(len(row) for row in rows)
    rows = [row + [Content("")] * (columns - len(row)) for row in rows]
    widths = column_widths(
        [max(row[index].cell_length for row in rows) for index in range(columns)],
        width - len(GAP) * (columns - 1),
    )
    gap = Segment(GAP, (base + lines).rich_style)
    head_base = base + header
    strips = _row_strips(rows[0], widths, head_base, gap)
    rule = "─┼─".join("─" * column for column in widths)
    strips.append(Strip([Segment(rule, (base + lines).rich_style)]))
    for row in rows[1:]:
        strips.extend(_row_strips(row, widths, base, gap))
    return strips


def column_widths(natural: list[int], available: int) -> list[int]:
    """Each column's natural width, or a fair share of `available` when they do not all
    fit: narrow columns keep their width, the wide ones split what is left."""
    widths = list(natural)
    remaining = max(available, len(natural))
    by_width = sorted(range(len(natural)), key=natural.__getitem__)
    for done, index in enumerate(by_width):
        share = remaining // (len(natural) - done)
        widths[index] = max(min(natural[index], share), 1)
        remaining -= widths[index]
    return widths


def _row_strips(row: list[Content], widths: list[int], base: Style, gap: Segment) -> list[Strip]:
    cells = [cell.wrap(width) for cell, width in zip(row, widths, strict=True)]
    height = max(len(cell) for cell in cells)
    fill = base.rich_style
    strips = []
    for y in range(height):
        segments: list[Segment] = []
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            if index:
                segments.append(gap)
            line = cell[y] if y < len(cell) else Content("")
            segments.extend(Strip(line.render_segments(base)).extend_cell_length(width, fill))
        strips.append(Strip(segments))
    return strips
