"""Markdown drawn to lines: blocks split as text streams in, and how each block looks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.strip import Strip
from textual.style import Style

from copilot_tui.core.demo_replies import demo_reply, tokenize
from copilot_tui.widgets.md_blocks import MarkdownBlocks, parse
from copilot_tui.widgets.md_render import Look, render_blocks
from copilot_tui.widgets.md_tables import column_widths

PLAIN = Look(Style(), (Style(),) * 6, *([Style()] * 12))
SAMPLE = """\
# Title

Some *em*, **strong**, ~~gone~~, `code` and a [link](https://example.com).

> Quoted text that is long enough to wrap at least once at a narrow width, really.

1. first
2. second
   - nested
   - another

| Name | Value | Notes |
|------|------:|-------|
| alpha | 1 | short |
| beta | 22 | a much longer note that has to wrap when the table is narrow |

---

```python
def hello(name: str) -> str:
\treturn f"hi {name}" + "a very long line of code that will not fit in a narrow column"
```

Setext heading
==============
"""
TEXT = SAMPLE + demo_reply("a question", "demo", 600)


def texts(lines: list[Strip]) -> list[str]:
    return [line.text.rstrip() for line in lines]


def drawn(blocks: MarkdownBlocks, width: int) -> list[str]:
    nodes = [node for block in blocks.all for node in block.nodes]
    return texts(render_blocks(nodes, width, PLAIN))


def test_text_streamed_in_pieces_splits_into_the_blocks_of_the_whole() -> None:
    streamed = MarkdownBlocks()
    for piece in tokenize(TEXT):
        streamed.append(piece)
    whole = [node.type for node in parse(TEXT)]
    assert [node.type for block in streamed.all for node in block.nodes] == whole
    assert drawn(streamed, 70) == drawn(MarkdownBlocks.of(TEXT), 70)


def test_only_the_last_block_is_parsed_again_on_append() -> None:
    blocks = MarkdownBlocks.of("First paragraph.\n\nSecond")
    first = blocks.finished[0]
    blocks.append(" grows")
    blocks.append(" and grows.\n\n- a list")
    assert blocks.finished[0] is first
    assert [node.type for node in blocks.tail.nodes] == ["bullet_list"]
    assert drawn(blocks, 40) == ["First paragraph.", "", "Second grows and grows.", "", "• a list"]


def test_a_block_that_a_later_line_changes_stays_the_tail() -> None:
    blocks = MarkdownBlocks.of("Title")
    blocks.append("\n=====\n")  # the paragraph becomes a heading
    blocks.append("```py\nx = 1\n")  # an open fence runs to the end
    blocks.append("y = 2\n```\nafter")
    assert [node.type for block in blocks.all for node in block.nodes] == [
        "heading",
        "fence",
        "paragraph",
    ]


@settings(max_examples=60, deadline=None)
@given(width=st.integers(min_value=1, max_value=130))
def test_no_line_is_wider_than_asked_and_no_text_is_lost(width: int) -> None:
    lines = render_blocks(parse(TEXT), width, PLAIN)
    assert all(line.cell_length <= max(width, 1) for line in lines)
    shown = "".join(texts(lines)).replace(" ", "")
    for word in ("Title", "strong", "nested", "Setext", "hello", "narrow"):
        assert word in shown or width < 12  # tables shrink cells below a usable width


def test_each_block_has_its_look() -> None:
    lines = drawn(MarkdownBlocks.of(SAMPLE), 60)
    assert lines[0].strip() == "Title"
    assert lines[0].startswith(" ")
    assert "Some em, strong, gone, code and a link." in lines
    assert lines[4].startswith("▌ Quoted text")
    assert lines[7:11] == [" 1. first", " 2. second", "    • nested", "    • another"]
    assert lines[12].split("│") == ["Name  ", " Value ", " Notes"]
    assert set(lines[13]) == {"─", "┼"}
    assert lines[16].split("│") == ["      ", "       ", " table is narrow"]  # cells wrap
    assert "─" * 60 in lines
    code = lines.index("  def hello(name: str) -> str:")
    assert lines[code - 1] == lines[code + 3] == ""  # a blank padding line above and below
    assert lines[code + 1].startswith("      return")  # tabs expanded, long line folded
    assert lines[-1].strip() == "Setext heading"


def test_links_are_clickable() -> None:
    [line] = render_blocks(parse("[site](https://example.com)"), 40, PLAIN)
    assert [segment.style.meta.get("@click") for segment in line if segment.style] == [
        "link('https://example.com')"
    ]


def test_narrow_columns_keep_their_width_and_wide_ones_share_the_rest() -> None:
    assert column_widths([4, 50, 30], 100) == [4, 50, 30]
    assert column_widths([4, 50, 30], 40) == [4, 18, 18]
    assert sum(column_widths([90, 90], 10)) == 10
