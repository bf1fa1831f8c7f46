"""The PIP as a beschikking (A4, Dutch) with a wegwijzer in the person's language (A5), one PDF.

What a beschikking needs (DOMAIN.md §6): the decision and its legal basis, the dagtekening,
reasons per element, the afspraken per theme, which can be fined and how, the deadlines,
rights and obligations, and the bezwaar clause. A draft is watermarked CONCEPT.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any, cast
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Circle, Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from inburgering_tui.domain.answers import format_date, format_hours
from inburgering_tui.domain.deadlines import Deadline, Status
from inburgering_tui.domain.leerroute import LEERROUTE_LABELS
from inburgering_tui.domain.pip import KIND_LABELS, RESPONSIBLE, THEME_LABELS, PipContent, Theme
from inburgering_tui.domain.pip_text import FROM, HOURS, KENMERK, LEERROUTE, UNTIL
from inburgering_tui.export import fonts
from inburgering_tui.export.page_canvas import PageCountCanvas
from inburgering_tui.export.script_paragraph import ScriptParagraph
from inburgering_tui.i18n.catalogs import translator
from inburgering_tui.i18n.formatting import format_day
from inburgering_tui.i18n.markers import N_

SIGNATURE_FIELD = "Consulent"


@dataclass
class PipDocument:
    """Everything the PDF shows; gathered by the caller from the store."""

    municipality: Any  # settings.Municipality
    kenmerk: str
    version: int
    dagtekening: date | None  # None: a draft
    person_name: str
    azc_location: str
    content: PipContent
    deadlines: list[Deadline]
    agreement: dict[str, Any]
    consultant: str
    interview_language: str
    today: date


@dataclass
class SignatureSpot:
    """Where the consultant's visible signature goes: set while the PDF is built."""

    page: int = 0
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


class _SignatureAnchor(Flowable):
    """An empty box whose page and position become the signature field's."""

    def __init__(self, spot: SignatureSpot, width: float, height: float) -> None:
        super().__init__()
        self.spot, self.width, self.height = spot, width, height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.spot.page = self.canv.getPageNumber() - 1
        self.spot.box = (x, y, x + self.width, y + self.height)
        self.canv.setStrokeColor(colors.grey)
        self.canv.rect(0, 0, self.width, self.height)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName="Latin", fontSize=9.5, leading=13, spaceAfter=4)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "title": ParagraphStyle(
            "title", parent=base, fontName="Latin-Bold", fontSize=15, leading=19, spaceAfter=8
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName="Latin-Bold",
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


class _NumberedCanvas(PageCountCanvas):
    """Writes "pagina x van y" and the kenmerk on every page, and CONCEPT across a draft's."""

    kenmerk = ""
    draft = False

    def decorate(self, number: int, total: int) -> None:
        width, height = self._pagesize
        self.setFont("Latin", 7.5)
        self.setFillColor(colors.grey)
        self.drawString(15 * mm, 9 * mm, f"Kenmerk {self.kenmerk}")
        self.drawRightString(width - 15 * mm, 9 * mm, f"pagina {number} van {total}")
        if self.draft:
            self.saveState()
            self.setFont("Latin-Bold", 70)
            self.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.18))
            self.translate(width / 2, height / 2)
            self.rotate(40)
            self.drawCentredString(0, 0, "CONCEPT")
            self.restoreState()


def render(doc: PipDocument, spot: SignatureSpot | None = None) -> bytes:
    """The PDF as bytes; ``spot`` learns where the consultant's signature belongs."""
    fonts.register()
    spot = spot or SignatureSpot()
    styles = _styles()
    buffer = BytesIO()
    draft = doc.dagtekening is None
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Plan Inburgering en Participatie {doc.kenmerk}",
        author=doc.municipality.name,
        subject="Beschikking PIP (Wet inburgering 2021, art. 15)",
        creator="inburgering_tui",
        lang="nl",
        # Start in our own font: reportlab's default Helvetica would be listed, unembedded.
        initialFontName="Latin",
    )
    a4 = Frame(18 * mm, 16 * mm, A4[0] - 36 * mm, A4[1] - 32 * mm, id="a4")
    a5 = Frame(12 * mm, 14 * mm, A5[0] - 24 * mm, A5[1] - 26 * mm, id="a5")
    template.addPageTemplates(
        [
            PageTemplate(id="A4", frames=[a4], pagesize=A4),
            PageTemplate(id="A5", frames=[a5], pagesize=A5),
        ]
    )
    story: list[Flowable] = []
    story += _beschikking(doc, styles, spot)
    story += [NextPageTemplate("A5"), PageBreak()]
    story += _wegwijzer(doc)
    canvas_class = cast(
        "type[_NumberedCanvas]",
        type("PipCanvas", (_NumberedCanvas,), {"kenmerk": doc.kenmerk, "draft": draft}),
    )
    template.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()


