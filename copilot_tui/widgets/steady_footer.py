"""Textual's Footer, minus rebuilding itself when the keys it shows did not change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

Shown = tuple[tuple[str, str, str, bool, str], ...]


class SteadyFooter(Footer):
    """Textual's Footer recomposes (a dozen widgets mounted and styled again) whenever
    bindings might have changed: every focus change, tab switch and return from a
    dialog, ~20 ms each time. The keys it shows here rarely change, so it checks first."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        shown = shown_bindings(screen)
        if shown == self._shown:
            self._bindings_ready = True
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # what Textual is about to show
        super().bindings_changed(screen)


def shown_bindings(screen: Screen[object]) -> Shown:
    """What the footer would show for `screen`: each key, its label and whether it works."""
    return tuple(
        (binding.key, binding.description, binding.action, enabled, tooltip)
        for _node, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show
    )
