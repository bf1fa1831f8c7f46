"""Right-to-left display in terminals that do no bidi themselves.

Text is stored and passed around in logical order. For display it is wrapped *in logical order*
to the width (so wrapped lines keep their reading order), then each line is shaped
(arabic_reshaper) and reordered (python-bidi) when the app, not the terminal, does the
reordering. Runs of digits and Latin letters (dates, V-nummers, "B 5.2(2)") are wrapped in
Unicode isolates first: python-bidi alone shows ``2027-0042`` as ``0042-2027``.

Which terminals reorder by themselves: GNOME Terminal and other VTE terminals (``VTE_VERSION``),
Konsole (``KONSOLE_VERSION``) and mlterm (``MLTERM``). xterm, tmux, kitty, alacritty, Windows
Terminal and the Linux console do not. ``auto`` decides from those variables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

import arabic_reshaper
from babel import Locale, UnknownLocaleError
from bidi import get_display
from rich.cells import cell_len

LRI, PDI = "\u2066", "\u2069"
# A run of Latin letters and digits, with the spaces and punctuation inside it and an opening
# parenthesis before it, so "(B 5.2(2))", "2027-0042" and an e-mail address stay whole and
# left-to-right.
_LTR_RUN = re.compile(r"\(?[0-9A-Za-z][0-9A-Za-z\-/.:,()+@_ ]*[0-9A-Za-z)]|[0-9A-Za-z]")
_TERMINALS_WITH_BIDI = ("VTE_VERSION", "KONSOLE_VERSION", "MLTERM")


class BidiMode(StrEnum):
    AUTO = "auto"  # decide from the terminal's environment variables
    APP = "app"  # the app shapes and reorders (xterm, tmux, most terminals)
    TERMINAL = "terminal"  # the terminal reorders (VTE, Konsole, mlterm): pass logical text


def is_rtl(language: str) -> bool:
    """From the language's own CLDR data, never from the text or the UI language."""
    try:
        return Locale.parse(language).text_direction == "rtl"
    except (UnknownLocaleError, ValueError):
        return False


def app_reorders(mode: BidiMode | str, environ: Mapping[str, str]) -> bool:
    mode = BidiMode(mode)
    if mode == BidiMode.AUTO:
        return not any(environ.get(name) for name in _TERMINALS_WITH_BIDI)
    return mode == BidiMode.APP


def wrap_logical(text: str, width: int) -> list[str]:
    """Greedy word wrap by terminal cells, in logical order; keeps explicit line breaks."""
    width = max(width, 1)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if cell_len(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while cell_len(word) > width:  # a word longer than the line is split
                cut = _fit(word, width)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _fit(word: str, width: int) -> int:
    cut = len(word)
    while cut > 1 and cell_len(word[:cut]) > width:
        cut -= 1
    return cut


def display_line(line: str, *, rtl: bool, reorder: bool) -> str:
    """One wrapped line as it must be written to the terminal's cells."""
    if not (rtl and reorder):
        return line
    isolated = _LTR_RUN.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", line)
    shown: str = get_display(arabic_reshaper.reshape(isolated), base_dir="R")
    return shown.replace(LRI, "").replace(PDI, "")


def display_ltr_line(line: str) -> str:
    """A left-to-right line holding right-to-left runs (an Arabic word in a Dutch sentence), for
    a renderer that does no bidi (the PDF): the runs shaped and reordered, the line kept LTR."""
    if not any(_is_arabic(char) for char in line):
        return line
    return str(get_display(arabic_reshaper.reshape(line), base_dir="L"))


def first_strong_rtl(text: str) -> bool:
    """Whether ``text`` reads right to left by its first letter (the bidi algorithm's rule P2),
    for free text typed in any script, whatever the interview language."""
    for char in text:
        if _is_arabic(char):
            return True
        if char.isalpha():
            return False
    return False


def _is_arabic(char: str) -> bool:
    code = ord(char)
    return 0x0600 <= code <= 0x08FF or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFC


def layout(text: str, width: int, *, rtl: bool, reorder: bool) -> list[str]:
    """Wrap in logical order, then make each line display-ready (right-aligned when RTL)."""
    lines = [display_line(line, rtl=rtl, reorder=reorder) for line in wrap_logical(text, width)]
    if rtl and reorder:
        # Right-aligned by the app; a bidi terminal aligns RTL paragraphs itself.
        lines = [" " * max(width - cell_len(line), 0) + line for line in lines]
    return lines