def _beschikking(
    doc: PipDocument, s: dict[str, ParagraphStyle], spot: SignatureSpot
) -> list[Flowable]:
    m, pip = doc.municipality, doc.content
    day = doc.dagtekening or doc.today
    story: list[Flowable] = [
        _p(m.name, s["h2"]),
        _p(f"{m.address} · {m.phone} · {m.email}", s["small"]),
        Spacer(1, 6 * mm),
        _p(
            f"Aan: {doc.person_name}" + (f", {doc.azc_location}" if doc.azc_location else ""),
            s["body"],
        ),
        _p(f"Kenmerk: {doc.kenmerk} (versie {doc.version})", s["body"]),
        _p(
            f"Datum (dagtekening): {format_date(day)}"
            + (" — concept, nog niet vastgesteld" if doc.dagtekening is None else ""),
            s["body"],
        ),
        Spacer(1, 4 * mm),
        _p("Beschikking: uw Plan Inburgering en Participatie (PIP)", s["title"]),
        _p("Het besluit", s["h2"]),
        _p(
            "Het college van burgemeester en wethouders stelt voor u het Plan Inburgering en "
            "Participatie vast zoals hieronder beschreven (artikel 15 Wet inburgering 2021, "
            "artikel 5.3 Besluit inburgering 2021). Het plan is gemaakt na de brede intake met u "
            "en besproken met u en de tolk.",
            s["body"],
        ),
    ]
    if doc.dagtekening is not None:
        end = _deadline(doc, "T6")
        story.append(
            _p(
                "Uw inburgeringstermijn van drie jaar begint op de dag na de datum van dit besluit"
                + (f" en loopt tot en met {format_date(end.due)}" if end and end.due else "")
                + " (artikel 11 Wet inburgering 2021).",
                s["body"],
            )
        )
    for theme in Theme:
        story += _theme(doc, theme, s)
    story += [_p("Termijnen", s["h2"]), _timeline(doc), Spacer(1, 2 * mm)]
    story.append(_deadline_table(doc, s))
    story += [
        _p("Uw rechten en plichten", s["h2"]),
        _p(
            "U bent inburgeringsplichtig en moet binnen de termijn de afspraken in dit plan "
            "nakomen: de leerroute volgen, het participatieverklaringstraject (PVT) afronden en, "
            "behalve in de onderwijsroute, de module arbeidsmarkt en participatie (MAP). U mag "
            "vragen om een voortgangsgesprek; de gemeente nodigt u daar in elk geval "
            f"{pip.progress_talks_per_year} keer per jaar voor uit. Wijzigt uw situatie, dan kan "
            "het plan worden aangepast in een nieuwe versie; de termijn verandert daardoor niet.",
            s["body"],
        ),
        _p("Als u de afspraken niet nakomt", s["h2"]),
        _p(
            "Afspraken die in de tabellen met 'ja' bij 'boete' staan, kunnen met een boete worden "
            "gehandhaafd (artikel 23 Wet inburgering 2021): eerst een waarschuwing, daarna een "
            "boete van €50 die kan oplopen tot ten hoogste €800, samen ten hoogste €2.400 per "
            "termijn (artikel 7.1 Besluit inburgering 2021).",
            s["body"],
        ),
        _p("Bezwaar", s["h2"]),
        _p(
            "Bent u het niet eens met dit besluit? Dan kunt u binnen zes weken na de dag waarop "
            f"het bekend is gemaakt bezwaar maken bij: {m.bezwaar_to} (artikel 6:7 en 6:8 "
            "Algemene wet bestuursrecht). Schrijf in uw bezwaar uw naam en adres, de datum, het "
            "kenmerk van dit besluit en waarom u het er niet mee eens bent, en onderteken het. "
            "Het bezwaar schort de werking van dit besluit niet op (artikel 6:16 Awb).",
            s["body"],
        ),
        _p("Ondertekening", s["h2"]),
    ]
    agreement = doc.agreement
    sign_width, sign_height = 80 * mm, 22 * mm
    story.append(
        KeepTogether(
            [
                _p(
                    f"Namens het college, de consulent: {agreement.get('consultant') or doc.consultant}",
                    s["body"],
                ),
                _SignatureAnchor(spot, sign_width, sign_height),
                Spacer(1, 3 * mm),
                _p(
                    f"Akkoord van de inburgeraar: {agreement.get('person_name', '—')}, "
                    f"op {format_date(date.fromisoformat(agreement['agreed_on'])) if agreement.get('agreed_on') else '—'}",
                    s["body"],
                ),
                _p(
                    f"Tolk: {agreement.get('interpreter_name') or '—'} "
                    f"({agreement.get('interpreter_language') or doc.interview_language})",
                    s["body"],
                ),
            ]
        )
    )
    return story


