"""Fonts for the PDF: Noto Sans (Latin), Noto Naskh Arabic, Noto Sans Ethiopic, all embedded.

reportlab has no font fallback (a glyph missing from the current font silently vanishes), so
text is split into script runs and each run is drawn with the font that has it.
Debian's fonts-noto-core ships all three; ``INBURGERING_FONTS_DIR`` points elsewhere.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/noto", "/usr/local/share/fonts")
_FILES = {
    "Latin": "NotoSans-Regular.ttf",
    "Latin-Bold": "NotoSans-Bold.ttf",
    "Arabic": "NotoNaskhArabic-Regular.ttf",
    "Arabic-Bold": "NotoNaskhArabic-Bold.ttf",
    "Ethiopic": "NotoSansEthiopic-Regular.ttf",
    "Ethiopic-Bold": "NotoSansEthiopic-Bold.ttf",
}


class FontsMissing(Exception):
    """The Noto fonts are not installed (scripts/install-system-packages installs them)."""


def _find(filename: str) -> Path:
    folders = [os.environ["INBURGERING_FONTS_DIR"]] if "INBURGERING_FONTS_DIR" in os.environ else []
    for folder in [*folders, *_DIRS]:
        candidate = Path(folder) / filename
        if candidate.exists():
            return candidate
    raise FontsMissing(
        f"font {filename} not found in {', '.join([*folders, *_DIRS])}: "
        "install Debian's fonts-noto-core (scripts/install-system-packages)"
    )


def font_path(family: str) -> Path:
    """The TrueType file of one of our fonts, e.g. "Latin" (for pyHanko's signature stamp)."""
    return _find(_FILES[family])


@cache
def register() -> None:
    """Register the fonts once per process under the names Latin, Arabic, Ethiopic (+ -Bold)."""
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(_find(filename))))
    for family in ("Latin", "Arabic", "Ethiopic"):
        pdfmetrics.registerFontFamily(family, normal=family, bold=f"{family}-Bold")
    # reportlab's graphics renderer starts every drawing in Helvetica, which would then be
    # listed in the PDF without being embedded; start it in ours.
    STATE_DEFAULTS["fontName"] = "Latin"


def script_of(char: str) -> str:
    """Which of our fonts draws ``char``: Arabic and Ethiopic letters, everything else Latin.

    Digits and punctuation go to the Latin font on purpose: Noto Naskh Arabic lacks "-" and "/",
    Noto Sans Ethiopic lacks ASCII digits and ".:/".
    """
    code = ord(char)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "Arabic"
    if 0x1200 <= code <= 0x139F or 0x2D80 <= code <= 0x2DDF:
        return "Ethiopic"
    return "Latin"


def runs(text: str) -> list[tuple[str, str]]:
    """``text`` cut into (font family, piece) runs; spaces join the run they stand in."""
    pieces: list[tuple[str, str]] = []
    for char in text:
        family = script_of(char)
        if char == " " and pieces:
            family = pieces[-1][0]
        if pieces and pieces[-1][0] == family:
            pieces[-1] = (family, pieces[-1][1] + char)
        else:
            pieces.append((family, char))
    return pieces


def width(text: str, size: float, bold: bool = False) -> float:
    suffix = "-Bold" if bold else ""
    return sum(pdfmetrics.stringWidth(piece, family + suffix, size) for family, piece in runs(text))
