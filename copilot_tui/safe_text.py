"""Text from models and users, made safe to show in a terminal.

Control characters (ESC above all) would let a reply move the cursor, clear the screen,
set the clipboard (OSC 52) or plant links (OSC 8). They are shown as visible symbols
instead; line breaks and tabs are kept. The stored text is never changed, only its display.
"""

from __future__ import annotations

_C0_PICTURES = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
_TRANSLATION: dict[int, str] = {
    **_C0_PICTURES,
    0x0D: "",  # CR: dropped, so Windows line ends read right and nothing overwrites a line
    0x7F: "\u2421",  # ␡
    **{code: f"\\x{code:02x}" for code in range(0x80, 0xA0)},  # C1 controls, e.g. CSI 0x9b
}


_IN_PLACE: dict[int, str] = {
    **_C0_PICTURES,
    0x7F: "\u2421",  # ␡
    **dict.fromkeys(range(0x80, 0xA0), "\ufffd"),  # �: C1 controls have no pictures
}


def printable(text: str) -> str:
    """`text` with every control character except newline and tab made visible (CR dropped)."""
    return text.translate(_TRANSLATION)


def printable_in_place(text: str) -> str:
    """Like `printable`, but one visible symbol per control character (CR too).

    Every character keeps its position, as an editor's cursor needs.
    """
    return text.translate(_IN_PLACE)