def _theme(doc: PipDocument, theme: Theme, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    pip = doc.content
    story: list[Flowable] = [_p(f"Thema {THEME_LABELS[theme]}", s["h2"])]
    if theme == Theme.INBURGERING and pip.leerroute is not None:
        route = LEERROUTE_LABELS[pip.leerroute] + (
            " met alfabetisering" if pip.alfabetisering else ""
        )
        story.append(
            _p(
                f"Leerroute: {route}; taalniveau {pip.target_level or '—'}; taalaanbieder "
                f"{pip.provider or '—'}; {format_hours(pip.intensity_hours_week)} uur per week "
                "(artikel 15 lid 1 Wet inburgering 2021)."
                + (
                    f" Reden voor deze keuze: {pip.deviation_reason}"
                    if pip.deviation_reason
                    else ""
                ),
                s["body"],
            )
        )
    if theme == Theme.BEGELEIDING:
        story.append(
            _p(
                f"Contactpersoon: {pip.contact_person or '—'}. Voortgangsgesprekken: "
                f"{pip.progress_talks_per_year} per jaar (artikel 5.3 lid 4 Besluit inburgering).",
                s["body"],
            )
        )
    afspraken = pip.of_theme(theme)
    if not afspraken:
        story.append(_p("Geen afspraken in dit thema.", s["small"]))
        return story
    rows: list[list[str | Paragraph]] = [
        ["Afspraak", "Wie", "Van", "Tot", "Uren", "Basis", "Boete"]
    ]
    for a in afspraken:
        what = KIND_LABELS[a.kind] + (f": {a.description}" if a.description else "")
        if a.costs:
            what += " (" + ", ".join(a.costs) + ")"
        rows.append(
            [
                _p(what, s["cell"]),
                _p(a.partner or RESPONSIBLE.get(a.responsible, a.responsible), s["cell"]),
                format_date(a.start) or "—",
                format_date(a.end) or "—",
                format_hours(a.hours_total) or "—",
                _p(a.legal_basis, s["cell"]),
                "ja" if a.fineable else "nee",
            ]
        )
    table = Table(
        rows,
        colWidths=[62 * mm, 30 * mm, 19 * mm, 19 * mm, 12 * mm, 17 * mm, 12 * mm],
        repeatRows=1,
    )
    table.setStyle(_TABLE)
    story.append(table)
    return story


_TABLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), "Latin-Bold", 8.5),
        ("FONT", (0, 1), (-1, -1), "Latin", 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.92, 0.96)),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _deadline(doc: PipDocument, rule: str) -> Deadline | None:
    return next((d for d in doc.deadlines if d.rule == rule), None)


def _deadline_table(doc: PipDocument, s: dict[str, ParagraphStyle]) -> Table:
    rows: list[list[str | Paragraph]] = [["Regel", "Termijn", "Datum", "Waarom"]]
    for d in doc.deadlines:
        if d.status == Status.NOT_APPLICABLE or d.due is None:
            continue
        reason = d.reason.format(**d.params) if d.reason else ""
        rows.append(
            [
                f"{d.rule} ({d.source})",
                _p(d.title, s["cell"]),
                format_date(d.due),
                _p(reason, s["cell"]),
            ]
        )
    table = Table(rows, colWidths=[30 * mm, 42 * mm, 20 * mm, 79 * mm], repeatRows=1)
    table.setStyle(_TABLE)
    return table


