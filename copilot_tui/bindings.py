"""The app's key bindings, built from the key table in keys.py."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from copilot_tui.keys import APP_KEYS

# Actions on tabs; they are off while a dialog or another screen is on top.
TAB_ACTIONS = frozenset(spec.action for spec in APP_KEYS if spec.action not in ("", "quit")) | {
    "jump_tab"
}


def app_bindings() -> list[BindingType]:
    bindings: list[BindingType] = [
        Binding(
            spec.keys,
            spec.action,
            spec.short or spec.description,
            show=spec.show,
            tooltip=spec.description,
        )
        for spec in APP_KEYS
        if spec.action
    ]
    bindings += [Binding(f"alt+{n}", f"jump_tab({n})", show=False) for n in range(1, 10)]
    return bindings
