"""A paragraph flowable that draws Arabic, Farsi, Tigrinya and Latin text right in reportlab.

reportlab does no bidi: reordering a whole paragraph before wrapping puts wrapped lines in the
wrong order. So lines are broken in logical order first, by measured width; then each line is
shaped and reordered for display (arabic_reshaper + python-bidi, numbers isolated) and drawn
right-aligned for a right-to-left language, each script run in a font that has its glyphs.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from inburgering_tui.export.fonts import runs, width
from inburgering_tui.i18n.bidi import display_line, display_ltr_line, is_rtl


class ScriptParagraph(Flowable):
    def __init__(
        self, text: str, language: str, *, size: float = 10, leading: float | None = None,
        bold: bool = False, space_after: float = 4,
    ) -> None:  # fmt: skip
        super().__init__()
        self.text = text
        self.rtl = is_rtl(language)
        self.size = size
        self.leading = leading or size * 1.45
        self.bold = bold
        self.spaceAfter = space_after
        self.lines: list[str] = []

    def _wrap_logical(self, available: float) -> list[str]:
        lines: list[str] = []
        for paragraph in self.text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if width(candidate, self.size, self.bold) <= available or not line:
                    line = candidate
                else:
                    lines.append(line)
                    line = word
            lines.append(line)
        return lines

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.lines = self._wrap_logical(available_width)
        self.height = len(self.lines) * self.leading
        return available_width, self.height

    def draw(self) -> None:
        canvas = self.canv
        suffix = "-Bold" if self.bold else ""
        for number, logical in enumerate(self.lines):
            shown = (
                display_line(logical, rtl=True, reorder=True)
                if self.rtl
                else display_ltr_line(logical)
            )
            y = self.height - (number + 1) * self.leading + (self.leading - self.size) / 2
            x = self.width - width(shown, self.size, self.bold) if self.rtl else 0.0
            for family, piece in runs(shown):
                canvas.setFont(family + suffix, self.size)
                canvas.drawString(x, y, piece)
                x += width(piece, self.size, self.bold)