def _timeline(doc: PipDocument) -> Drawing:
    """The termijn as a line from its start to its end with the deadlines on it."""
    width, height = 170 * mm, 42 * mm
    drawing = Drawing(width, height)
    dated = sorted(
        (d for d in doc.deadlines if d.due and d.status != Status.NOT_APPLICABLE),
        key=lambda d: d.due or date.max,
    )
    if not dated:
        drawing.add(
            String(0, height / 2, "Nog geen termijnen met een datum.", fontName="Latin", fontSize=8)
        )
        return drawing
    first = min(d.window_start or d.due or date.max for d in dated)
    last = max(d.due or date.min for d in dated)
    span = max((last - first).days, 1)
    left, right, y = 8 * mm, width - 8 * mm, height / 2
    drawing.add(Line(left, y, right, y, strokeColor=colors.darkblue, strokeWidth=1.5))
    for index, d in enumerate(dated):
        assert d.due is not None
        x = left + (right - left) * (d.due - first).days / span
        colour = colors.red if d.status == Status.OVERDUE else colors.darkblue
        drawing.add(Circle(x, y, 2.2, fillColor=colour, strokeColor=colour))
        above = index % 2 == 0
        drawing.add(
            String(
                x,
                y + (5 if above else -10),
                d.rule,
                fontName="Latin-Bold",
                fontSize=6.5,
                textAnchor="middle",
            )
        )
        drawing.add(
            String(
                x,
                y + (12 if above else -17),
                format_date(d.due),
                fontName="Latin",
                fontSize=6,
                textAnchor="middle",
            )
        )
    return drawing


def _wegwijzer(doc: PipDocument) -> list[Flowable]:
    """The A5 summary in the person's language: agreements, next dates, contact details."""
    language = doc.interview_language
    t: Callable[[str], str] = translator(language)

    def para(text: str, **kw: Any) -> ScriptParagraph:
        return ScriptParagraph(text, language, **kw)

    m, pip = doc.municipality, doc.content
    story: list[Flowable] = [
        para(
            t(N_("Wegwijzer: uw Plan Inburgering en Participatie")),
            size=13,
            bold=True,
            space_after=6,
        ),
        para(f"{doc.person_name} · {t(KENMERK)}: {doc.kenmerk}", size=9),
    ]
    if pip.leerroute is not None:
        route = t(LEERROUTE_LABELS[pip.leerroute])
        if pip.alfabetisering:
            route += " + " + t(N_("alfabetisering"))
        story.append(para(f"{t(LEERROUTE)}: {route}", size=10, bold=True))
    story.append(para(t(N_("Wat we hebben afgesproken")), size=11, bold=True, space_after=3))
    for a in pip.afspraken:
        line = "• " + t(KIND_LABELS[a.kind])
        if a.start:
            line += f" · {t(FROM)} {format_day(a.start, language, style='medium')}"
        if a.end:
            line += f" · {t(UNTIL)} {format_day(a.end, language, style='medium')}"
        if a.hours_total:
            line += f" · {format_hours(a.hours_total)} {t(HOURS)}"
        story.append(para(line, size=9))
    upcoming = [d for d in doc.deadlines if d.status in (Status.DUE, Status.OVERDUE) and d.due]
    if upcoming:
        story.append(para(t(N_("Belangrijke datums")), size=11, bold=True, space_after=3))
        for d in sorted(upcoming, key=lambda d: d.due or date.max)[:6]:
            assert d.due is not None
            story.append(
                para(f"• {format_day(d.due, language, style='medium')}: {t(d.title)}", size=9)
            )
    story += [
        para(t(N_("Vragen? Neem contact op")), size=11, bold=True, space_after=3),
        para(f"{pip.contact_person or m.name} · {m.phone} · {m.email}", size=9),
        para(
            t(N_("Niet eens met het besluit? Maak binnen zes weken bezwaar bij de gemeente.")),
            size=9,
        ),
    ]
    return story
