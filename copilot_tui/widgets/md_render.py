"""Markdown blocks drawn straight to lines (strips) of a given width.

The look follows Textual's Markdown widget (same theme variables, bullets, code
highlighting), but a block becomes a few strips instead of a tree of widgets: nothing
to mount, style or lay out, so a finished block costs nothing on later frames.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from markdown_it.tree import SyntaxTreeNode
from rich.segment import Segment
from textual.content import Content, Span
from textual.strip import Strip
from textual.style import Style

from copilot_tui.widgets import lexers
from copilot_tui.widgets.md_tables import render_table

BULLETS = ("• ", "▪ ", "‣ ", "⭑ ", "◦ ")  # by nesting depth, as Textual's Markdown has them
QUOTE_BAR = "▌ "
FENCE_PAD = 2  # columns of padding either side of code, and one line above and below
BLANK = Strip([])  # strips never change: one empty line serves everywhere


@dataclass(frozen=True)
class Look:
    """The styles a reply is drawn in, read from its widget's component classes."""

    base: Style
    headings: tuple[Style, Style, Style, Style, Style, Style]
    em: Style
    strong: Style
    strike: Style
    code_inline: Style
    link: Style
    bullet: Style
    quote: Style
    quote_bar: Style
    fence: Style
    table_header: Style
    table_lines: Style
    rule: Style


Renderer = Callable[[SyntaxTreeNode, int, Look], list[Strip]]


def render_blocks(nodes: list[SyntaxTreeNode], width: int, look: Look) -> list[Strip]:
    """Blocks one under another, with a blank line between each two."""
    return stacked(render_block(node, width, look) for node in nodes)


def stacked(blocks: Iterable[list[Strip]]) -> list[Strip]:
    """The lines of `blocks` in order, a blank line between each two."""
    lines: list[Strip] = []
    for block in blocks:
        if lines:
            lines.append(BLANK)
        lines.extend(block)
    return lines


def render_block(node: SyntaxTreeNode, width: int, look: Look) -> list[Strip]:
    """One block; at widths too narrow for its indents and gutters, lines are cut."""
    width = max(width, 1)
    lines = RENDERERS.get(node.type, _plain)(node, width, look)
    return [line.crop(0, width) if line.cell_length > width else line for line in lines]


def strips_of(content: Content, width: int, base: Style, *, center: bool = False) -> list[Strip]:
    """`content` word-wrapped to `width`, one strip per line."""
    lines = content.wrap(width)
    if center:
        lines = [line.center(width) for line in lines]
    return [Strip(line.render_segments(base), line.cell_length) for line in lines]


def inline_content(node: SyntaxTreeNode | None, look: Look) -> Content:
    """The text of an inline node (emphasis, code, links...) as styled content."""
    builder = _InlineBuilder(look)
    if node is not None:
        builder.add_children(node)
    return Content("".join(builder.texts), spans=builder.spans)


class _InlineBuilder:
    def __init__(self, look: Look) -> None:
        self.look = look
        self.texts: list[str] = []
        self.spans: list[Span] = []
        self.position = 0

    def add(self, text: str, style: Style | None = None) -> None:
        if style is not None:
            self.spans.append(Span(self.position, self.position + len(text), style))
        self.texts.append(text)
        self.position += len(text)

    def add_children(self, node: SyntaxTreeNode, style: Style | None = None) -> None:
        start = self.position
        for child in node.children:
            self.add_node(child)
        if style is not None:
            self.spans.append(Span(start, self.position, style))

    def add_node(self, node: SyntaxTreeNode) -> None:
        kind, look = node.type, self.look
        if kind in ("text", "html_inline"):
            self.add(node.content)
        elif kind == "softbreak":
            self.add(" ")
        elif kind == "hardbreak":
            self.add("\n")
        elif kind == "code_inline":
            self.add(node.content, look.code_inline)
        elif kind in ("em", "strong", "s"):
            self.add_children(node, {"em": look.em, "strong": look.strong, "s": look.strike}[kind])
        elif kind == "link":
            self.add_children(node, look.link + _click(str(node.attrs.get("href", ""))))
        elif kind == "image":
            self.add(
                f"🖼  {node.attrs.get('alt', '') or ''}", _click(str(node.attrs.get("src", "")))
            )
        else:
            self.add_children(node)


def _click(href: str) -> Style:
    return Style.from_meta({"@click": f"link({href!r})"})


def _paragraph(node: SyntaxTreeNode, width: int, look: Look) -> list[Strip]:
    return strips_of(inline_content(_inline_child(node), look), width, look.base)


def _heading(node: SyntaxTreeNode, width: int, look: Look) -> list[Strip]:
    level = min(max(int(node.tag[1:] or 1), 1), 6)
    content = inline_content(_inline_child(node), look).stylize_before(look.headings[level - 1])
    return strips_of(content, width, look.base, center=level == 1)


