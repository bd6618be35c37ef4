"""Alt keys from xterm-like terminals (ESC, then the key) reach the app usefully."""

from __future__ import annotations

from textual._xterm_parser import XTermParser

from copilot_tui.terminal_keys import enable_alt_keys


def parsed_keys(data: str) -> list[str]:
    parser = XTermParser(debug=False)
    events = [*parser.feed(data), *parser.feed("")]
    return [getattr(event, "key", "") for event in events]


def test_escape_digit_is_alt_digit_and_typed_characters_stay() -> None:
    enable_alt_keys()
    assert parsed_keys("\x1b1") == ["alt+1"]
    assert parsed_keys("\x1b9") == ["alt+9"]
    assert parsed_keys("¡") == ["inverted_exclamation_mark"]
    assert parsed_keys("\x1b") == ["escape"]


def test_alt_enter_is_the_newline_key_and_enter_stays_enter() -> None:
    enable_alt_keys()
    assert parsed_keys("\x1b\r") == ["ctrl+j"]
    assert parsed_keys("\r") == ["enter"]
