"""The table of cases that the consultant's list and the back office both show, with its search,
sort and filters. It reads ``overview.case_overviews`` on every reload and offers no keys of its
own: each screen binds the ones it offers to the methods here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from inburgering_tui.domain.deadlines import (
    STATUS_LABELS,
    Deadline,
    LocalPractice,
    Status,
    is_due_soon,
)
from inburgering_tui.i18n.catalogs import _, ngettext
from inburgering_tui.i18n.markers import N_
from inburgering_tui.overview import CaseOverview, case_overviews
from inburgering_tui.store.repository import Store
from inburgering_tui.tui.labels import doelgroep_label, progress_label, show_date

if TYPE_CHECKING:
    from textual import getters

    from inburgering_tui.tui.app import InburgeringApp

SORTS = ("name", "updated", "created", "koppeling")
SORT_LABELS = {
    "name": N_("naam"),
    "updated": N_("laatst gewijzigd"),
    "created": N_("nieuwste eerst"),
    "koppeling": N_("koppelingsdatum"),
}
SEARCH_DELAY = 0.25  # seconds after the last key before the list is searched
ALL = "all"
DEADLINE_FILTERS = (ALL, "overdue", "due_soon")
FILTER_LABELS = {
    "overdue": N_("termijn verlopen"),
    "due_soon": N_("termijn verloopt binnenkort"),
}
# Said in the deadline cell beside its colour: colour alone is lost on some screens and eyes.
DUE_SOON = N_("binnenkort")


@dataclass(frozen=True)
class CaseFlag:
    """A mark some cases carry (an open conflict, say), read once per reload: it has a column
    of its own and a filter of its own after the deadline filters."""

    key: str
    column: str  # msgid: the column's title
    word: str  # msgid: what a marked case's cell says
    filter_label: str  # msgid: added to the count line while the filter is on
    read: Callable[[Store], set[str]]  # the ids of the marked cases
    style: str = "bold magenta"


def deadline_cell(deadline: Deadline | None, today: date, practice: LocalPractice) -> Text:
    """The whole date, the rule and its title, and in words whether it is late or near."""
    if deadline is None or deadline.due is None:
        return Text("–")
    text = f"{show_date(deadline.due)} {deadline.rule} {_(deadline.title)}"
    if deadline.status == Status.OVERDUE:
        return Text(text + " · " + _(STATUS_LABELS[Status.OVERDUE]), style="bold red")
    if is_due_soon(deadline, today, practice):
        return Text(text + " · " + _(DUE_SOON), style="bold yellow")
    return Text(text)


class CaseTable(Vertical):
    """Search box, count line and the cases, one row each, keyed by case id."""

    DEFAULT_CSS = "CaseTable { height: 1fr; }"

    if TYPE_CHECKING:
        app: getters.app[InburgeringApp]

    class Chosen(Message):
        """Enter on a case: the screen decides which view of it opens."""

        def __init__(self, case_id: str) -> None:
            super().__init__()
            self.case_id = case_id

    def __init__(self, *, flag: CaseFlag | None = None) -> None:
        super().__init__(id="case-list")
        self.flag = flag
        self.sort = "name"
        self.filter = ALL
        self.search_text = ""
        self.consultant: str | None = None  # None: every consultant's cases
        self._marked: set[str] = set()
        self._search_timer: Timer | None = None

    @property
    def filters(self) -> tuple[str, ...]:
        return DEADLINE_FILTERS + ((self.flag.key,) if self.flag else ())

    @property
    def rows(self) -> DataTable[Text]:
        return self.query_one("#case-table", DataTable)

    def compose(self) -> ComposeResult:
        yield Input(placeholder=_("Zoek op naam of V-nummer"), id="case-search")
        yield Static("", id="case-count", markup=False)
        yield DataTable(id="case-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.rows.focus()

    def refresh_language(self) -> None:
        self.query_one("#case-search", Input).placeholder = _("Zoek op naam of V-nummer")
        self._columns()
        self.reload()

    def _columns(self) -> None:
        labels = [
            (_("Naam"), "name"),
            (_("V-nummer"), "v"),
            (_("Doelgroep"), "doelgroep"),
            (_("Koppeling"), "koppeling"),
            (_("Intake"), "intake"),
            (_("Volgende termijn"), "deadline"),
            (_("Consulent"), "consultant"),
        ]
        if self.flag is not None:
            labels.append((_(self.flag.column), self.flag.key))
        table = self.rows
        table.clear(columns=True)
        for label, key in labels:
            table.add_column(label, key=key)

    def reload(self) -> None:
        """Read the cases again and show those the search and filters keep."""
        app = self.app
        store = app.store
        if store is None:
            return
        table = self.rows
        if not table.columns:
            self._columns()
        today = app.today()
        practice = app.settings.local_practice
        self._marked = self.flag.read(store) if self.flag else set()
        overviews = case_overviews(
            store, app.intake_form, today, practice, search=self.search_text, sort=self.sort
        )
        shown = [item for item in overviews if self._keeps(item, today, practice)]
        selected = self.selected_id()
        table.clear()
        for item in shown:
            case = item.case
            cells = (
                f"{case.family_name}, {case.given_names}",
                case.v_nummer or "–",
                doelgroep_label(case.doelgroep),
                show_date(case.koppelingsdatum),
                progress_label(item.walk),
            )
            # Text, not markup: a name may contain "[" and must show as typed.
            row = [Text(cell) for cell in cells]
            row += [
                deadline_cell(item.next_deadline, today, practice),
                Text(case.consultant or "–"),
            ]
            if self.flag is not None:
                marked = case.id in self._marked
                row.append(Text(_(self.flag.word), style=self.flag.style) if marked else Text(""))
            table.add_row(*row, key=case.id)
        if selected is not None and selected in {item.case.id for item in shown}:
            table.move_cursor(row=table.get_row_index(selected))
        count = ngettext(
            "{n} zaak, gesorteerd op {sort}", "{n} zaken, gesorteerd op {sort}", len(shown)
        ).format(n=len(shown), sort=_(SORT_LABELS[self.sort]))
        for label in self._filter_labels():
            count += " · " + label
        self.query_one("#case-count", Static).update(count)

    def _filter_labels(self) -> list[str]:
        labels = []
        if self.filter in FILTER_LABELS:
            labels.append(_(FILTER_LABELS[self.filter]))
        elif self.flag is not None and self.filter == self.flag.key:
            labels.append(_(self.flag.filter_label))
        if self.consultant is not None:
            labels.append(_("consulent {name}").format(name=self.consultant or "–"))
        return labels

    def _keeps(self, item: CaseOverview, today: date, practice: LocalPractice) -> bool:
        if self.consultant is not None and item.case.consultant != self.consultant:
            return False
        if self.filter == "overdue":
            return any(d.status == Status.OVERDUE for d in item.deadlines)
        if self.filter == "due_soon":
            return any(is_due_soon(d, today, practice) for d in item.deadlines)
        if self.flag is not None and self.filter == self.flag.key:
            return item.case.id in self._marked
        return True

    def selected_id(self) -> str | None:
        """The case under the cursor, if there is any case."""
        table = self.rows
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return None if key.value is None else str(key.value)

    # -- what the screens bind ---------------------------------------------------------------

    def focus_search(self) -> None:
        self.query_one("#case-search", Input).focus()

    def clear_search(self) -> None:
        self.query_one("#case-search", Input).value = ""
        self.rows.focus()

    def cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.reload()

    def cycle_filter(self) -> None:
        filters = self.filters
        self.filter = filters[(filters.index(self.filter) + 1) % len(filters)]
        self.reload()

    def cycle_consultant(self) -> None:
        """All consultants, then each one in turn."""
        store = self.app.require_store()
        names: list[str | None] = [None, *sorted({c.consultant for c in store.list_cases()})]
        position = names.index(self.consultant) if self.consultant in names else 0
        self.consultant = names[(position + 1) % len(names)]
        self.reload()

    @on(Input.Changed, "#case-search")
    def _search_changed(self, event: Input.Changed) -> None:
        # Each reload computes progress and deadlines of every match: wait for a typing pause.
        event.stop()
        self.search_text = event.value
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self.reload)

    @on(Input.Submitted, "#case-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.rows.focus()

    @on(DataTable.RowSelected, "#case-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(str(event.row_key.value)))