def _inline_child(node: SyntaxTreeNode) -> SyntaxTreeNode | None:
    return node.children[0] if node.children else None


def _rule(node: SyntaxTreeNode, width: int, look: Look) -> list[Strip]:
    return [Strip([Segment("─" * width, (look.base + look.rule).rich_style)], width)]


def _quote(node: SyntaxTreeNode, width: int, look: Look) -> list[Strip]:
    inner = replace(look, base=look.base + look.quote)
    bar = Segment(QUOTE_BAR[0], (inner.base + look.quote_bar).rich_style)
    gap = Segment(QUOTE_BAR[1:], inner.base.rich_style)
    body = render_blocks(node.children, width - len(QUOTE_BAR), inner)
    fill = inner.base.rich_style
    return [Strip([bar, gap, *line]).extend_cell_length(width, fill) for line in body]


def _list(node: SyntaxTreeNode, width: int, look: Look) -> list[Strip]:
    symbols = _list_symbols(node)
    indent = max(len(symbol) for symbol in symbols) if symbols else 0
    tight = _is_tight(node)
    lines: list[Strip] = []
    for symbol, item in zip(symbols, node.children, strict=True):
        if lines and not tight:
            lines.append(BLANK)
        body = _item_body(item, width - indent, look, tight) or [BLANK]
        first = Segment(symbol.rjust(indent), (look.base + look.bullet).rich_style)
        lines.append(Strip([first, *body[0]]))
        pad = Segment(" " * indent, look.base.rich_style)
        lines.extend(Strip([pad, *line]) for line in body[1:])
    return lines


def _list_symbols(node: SyntaxTreeNode) -> list[str]:
    if node.type == "ordered_list":
        start = int(str(node.attrs.get("start", 1)))
        numbers = [f"{number}. " for number in range(start, start + len(node.children))]
        size = max(map(len, numbers), default=0) + 1
        return [number.rjust(size) for number in numbers]
    depth, parent = 0, node.parent
    while parent is not None:
        depth += parent.type == "bullet_list"
        parent = parent.parent
    return [BULLETS[depth % len(BULLETS)]] * len(node.children)


def _is_tight(node: SyntaxTreeNode) -> bool:
    """A tight list (no blank lines between items) hides its items' paragraphs."""
    return all(
        child.hidden
        for item in node.children
        for child in item.children
        if child.type == "paragraph"
    )


def _item_body(item: SyntaxTreeNode, width: int, look: Look, tight: bool) -> list[Strip]:
    if not tight:
        return render_blocks(item.children, width, look)
    return [line for child in item.children for line in render_block(child, width, look)]


def code_language(node: SyntaxTreeNode) -> str:
    """The language a code block names (its info string's first word), else "text"."""
    return node.info.split()[0] if node.info.strip() else "text"


def code_languages(nodes: Iterable[SyntaxTreeNode]) -> set[str]:
    """The languages of the code blocks in `nodes`, however deeply nested."""
    return {
        code_language(node)
        for top in nodes
        for node in top.walk()
        if node.type in ("fence", "code_block")
    }


def _code(node: SyntaxTreeNode, width: int, look: Look) -> list[Strip]:
    code = lexers.highlighted(node.content.rstrip("\n"), code_language(node))
    base = look.base + look.fence
    inner = max(width - 2 * FENCE_PAD, 1)
    pad = Segment(" " * FENCE_PAD, base.rich_style)
    blank = Strip.blank(width, base.rich_style)
    lines = [blank]
    for code_line in code.split("\n", allow_blank=True):
        for part in code_line.expand_tabs(4).fold(inner):
            segments = [pad, *part.render_segments(base)]
            lines.append(Strip(segments).extend_cell_length(width, base.rich_style))
    lines.append(blank)
    return lines


def _table(node: SyntaxTreeNode, width: int, look: Look) -> list[Strip]:
    rows = [
        [inline_content(_inline_child(cell), look) for cell in row.children]
        for section in node.children
        for row in section.children
    ]
    return render_table(rows, width, look.base, look.table_header, look.table_lines)


def _plain(node: SyntaxTreeNode, width: int, look: Look) -> list[Strip]:
    """Blocks without a look of their own (raw HTML, say) are shown as their source."""
    text = node.content.rstrip("\n") or "".join(child.content for child in node.children)
    return strips_of(Content(text), width, look.base)


RENDERERS: dict[str, Renderer] = {
    "paragraph": _paragraph,
    "heading": _heading,
    "hr": _rule,
    "blockquote": _quote,
    "bullet_list": _list,
    "ordered_list": _list,
    "fence": _code,
    "code_block": _code,
    "table": _table,
}
