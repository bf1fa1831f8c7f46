"""Read-only text in any script, wrapped and ordered for the terminal (see i18n/bidi.py)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from inburgering_tui.i18n.bidi import is_rtl, layout


class ScriptText(Widget):
    """Shows ``text`` in ``language``: right-to-left when the language is, whatever the UI's."""

    DEFAULT_CSS = "ScriptText { height: auto; }"

    def __init__(
        self, text: str = "", language: str = "nl", *, reorder: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._text = text
        self.language = language
        self.reorder = reorder

    def set_text(self, text: str, language: str | None = None) -> None:
        self._text = text
        if language is not None:
            self.language = language
        self.refresh(layout=True)

    @property
    def text(self) -> str:
        return self._text

    def lines(self, width: int) -> list[str]:
        if not self._text:
            return []
        return layout(self._text, width, rtl=is_rtl(self.language), reorder=self.reorder)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Text:
        width = self.content_size.width or self.size.width
        return Text("\n".join(self.lines(width)), no_wrap=True, overflow="crop")
