"""Code highlighting that never holds up a frame while a lexer is built.

Pygments builds a lexer (compiles its regular expressions) the first time a process
uses it: 25-60 ms for Python, paid before the first frame whenever the tab on screen
shows code. Until its lexer is built, a code block is drawn plain; the view that drew
it builds the lexer once that frame is on screen, and draws the block again in colour.
Which lexers are built is a fact about the process (Pygments keeps them on the class),
so that is what this module records.
"""

from __future__ import annotations

from contextlib import suppress

from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from textual.content import Content
from textual.highlight import highlight

_built: set[str] = {"text"}  # languages whose lexer this process has built


def is_built(language: str) -> bool:
    return language in _built


def highlighted(code: str, language: str) -> Content:
    """`code` coloured as `language`; plain until that language's lexer is built."""
    if language in _built:
        return highlight(code, language=language)
    return Content(code)


def build(language: str) -> None:
    """Build `language`'s lexer (an unknown language is highlighted as plain text)."""
    if language not in _built:
        with suppress(ClassNotFound):
            get_lexer_by_name(language)
        _built.add(language)
