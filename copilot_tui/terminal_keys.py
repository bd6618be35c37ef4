"""Alt+1…9 and Alt+Enter as xterm-like terminals send them.

Textual maps ESC+1…9 (what xterm, GNOME Terminal, Konsole and tmux send for Alt+1…9) to
the characters macOS's Option key types (¡, ™, £ …), a workaround for WezTerm on macOS;
on those terminals no Alt+digit binding could fire. Dropping the nine mappings lets
Textual's general rule turn ESC+1 into "alt+1"; a typed ¡ is still a ¡.

Those terminals send Alt+Enter as ESC+CR, which Textual reports as a plain Enter (the Alt
is lost), so it would send the prompt. It is mapped to Ctrl+J, the other newline key.
"""

from __future__ import annotations

from typing import cast


def enable_alt_keys() -> None:
    """Make ESC+digit arrive as alt+digit and ESC+CR as ctrl+j (idempotent)."""
    from textual import _ansi_sequences
    from textual.keys import Keys

    # Typed as a Mapping, but it is the dict the parser reads on every escape sequence.
    table = cast("dict[str, object]", _ansi_sequences.ANSI_SEQUENCES_KEYS)
    for digit in "123456789":
        table.pop(f"\x1b{digit}", None)
    table["\x1b\r"] = (Keys.ControlJ,)
