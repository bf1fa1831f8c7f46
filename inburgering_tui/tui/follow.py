"""The interpreter's view: follows the consultant's current question in the person's language.

A second process on the same laptop opens the store read-only (SQLite's query_only) and polls
where the consultant is; it shows form text only, never a name or an answer, so it has nothing
to lock when left idle.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from inburgering_tui.domain.audience import CONSULTANT_ONLY, person_view
from inburgering_tui.domain.forms import Form
from inburgering_tui.i18n.bidi import app_reorders
from inburgering_tui.i18n.catalogs import _, language_name, set_ui_language, translator
from inburgering_tui.i18n.formatting import format_day
from inburgering_tui.i18n.markers import N_
from inburgering_tui.settings import Settings
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.crash import PrivateCrashMixin
from inburgering_tui.tui.footer import KeyHints
from inburgering_tui.tui.widgets.questions import option_lines
from inburgering_tui.tui.widgets.script_text import ScriptText

if TYPE_CHECKING:
    from textual import getters

POLL_SECONDS = 0.25  # well inside the one second the interpreter may lag behind


class FollowScreen(Screen[None]):
    BINDINGS = [Binding("ctrl+q", "app.quit", N_("Afsluiten"), id="follow.quit")]
    if TYPE_CHECKING:
        app: getters.app[FollowApp]  # as the app screens' base types theirs (tui/base.py)

    def __init__(self, language: str) -> None:
        super().__init__(id="follow")
        self.language = language
        self.shown: tuple[str, str, datetime] | None = None
        self.question_id: str | None = None

    def compose(self) -> ComposeResult:
        reorder = app_reorders(self.app.settings.bidi, os.environ)
        with VerticalScroll(id="follow-pane"):
            today = format_day(self.app.today(), self.language)
            yield Static(
                f"{language_name(self.language, self.language)} · {today} · "
                + _("volgt de vragen van de consulent"),
                id="follow-title",
            )
            yield ScriptText(
                _("Wachten op de consulent..."), "nl", id="follow-prompt", reorder=reorder
            )
            yield ScriptText(id="follow-help", reorder=reorder)
            yield ScriptText(id="follow-options", reorder=reorder)
        yield KeyHints()

    def on_mount(self) -> None:
        self.set_interval(POLL_SECONDS, self.poll)
        self.poll()

    def poll(self) -> None:
        store: Store | None = self.app.store
        if store is None:
            return
        position = store.latest_position()
        if position is None:
            return
        key = (position.form_id, position.question_id, position.updated_at)
        if key == self.shown:
            return
        forms: dict[str, Form] = self.app.forms
        form = forms.get(position.form_id)
        question = form.question(position.question_id) if form else None
        if question is None:
            return
        self.shown = key
        self.question_id = question.id
        translate = translator(self.language)
        view = person_view(question)  # never the consultant's note or observation
        self.query_one("#follow-prompt", ScriptText).set_text(
            translate(view.prompt if view else CONSULTANT_ONLY), self.language
        )
        self.query_one("#follow-help", ScriptText).set_text(
            translate(view.help) if view and view.help else "", self.language
        )
        self.query_one("#follow-options", ScriptText).set_text(
            option_lines(view, translate, self.language) if view else "", self.language
        )


class FollowApp(PrivateCrashMixin, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Inburgering"

    def __init__(
        self,
        vault: Vault,
        forms: dict[str, Form],
        settings: Settings,
        language: str,
        *,
        store: Store | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__()
        self.today = today
        self.vault = vault
        self.forms = forms
        self.settings = settings
        self.language = language
        self.store = store
        self.unlock_hint = ""
        set_ui_language(settings.ui_language)

    def on_mount(self) -> None:
        if self.store is not None:
            self.push_screen(FollowScreen(self.language))
        else:
            from inburgering_tui.tui.screens.unlock import UnlockScreen

            self.push_screen(UnlockScreen(create=False, may_create=False))

    def open_store(self, passphrase: str, *, create: bool) -> Store:
        return self.vault.unlock(passphrase, self.settings.consultant, read_only=True)

    def store_opened(self, store: Store) -> None:
        self.store = store
        self.switch_screen(FollowScreen(self.language))

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()
