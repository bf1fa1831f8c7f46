"""The sidebar of life domains, each with its completion state."""

from __future__ import annotations

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from inburgering_tui.domain.intake import DomainStatus, IntakeWalk
from inburgering_tui.i18n.catalogs import _
from inburgering_tui.i18n.markers import N_

STATUS_MARKS = {
    DomainStatus.DONE: ("✔", N_("klaar")),
    DomainStatus.PARTLY: ("◐", N_("deels")),
    DomainStatus.NOT_STARTED: ("○", N_("niet begonnen")),
    DomainStatus.SKIPPED: ("⊘", N_("overgeslagen")),
    DomainStatus.NOT_APPLICABLE: ("–", N_("niet van toepassing")),
}


class DomainSidebar(OptionList):
    _shown: list[str] | None = None

    def show(self, walk: IntakeWalk, current: str | None) -> None:
        labels = []
        for section in walk.form.sections:
            status = walk.status(section)
            mark, word = STATUS_MARKS[status]
            label = f"{mark} {_(section.title)}"
            if status == DomainStatus.SKIPPED:
                label += f" ({_(word)})"
            labels.append((label, section.id, status == DomainStatus.NOT_APPLICABLE))
        # Rebuilt only when a status changed: this runs after every saved answer.
        if [label for label, *_ in labels] != self._shown:
            self._shown = [label for label, *_ in labels]
            self.clear_options()
            self.add_options([Option(t, id=i, disabled=d) for t, i, d in labels])
        if current is not None:
            self.highlighted = [s.id for s in walk.form.sections].index(current)

    @staticmethod
    def legend() -> str:
        return "  ".join(f"{mark} {_(word)}" for mark, word in STATUS_MARKS.values())
