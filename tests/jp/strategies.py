"""Hypothesis strategies shared by the kiban.jp tests."""

from __future__ import annotations

from hypothesis import strategies as st

from kiban.jp.width import DASHES

FULL_WIDTH_OFFSET = 0xFEE0


def to_full_width(s: str) -> str:
    """Return ``s`` with every printable ASCII character in its full-width form."""
    return "".join(chr(ord(ch) + FULL_WIDTH_OFFSET) if "!" <= ch <= "~" else ch for ch in s)


@st.composite
def mixed_width(draw: st.DrawFn, s: str) -> str:
    """Draw ``s`` with each printable ASCII character in either width, as residents type."""
    return "".join(to_full_width(ch) if draw(st.booleans()) else ch for ch in s)


#: Any character a resident's input method may produce for a hyphen between digits.
hyphens = st.sampled_from(sorted(DASHES | {"-", "\u30fc", "\uff70"}))
digit_strings = st.text(alphabet="0123456789", min_size=1, max_size=20)
