"""A reportlab canvas that knows the page count: each page is kept until the document ends,
then every page gets its footer ("pagina x van y") from :meth:`PageCountCanvas.decorate`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.pdfgen.canvas import Canvas


class PageCountCanvas(Canvas):
    # Canvas's own page state, which reportlab's stubs leave out.
    _pagesize: tuple[float, float]
    _startPage: Callable[[], None]  # noqa: N815 - reportlab's name

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.decorate(number, total)
            super().showPage()
        super().save()

    def decorate(self, number: int, total: int) -> None:
        """Draw what every page carries; ``number`` of ``total`` pages."""
        raise NotImplementedError
