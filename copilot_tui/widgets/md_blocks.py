"""A Markdown text split into its top-level blocks, kept up to date as text streams in.

Only the last block of a growing text can still change: once a later block has begun,
CommonMark never reaches back into an earlier one. So each append re-parses the last
block's source alone, and every block before it is parsed once and kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode


@cache
def parser() -> MarkdownIt:
    """The parser Textual's Markdown widget uses: CommonMark plus tables, strikethrough
    and bare links."""
    return MarkdownIt("gfm-like")


def parse(source: str) -> list[SyntaxTreeNode]:
    """The top-level blocks of `source`, each with `map` (its first and end line)."""
    return SyntaxTreeNode(parser().parse(source)).children


@dataclass
class Block:
    """One top-level block; `version` changes whenever its nodes do."""

    nodes: list[SyntaxTreeNode]
    version: int = 0


@dataclass
class MarkdownBlocks:
    """The blocks of a text that only ever grows at its end."""

    finished: list[Block] = field(default_factory=list)
    tail: Block = field(default_factory=lambda: Block([]))
    _tail_source: str = ""
    _versions: int = 0

    @classmethod
    def of(cls, text: str) -> MarkdownBlocks:
        blocks = cls()
        blocks.append(text)
        return blocks

    @property
    def all(self) -> list[Block]:
        """Every block in order; the tail is left out while it is empty."""
        return [*self.finished, self.tail] if self.tail.nodes else list(self.finished)

    def append(self, text: str) -> None:
        """Add `text` at the end: the tail is re-parsed; blocks it completed move to
        `finished`."""
        if not text:
            return
        self._tail_source += text
        nodes = parse(self._tail_source)
        if len(nodes) > 1:
            lines = self._tail_source.splitlines(keepends=True)
            last_start = _first_line(nodes[-1])
            self.finished.extend(self._block([node]) for node in nodes[:-1])
            self._tail_source = "".join(lines[last_start:])
            nodes = nodes[-1:]
        self.tail = self._block(nodes)

    def _block(self, nodes: list[SyntaxTreeNode]) -> Block:
        self._versions += 1
        return Block(nodes, self._versions)


def _first_line(node: SyntaxTreeNode) -> int:
    return node.map[0] if node.map is not None else 0
