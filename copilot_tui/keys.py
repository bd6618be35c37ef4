"""Every key the app answers to, in one table: bindings, the help screen and the README
all read it, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One key (or several for the same action) and what it does."""

    keys: str  # Textual key names, comma-separated: "ctrl+pagedown,alt+right"
    label: str  # how people write it: "Ctrl+PgDn / Alt+→"
    description: str
    action: str = ""  # the App action; empty for keys handled by a widget
    show: bool = True  # in the footer
    over_editor: bool = False  # the prompt editor hands it to the app (TextArea binds ctrl+w...)
    short: str = ""  # the footer's word for it; the description otherwise


APP_KEYS: tuple[KeySpec, ...] = (
    KeySpec("ctrl+n", "Ctrl+N", "New session", "new_session", short="New"),
    KeySpec("ctrl+o", "Ctrl+O", "Open a stored session", "open_picker", short="Sessions"),
    KeySpec(
        "ctrl+w",
        "Ctrl+W",
        "Close tab (the session is kept)",
        "close_tab",
        over_editor=True,
        short="Close",
    ),
    KeySpec("escape", "Esc", "Abort this tab's reply", "abort", short="Abort"),
    KeySpec("ctrl+r", "Ctrl+R", "Retry the last prompt", "retry", short="Retry"),
    KeySpec("ctrl+y", "Ctrl+Y", "Copy the last reply", "copy_reply", show=False, over_editor=True),
    KeySpec("ctrl+e", "Ctrl+E", "Export to Markdown", "export", show=False, over_editor=True),
    KeySpec("f2", "F2", "Rename the session", "rename", show=False),
    KeySpec(
        "ctrl+b", "Ctrl+B", "Send one prompt to several sessions (A/B)", "broadcast", short="A/B"
    ),
    KeySpec(
        "ctrl+k",
        "Ctrl+K",
        "Compare replies side by side",
        "compare",
        short="Compare",
        over_editor=True,
    ),
    KeySpec("ctrl+pagedown,alt+right", "Ctrl+PgDn / Alt+→", "Next tab", "next_tab", show=False),
    KeySpec(
        "ctrl+pageup,alt+left", "Ctrl+PgUp / Alt+←", "Previous tab", "previous_tab", show=False
    ),
    KeySpec(",".join(f"alt+{n}" for n in range(1, 10)), "Alt+1…9", "Jump to tab N", show=False),
    KeySpec("f1", "F1", "Help: every key", "help", short="Help"),
    KeySpec("ctrl+p", "Ctrl+P", "Command palette (switch model, every action)", show=False),
    KeySpec("ctrl+q", "Ctrl+Q", "Quit (tabs and drafts are kept)", "quit", short="Quit"),
)

PROMPT_KEYS: tuple[KeySpec, ...] = (
    KeySpec("enter", "Enter", "Send (queued if a reply is streaming)"),
    KeySpec("alt+enter,ctrl+j,shift+enter", "Alt+Enter / Ctrl+J", "New line"),
    KeySpec("ctrl+end", "Ctrl+End", "Jump to the newest text (follow the stream again)"),
    KeySpec("tab", "Tab / Shift+Tab", "Move between the prompt and the conversation (scroll it)"),
)

PICKER_KEYS: tuple[KeySpec, ...] = (
    KeySpec("", "type", "Filter by title or id"),
    KeySpec("tab", "Tab", "Switch between filtering titles and searching message text"),
    KeySpec("up,down,pageup,pagedown,home,end", "↑ ↓ PgUp PgDn Home End", "Move the highlight"),
    KeySpec("enter", "Enter", "Open the session (or go to its tab)"),
    KeySpec(
        "delete",
        "Delete",
        "Delete the session (asks first; with text right of the cursor it deletes text)",
    ),
    KeySpec("f2", "F2", "Rename the session"),
    KeySpec("escape", "Esc", "Close"),
)

BROADCAST_KEYS: tuple[KeySpec, ...] = (
    KeySpec("space", "Space", "Tick an open tab or a model (a new session per model)"),
    KeySpec("ctrl+s", "Ctrl+S", "Send to every ticked target; the compare view opens"),
    KeySpec("escape", "Esc", "Cancel"),
)

COMPARE_KEYS: tuple[KeySpec, ...] = (
    KeySpec("right,tab", "→ / Tab", "Next column", "move(1)", short="Next"),
    KeySpec("left,shift+tab", "← / Shift+Tab", "Previous column", "move(-1)", short="Previous"),
    KeySpec("w", "W", "Mark this reply the winner (again: unmark)", "winner", short="Winner"),
    KeySpec("c,ctrl+y", "C / Ctrl+Y", "Copy this reply", "copy", short="Copy"),
    KeySpec("enter", "Enter", "Open this session as the active tab", "open", short="Open"),
    KeySpec(
        "ctrl+e",
        "Ctrl+E",
        "Export the run to Markdown (one section per column)",
        "export",
        short="Export",
    ),
    KeySpec("escape,q", "Esc / Q", "Close", "close", short="Close"),
)

NEW_SESSION_KEYS: tuple[KeySpec, ...] = (
    KeySpec("up,down", "↑ ↓", "Pick a listed model (or type any model name)"),
    KeySpec("ctrl+s", "Ctrl+S / Enter", "Create the session (Enter in the model or id field)"),
    KeySpec("escape", "Esc", "Cancel"),
)

KEY_SECTIONS: tuple[tuple[str, tuple[KeySpec, ...]], ...] = (
    ("Anywhere", APP_KEYS),
    ("Prompt", PROMPT_KEYS),
    ("Session picker (Ctrl+O)", PICKER_KEYS),
    ("New session (Ctrl+N)", NEW_SESSION_KEYS),
    ("Send to several sessions (Ctrl+B)", BROADCAST_KEYS),
    ("Compare view (Ctrl+K)", COMPARE_KEYS),
)
