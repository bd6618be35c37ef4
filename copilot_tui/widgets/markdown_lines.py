"""A Markdown text shown as lines of one widget, cheap to grow at its end.

Textual's Markdown widget mounts a widget per block (several per list item), so a long
reply is hundreds of widgets that every streamed frame restyles and lays out again. Here
a block is drawn to strips once per width and kept; a streamed append redraws only the
last block. Text selection and links work as in any Textual text widget.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from markdown_it.tree import SyntaxTreeNode
from textual.geometry import Region, Size
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget

from copilot_tui.widgets import lexers
from copilot_tui.widgets.frames import virtual_size_without_relayout
from copilot_tui.widgets.md_blocks import Block, MarkdownBlocks
from copilot_tui.widgets.md_render import BLANK, Look, code_languages, render_blocks, stacked

HEADINGS = tuple(f"md--h{level}" for level in range(1, 7))
# In the order of Look's fields after `headings`.
STYLE_NAMES = (
    *("em", "strong", "strike", "code-inline", "link", "bullet", "quote"),
    *("quote-bar", "fence", "table-header", "table-lines", "rule"),
)

# Headings take the theme's Markdown heading variables, as in Textual's Markdown widget.
HEADING_CSS = "".join(
    f"MarkdownLines > .md--h{n} {{ color: $markdown-h{n}-color; "
    f"background: $markdown-h{n}-background; text-style: $markdown-h{n}-text-style; }}\n"
    for n in range(1, 7)
)


class MarkdownLines(Widget):
    """Markdown drawn line by line; `append` adds text at its end."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {*HEADINGS, *(f"md--{name}" for name in STYLE_NAMES)}
    DEFAULT_CSS = (
        HEADING_CSS
        + """
    MarkdownLines {
        height: auto;
        & > .md--em { text-style: italic; }
        & > .md--strong { text-style: bold; }
        & > .md--strike { text-style: strike; }
        & > .md--code-inline { background: $warning 10%; color: $text-warning 95%; }
        & > .md--link { color: $text-accent; text-style: underline; }
        & > .md--bullet { color: $text-primary; }
        & > .md--quote { background: $boost; }
        & > .md--quote-bar { color: $text-primary 50%; }
        & > .md--fence { background: black 10%; color: rgb(210,210,210); }
        & > .md--table-header { color: $primary; text-style: bold; }
        & > .md--table-lines { color: $foreground 20%; }
        & > .md--rule { color: $secondary; }
    }
    MarkdownLines:light {
        & > .md--code-inline { background: $error 5%; color: $text-error 95%; }
        & > .md--quote-bar { color: $text-secondary; }
        & > .md--fence { background: white 30%; color: $foreground; }
    }
    """
    )

    virtual_size = virtual_size_without_relayout()

    def __init__(self, markdown: str = "", *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self._source = [markdown]
        self._blocks = MarkdownBlocks.of(markdown)
        self._look: Look | None = None
        self._width = -1
        self._drawn: dict[int, list[Strip]] = {}  # by Block.version, at `_width`
        self._lines: list[Strip] | None = None
        self._regrown: Region | None = None
        self._grow_step = 1
        self._uncoloured: set[str] = set()  # languages drawn plain: their lexer is not built

    @property
    def grow_step(self) -> int:
        """The widget's height is a multiple of this many lines: room left under the
        text fills without a layout (of the whole screen, scrolling the view)."""
        return self._grow_step

    @grow_step.setter
    def grow_step(self, lines: int) -> None:
        if lines != self._grow_step:
            self._grow_step = lines
            self.refresh(layout=True)

    def _room(self, lines: int) -> int:
        return -(-lines // self._grow_step) * self._grow_step

    @property
    def source(self) -> str:
        """The Markdown shown."""
        if len(self._source) > 1:
            self._source = ["".join(self._source)]
        return self._source[0]

    def append(self, markdown: str) -> None:
        """Add text at the end; only the last block is drawn again."""
        if not markdown:
            return
        self._source.append(markdown)
        self._blocks.append(markdown)
        self._changed()

    def update(self, markdown: str) -> None:
        """Show `markdown` instead of what is shown now."""
        self._source = [markdown]
        self._blocks = MarkdownBlocks.of(markdown)
        self._changed()

    def _changed(self) -> None:
        old, self._lines = self._lines, None
        if self._width < 0 or old is None:
            self.refresh(layout=True)
            return
        new = self.lines_at(self._width)
        first = _first_difference(old, new)
        left, top = self.content_offset
        below = len(old) + len(new) + top + 2  # to past the bottom border, whichever is longer
        changed = Region(-left, first, self.outer_size.width, below)
        grown = self._room(len(new)) != self._room(len(old))
        if grown:
            self._regrown = changed  # for the resize's _set_dirty() calls that follow
        self.refresh(changed, layout=grown)

    def _set_dirty(self, *regions: Region) -> None:
        """Textual repaints a resized widget whole; one that grew at its end only needs
        its changed lines repainted (the rest stay cached: most of a long reply). Until
        the next paint, a wholesale repaint means the resize."""
        if not regions and self._regrown is not None and self._width == self.size.width:
            regions = (self._regrown,)
        super()._set_dirty(*regions)

    def selection_updated(self, selection: Selection | None) -> None:
        self._regrown = None  # the selection may cover any line
        super().selection_updated(selection)

    def lines_at(self, width: int) -> list[Strip]:
        """Every line of the text drawn `width` cells wide."""
        if width != self._width:
            self._width, self._drawn, self._lines = width, {}, None
        if self._lines is None:
            drawn = {block.version: self._draw(block) for block in self._blocks.all}
            self._drawn = drawn
            self._lines = stacked(drawn.values())
        return self._lines

    def _draw(self, block: Block) -> list[Strip]:
        lines = self._drawn.get(block.version)
        if lines is None:
            lines = render_blocks(block.nodes, self._width, self.look)
            self._colour_code_later(block.nodes)
        return lines

    def _colour_code_later(self, nodes: Iterable[SyntaxTreeNode]) -> None:
        # Code whose lexer is not built yet was drawn plain: the lexer is built once
        # this frame is on screen, not before it (see lexers.py). One colouring a view,
        # however many of its blocks (or streamed frames) drew plain code meanwhile.
        unbuilt = {name for name in code_languages(nodes) if not lexers.is_built(name)}
        if unbuilt and not self._uncoloured:
            self.call_after_refresh(self._colour_code)
        self._uncoloured |= unbuilt

    def _colour_code(self) -> None:
        for language in self._uncoloured:
            lexers.build(language)
        self._uncoloured.clear()
        self._drawn, self._lines = {}, None  # every block is drawn again, in colour
        self._regrown = None  # and every line repainted, not just the last ones
        self.refresh(layout=True)

    @property
    def look(self) -> Look:
        if self._look is None:
            self._look = self._read_look()
        return self._look

    def _read_look(self) -> Look:
        def style(name: str) -> Style:
            return self.get_visual_style(f"md--{name}", partial=True)

        headings = tuple(self.get_visual_style(name, partial=True) for name in HEADINGS)
        return Look(self.visual_style, headings, *map(style, STYLE_NAMES))  # type: ignore[arg-type]

    def notify_style_update(self) -> None:
        """The theme or a style changed: draw everything again in the new look."""
        super().notify_style_update()
        self._look, self._width, self._regrown = None, -1, None

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._room(len(self.lines_at(width)))

    def render_line(self, y: int) -> Strip:
        self._regrown = None  # painting: the resize is over
        lines = self.lines_at(self.size.width)
        line = lines[y] if y < len(lines) else BLANK
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(y)) is not None:
            line = self._selected(line, *span)
        return line.apply_offsets(0, y)

    def _selected(self, line: Strip, start: int, end: int) -> Strip:
        end = line.cell_length if end == -1 else end
        style = self.screen.get_component_rich_style("screen--selection")
        chosen = line.crop(start, end).apply_style(style)
        return Strip.join([line.crop(0, start), chosen, line.crop(end)])

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        text = "\n".join(line.text.rstrip() for line in self.lines_at(self.size.width))
        return selection.extract(text), "\n"

    def action_link(self, href: str) -> None:
        self.app.open_url(href)


def _first_difference(old: list[Strip], new: list[Strip]) -> int:
    """The first line that differs (mostly the first of the last block)."""
    for index, (before, after) in enumerate(zip(old, new, strict=False)):
        if before is not after and before != after:
            return index
    return min(len(old), len(new))
