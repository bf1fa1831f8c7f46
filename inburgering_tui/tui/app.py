"""The Textual application: unlock, then cases and intakes; locks itself when left idle."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import date
from functools import partial
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from inburgering_tui.domain.forms import Form
from inburgering_tui.i18n.catalogs import _, set_ui_language
from inburgering_tui.i18n.markers import N_
from inburgering_tui.services.pip_workflow import PipWorkflow
from inburgering_tui.settings import Settings
from inburgering_tui.store.instance_lock import Holder, InstanceLock
from inburgering_tui.store.repository import Store
from inburgering_tui.store.vault import Vault
from inburgering_tui.tui.crash import PrivateCrashMixin
from inburgering_tui.tui.work import WORK_GROUP


class InburgeringApp(PrivateCrashMixin, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Inburgering"
    BINDINGS = [
        Binding("ctrl+l", "lock", N_("Vergrendelen"), id="app.lock"),
        Binding("f1", "help", N_("Help"), id="app.help"),
        Binding("ctrl+q", "quit", N_("Afsluiten"), id="app.quit", priority=True),
    ]

    def __init__(
        self,
        vault: Vault,
        forms: dict[str, Form],
        settings: Settings,
        *,
        today: Callable[[], date] = date.today,
        store: Store | None = None,
        unlock_hint: str = "",
        back_office: bool = False,
        server_store: bool = False,
    ) -> None:
        super().__init__()
        self.back_office = back_office
        # A PostgreSQL back office has no local passphrase to lock with: the server's
        # accounts and the workstation's own lock guard it.
        self.server_store = server_store
        self.unlock_hint = unlock_hint  # the demo shows its throw-away passphrase here
        self.vault = vault
        self.forms = forms
        self.settings = settings
        self.today = today
        self.store: Store | None = store
        self._last_activity = time.monotonic()
        self._locked = False
        # One window writes to a store; another one on it finds the lock taken and reads only.
        self.instance_lock = InstanceLock(vault.home)
        self.read_only_holder: Holder | None = None
        self._claimed = False
        self._lock_made_here = False
        set_ui_language(settings.ui_language)

    @property
    def read_only(self) -> bool:
        """Another window holds the store: this one shows it and writes nothing."""
        return self.read_only_holder is not None

    def claim_store(self) -> None:
        """Take the store's instance lock for the app's lifetime, once; if another window
        has it, this one becomes read-only (see tui/read_only.py)."""
        if self._claimed or self.server_store:
            return
        self._lock_made_here = not self.instance_lock.path.exists()
        try:
            self.read_only_holder = self.instance_lock.acquire()
        except OSError:
            # A read-only folder or a full disk: no lock file can be made, and no write will
            # succeed either; opening the store says which. Tried again at the next unlock.
            if self._lock_made_here:
                with suppress(OSError):  # on a read-only folder there is none to remove
                    self.instance_lock.path.unlink(missing_ok=True)
            return
        self._claimed = True

    def _unclaim_if_refused(self) -> None:
        """A store refused on opening keeps no lock file the app made for it: damage leaves
        every file as it was, and nothing new beside it."""
        if self._claimed and self._lock_made_here and self.instance_lock.held:
            self.instance_lock.release()
            with suppress(OSError):
                self.instance_lock.path.unlink(missing_ok=True)
            self._claimed = False

    @property
    def intake_form(self) -> Form:
        return self.forms[self.settings.intake_form]

    def pip_workflow(self, case_id: str) -> PipWorkflow:
        """A case's PIP with the app's store, intake form, local practice and today."""
        return PipWorkflow(
            self.require_store(),
            self.intake_form,
            case_id,
            self.settings.local_practice,
            self.today(),
        )

    def require_store(self) -> Store:
        if self.store is None:
            raise RuntimeError("the store is locked")
        return self.store

    def on_mount(self) -> None:
        if self.store is not None or self._looks_like_a_store():
            self.claim_store()  # so the unlock screen can say another window has it
        self.set_keymap(self.settings.keymap)
        self.title = self._title()
        self.set_interval(1.0, self._lock_when_idle)
        if self.store is not None:
            self._show_cases()
        else:
            from inburgering_tui.tui.screens.unlock import UnlockScreen

            # Create only where neither file of a store is: one without the other is damage.
            self.push_screen(UnlockScreen(create=self.vault.is_new()))

    def _title(self) -> str:
        if self.back_office:
            return _("Inburgering: backoffice")
        return _("Inburgering: brede intake en PIP")

    # -- unlocking and locking -------------------------------------------------------------

    def open_store(self, passphrase: str, *, create: bool) -> Store:
        """Called by the unlock screen, in a worker thread (argon2id takes a moment)."""
        actor = self.settings.consultant
        if create:
            store = self.vault.create(passphrase, actor)  # refused where any store is
            self.claim_store()  # after: a first start that fails leaves nothing behind
            return store
        # A missing or damaged store is refused before the lock file is made; one refused
        # only once its key is known (a wrong passphrase, a damaged page) takes it away again.
        self.vault.check()
        self.claim_store()
        try:
            if self.read_only_holder is not None:
                return self.vault.unlock(passphrase, actor, read_only=True)
            return self.vault.unlock(passphrase, actor)
        except BaseException:
            self._unclaim_if_refused()
            raise

    def _looks_like_a_store(self) -> bool:
        try:
            self.vault.check()
        except Exception:  # missing or damaged: the unlock screen says which
            return False
        return True

    def store_opened(self, store: Store) -> None:
        """Called by the unlock screen once the passphrase opened the store."""
        self.store = store
        self._last_activity = time.monotonic()
        if self._locked:
            self._locked = False
            self.pop_screen()  # back to exactly where the consultant was
        else:
            self.pop_screen()
            self._show_cases()

    def _show_cases(self) -> None:
        from inburgering_tui.tui.screens.back_office import BackOfficeScreen
        from inburgering_tui.tui.screens.case_list import CaseListScreen

        self.push_screen(BackOfficeScreen() if self.back_office else CaseListScreen())

    def action_lock(self) -> None:
        from inburgering_tui.tui.screens.unlock import UnlockScreen

        if self._locked or self.store is None or self.server_store:
            return
        for screen in self.screen_stack:
            save_pending = getattr(screen, "save_pending", None)
            if save_pending is not None:
                save_pending()
        self._locked = True
        self.store.close()
        self.store = None
        self.push_screen(UnlockScreen(create=False, relock=True))

    def _lock_when_idle(self) -> None:
        if any(worker.group == WORK_GROUP and worker.is_running for worker in self.workers):
            # Long work (an import, a bundle) uses the store: closing it would break it midway.
            self._last_activity = time.monotonic()
            return
        idle = time.monotonic() - self._last_activity
        if idle >= self.settings.idle_lock_minutes * 60:
            self.action_lock()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_activity = time.monotonic()
        await super().on_event(event)

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()
        self.instance_lock.release()

    # -- help and the command palette ------------------------------------------------------

    def action_help(self) -> None:
        from inburgering_tui.tui.dialogs.help import HelpDialog

        if isinstance(self.screen, HelpDialog):
            return
        self.push_screen(HelpDialog(self.screen))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action the current screen offers, in the UI language, plus language switch."""
        seen: set[str] = set()
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not (enabled and binding.id and binding.description) or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.get_key_display(binding)
            yield SystemCommand(
                _(binding.description),
                _("Sneltoets: {key}").format(key=key),
                partial(self._run_from_palette, node, binding.action),
            )
        for language, label in (("nl", "Nederlands"), ("en", "English")):
            yield SystemCommand(
                _("Taal van het scherm: {language}").format(language=label),
                _("Wissel de taal van de consulent; antwoorden en plaats blijven."),
                partial(self.switch_ui_language, language),
            )
        yield SystemCommand(
            _("Thema"), _("Kies de kleuren van het scherm"), self.action_change_theme
        )

    async def _run_from_palette(self, node: DOMNode, action: str) -> None:
        await self.run_action(action, node)

    def switch_ui_language(self, language: str) -> None:
        set_ui_language(language)
        self.title = self._title()
        from inburgering_tui.tui.footer import KeyHints
        from inburgering_tui.tui.read_only import ReadOnlyBanner

        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_language", None)
            if refresh is not None:
                refresh()
            for hints in screen.query(KeyHints):
                hints.refresh_language()
            for banner in screen.query(ReadOnlyBanner):
                banner.refresh_language()
