"""The written record of the brede intake as a PDF (A4, Dutch), rendered from its report model.

Every page says "Vertrouwelijk" and "pagina n van m". Health domains stand on pages of their own,
marked as special-category data (AVG art. 9), so they can be kept apart; a copy without health
data has none of them (domain/intake_report.py leaves them out of the model). Free text in any
script (Arabic, Tigrinya, Turkish, Latin with accents) is drawn by :class:`ScriptParagraph`
where it needs another font or right-to-left order. A report, not a decision: not signed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import BytesIO
from typing import Any, cast
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from inburgering_tui.domain.answers import format_date
from inburgering_tui.domain.case_rules import DOELGROEP_LABELS
from inburgering_tui.domain.intake import DomainStatus
from inburgering_tui.domain.intake_report import IntakeReport, ReportAnswer, ReportDomain
from inburgering_tui.export import fonts
from inburgering_tui.export.page_canvas import PageCountCanvas
from inburgering_tui.export.script_paragraph import ScriptParagraph
from inburgering_tui.i18n.bidi import first_strong_rtl
from inburgering_tui.i18n.catalogs import language_name

CONFIDENTIAL = "Vertrouwelijk"
HEALTH_BANNER = "Bijzondere persoonsgegevens: gezondheid (AVG art. 9; W 37 lid 2 onder b)"
STATUS_TEXT = {
    DomainStatus.DONE: "besproken",
    DomainStatus.PARTLY: "deels besproken",
    DomainStatus.NOT_STARTED: "nog niet besproken",
    DomainStatus.SKIPPED: "overgeslagen",
    DomainStatus.NOT_APPLICABLE: "niet van toepassing",
}
_PROMPT_WIDTH, _ANSWER_WIDTH = 72 * mm, 102 * mm


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName="Latin", fontSize=9.5, leading=13, spaceAfter=4)
    return {
        "body": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8, leading=10, textColor=colors.HexColor("#444444")
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontName="Latin-Bold", fontSize=16, leading=20, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName="Latin-Bold",
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=base,
            fontName="Latin-Bold",
            fontSize=9.5,
            spaceBefore=4,
            spaceAfter=2,
            keepWithNext=1,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11, spaceAfter=0),
        "muted": ParagraphStyle(
            "muted", parent=base, fontSize=8.5, leading=11, spaceAfter=0, textColor=colors.grey
        ),
    }


def _needs_script_paragraph(text: str) -> bool:
    return any(fonts.script_of(char) != "Latin" for char in text)


def _text(text: str, style: ParagraphStyle) -> Flowable:
    """Latin text as a reportlab Paragraph; text with Arabic or Ethiopic letters in the fonts
    that have them, right-to-left when it starts right-to-left."""
    if _needs_script_paragraph(text):
        return ScriptParagraph(
            text,
            "ar" if first_strong_rtl(text) else "nl",
            size=style.fontSize,
            leading=style.leading,
            bold=style.fontName.endswith("-Bold"),
            space_after=style.spaceAfter,
        )
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


class _ReportCanvas(PageCountCanvas):
    """Writes "Vertrouwelijk", the kenmerk and "pagina x van y" on every page."""

    kenmerk = ""

    def decorate(self, number: int, total: int) -> None:
        width, height = self._pagesize
        self.setFont("Latin-Bold", 8)
        self.setFillColor(colors.Color(0.7, 0.05, 0.05))
        self.drawRightString(width - 15 * mm, height - 10 * mm, CONFIDENTIAL.upper())
        self.setFont("Latin", 7.5)
        self.setFillColor(colors.grey)
        self.drawString(
            15 * mm, 9 * mm, f"{CONFIDENTIAL} · Verslag brede intake · Kenmerk {self.kenmerk}"
        )
        self.drawRightString(width - 15 * mm, 9 * mm, f"pagina {number} van {total}")


def _health_banner(canvas: Canvas, _doc: Any) -> None:
    width, height = A4
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.99, 0.93, 0.85))
    canvas.rect(18 * mm, height - 17 * mm, width - 36 * mm, 6 * mm, stroke=0, fill=1)
    canvas.setFillColor(colors.Color(0.55, 0.25, 0.0))
    canvas.setFont("Latin-Bold", 8)
    canvas.drawString(20 * mm, height - 15 * mm, HEALTH_BANNER)
    canvas.restoreState()


def render(report: IntakeReport, progress: Callable[[float], None] = lambda _done: None) -> bytes:
    """The PDF as bytes; ``progress`` hears how far the pages are laid out (0 to 0.8)."""
    fonts.register()
    styles = _styles()
    buffer = BytesIO()
    copy = " (zonder gezondheidsgegevens)" if report.without_health else ""
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Verslag brede intake {report.header.kenmerk}{copy}",
        author=report.header.municipality,
        subject="Vastlegging brede intake (Besluit inburgering 2021, art. 5.2 lid 2). Vertrouwelijk.",
        keywords=[CONFIDENTIAL],
        creator="inburgering_tui",
        lang="nl",
        initialFontName="Latin",  # else reportlab lists Helvetica, unembedded
    )
    frame = Frame(
        18 * mm,
        16 * mm,
        A4[0] - 36 * mm,
        A4[1] - 36 * mm,
        leftPadding=0,
        rightPadding=0,
        id="body",
    )
    template.addPageTemplates(
        [
            PageTemplate(id="normal", frames=[frame], pagesize=A4),
            PageTemplate(id="health", frames=[frame], pagesize=A4, onPage=_health_banner),
        ]
    )
    story = [*_opening(report, styles), *_domains(report, styles), *_closing(report, styles)]
    size = {"total": max(len(story), 1)}

    def laid_out(kind: str, value: int) -> None:
        # reportlab counts the flowables it has placed: that is the build's progress.
        if kind == "SIZE_EST":
            size["total"] = max(value, 1)
        elif kind == "PROGRESS":
            progress(0.8 * min(value / size["total"], 1.0))

    template.setProgressCallBack(laid_out)
    canvas_class = cast(
        "type[_ReportCanvas]",
        type("IntakeReportCanvas", (_ReportCanvas,), {"kenmerk": report.header.kenmerk}),
    )
    template.build(story, canvasmaker=canvas_class)
    progress(0.8)
    return buffer.getvalue()


# -- the first pages ---------------------------------------------------------------------------


def _opening(report: IntakeReport, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    h = report.header
    done, total = report.progress
    rows = [
        ("Naam", h.person_name),
        ("Geboortedatum", _day(h.date_of_birth)),
        ("V-nummer", h.v_nummer or "—"),
        ("Doelgroep", DOELGROEP_LABELS.get(h.doelgroep, h.doelgroep)),
        ("AZC-locatie", h.azc_location or "—"),
        ("Koppelingsdatum", _day(h.koppelingsdatum)),
        ("Kennisgeving DUO", _day(h.kennisgeving_date)),
        ("Inschrijving BRP", _day(h.brp_date)),
        ("Consulent", h.consultant or "—"),
        ("Gemeente", h.municipality),
        ("Kenmerk", h.kenmerk),
        ("Formulier", f"{report.form_title}, versie {report.form_version}"),
        ("Voortgang", f"{done} van {total} onderwerpen besproken of overgeslagen"),
        ("Datum verslag", _day(h.made_on)),
    ]
    story: list[Flowable] = [
        Paragraph(escape(h.municipality), s["h2"]),
        Paragraph("Verslag brede intake", s["title"]),
        Paragraph(
            f"<b>{CONFIDENTIAL}.</b> De schriftelijke vastlegging van de bevindingen van de brede "
            "intake (artikel 14 Wet inburgering 2021, artikel 5.2 lid 2 Besluit inburgering 2021). "
            "Dit verslag is geen besluit; het is de basis voor het Plan Inburgering en "
            "Participatie.",
            s["body"],
        ),
        _pairs(rows, s, widths=(40 * mm, 134 * mm)),
    ]
    if report.without_health:
        left_out = _joined(report.health_left_out) or "gezondheid"
        story.append(Spacer(1, 3 * mm))
        story.append(
            Paragraph(
                "<b>Kopie zonder gezondheidsgegevens.</b> "
                + escape(
                    f"De onderwerpen {left_out} zijn weggelaten: gezondheidsgegevens zijn "
                    "bijzondere persoonsgegevens (AVG art. 9) en horen niet in deze kopie "
                    "(W 37 lid 2 onder b). Antwoorden uit een oudere versie van het formulier "
                    "waarvan het onderwerp niet meer bekend is, staan er om dezelfde reden niet in."
                ),
                s["body"],
            )
        )
    story += [Paragraph("Gesprekken", s["h2"]), _conversations(report, s)]
    story += [
        Paragraph("Procedure", s["h2"]),
        Paragraph(
            "Wat de wet vraagt vast te leggen: dat de persoon is verteld dat de gesprekken zonder "
            "anderen dan professionals mogen worden gevoerd, en dat rechten en plichten zijn "
            "uitgelegd (artikel 5.2 lid 2 Besluit inburgering 2021).",
            s["small"],
        ),
    ]
    if report.procedure:
        story.append(_answer_table(report.procedure, s, missing="niet vastgelegd"))
    else:
        story.append(Paragraph("Deze vragen staan niet in het formulier.", s["small"]))
    story += _overview(report, s)
    return story


def _conversations(report: IntakeReport, s: dict[str, ParagraphStyle]) -> Flowable:
    if not report.conversations:
        return Paragraph("Nog geen gesprek vastgelegd.", s["small"])
    rows: list[list[Any]] = [["Datum", "Plaats", "Tolk", "Taal"]]
    for c in report.conversations:
        rows.append(
            [
                format_date(c.held_on),
                _text(c.place or "—", s["cell"]),
                _text(c.interpreter or "geen tolk", s["cell"]),
                _text(language_name(c.language, "nl"), s["cell"]),
            ]
        )
    table = Table(rows, colWidths=[22 * mm, 62 * mm, 55 * mm, 35 * mm], repeatRows=1)
    table.setStyle(_GRID_WITH_HEADER)
    return table


def _overview(report: IntakeReport, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The domains at a glance; health domains only by name, their contents stay on their pages."""
    rows: list[list[Any]] = [["Onderwerp", "Stand", "Zelfredzaamheid"]]
    for d in report.domains:
        if d.special_category:
            rows.append(
                [_text(d.title, s["cell"]), _text("zie de pagina's gezondheid", s["muted"]), ""]
            )
            continue
        score = f"{d.score} van 5 ({d.score_label})" if d.score is not None else "—"
        rows.append([_text(d.title, s["cell"]), STATUS_TEXT[d.status], _text(score, s["cell"])])
    table = Table(rows, colWidths=[78 * mm, 38 * mm, 58 * mm], repeatRows=1)
    table.setStyle(_GRID_WITH_HEADER)
    return [Paragraph("Onderwerpen", s["h2"]), table]


# -- the domains -------------------------------------------------------------------------------


def _domains(report: IntakeReport, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = []
    in_health = False
    for index, domain in enumerate(report.domains):
        # Health domains on pages of their own: a page break on the way in and on the way out.
        if domain.special_category != in_health or index == 0:
            story += [NextPageTemplate("health" if domain.special_category else "normal")]
            story.append(PageBreak())
            in_health = domain.special_category
        story += _domain(domain, s)
    if in_health:
        story += [NextPageTemplate("normal"), PageBreak()]
    return story


def _domain(d: ReportDomain, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    heading = [
        Paragraph(escape(d.title), s["h2"]),
        Paragraph(
            escape(
                f"Stand: {STATUS_TEXT[d.status]}"
                + (f" · Grondslag: {d.basis}" if d.basis else "")
                + (" · bijzondere persoonsgegevens" if d.special_category else "")
            ),
            s["small"],
        ),
    ]
    story: list[Flowable] = []
    if d.skipped_reason is not None:
        story.append(_text(f"Onderwerp overgeslagen. Reden: {d.skipped_reason}", s["body"]))
    given = [a for a in d.answers if a.answered or a.not_asked_reason]
    if d.status == DomainStatus.NOT_STARTED and not given:
        story.append(Paragraph("Nog niet besproken.", s["body"]))
    elif d.skipped_reason is not None:
        if given:
            story.append(Paragraph("Wat vóór het overslaan is vastgelegd:", s["h3"]))
            story.append(_answer_table(given, s))
    elif d.answers:
        story.append(_answer_table(d.answers, s))
    if d.warnings:
        story.append(Paragraph("Signalen bij de antwoorden", s["h3"]))
        story += [_text(f"⚠ {warning}", s["body"]) for warning in d.warnings]
    if d.note:
        story.append(Paragraph("Notitie van de consulent bij dit onderwerp", s["h3"]))
        story.append(_text(d.note, s["body"]))
    if d.summary or d.score is not None:
        story.append(Paragraph("Samenvatting van de consulent", s["h3"]))
        story.append(_text(d.summary or "—", s["body"]))
        if d.score is not None:
            story.append(_text(f"Zelfredzaamheid: {d.score} van 5 ({d.score_label})", s["body"]))
    if d.historical:
        story.append(Paragraph("Antwoorden uit een oudere versie van het formulier", s["h3"]))
        story.append(_answer_table(d.historical, s))
    # A domain starts on a new page rather than with its title alone at the foot of one.
    return [CondPageBreak(45 * mm), *heading, *story]


def _closing(report: IntakeReport, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = []
    if report.historical_elsewhere:
        story += [
            Paragraph("Antwoorden uit een oudere versie van het formulier", s["h2"]),
            Paragraph(
                "Vragen en onderwerpen die het huidige formulier niet meer heeft; de antwoorden "
                "blijven bewaard.",
                s["small"],
            ),
            _answer_table(report.historical_elsewhere, s),
        ]
    h = report.header
    story += [
        Spacer(1, 6 * mm),
        _text(
            f"Opgesteld door {h.consultant or 'de consulent'}, {h.municipality}, op "
            f"{_day(h.made_on)}. Dit verslag is niet ondertekend: het is een verslag, geen besluit.",
            s["small"],
        ),
    ]
    return story


def _answer_table(
    answers: tuple[ReportAnswer, ...] | list[ReportAnswer],
    s: dict[str, ParagraphStyle],
    *,
    missing: str = "—",
) -> Table:
    rows: list[list[Any]] = []
    for a in answers:
        prompt = a.prompt
        if a.form_version is not None:
            prompt = f"{a.prompt} (formulierversie {a.form_version})"
        if a.not_asked_reason is not None:
            shown = _text(f"Niet gevraagd. Reden: {a.not_asked_reason}", s["muted"])
        elif a.answered:
            shown = _text(a.text, s["cell"])
        else:
            shown = _text(missing, s["muted"])
        cell: list[Flowable] = [shown]
        if a.note:
            cell.append(_text(f"Notitie: {a.note}", s["muted"]))
        rows.append([_text(prompt, s["cell"]), cell])
    table = Table(rows, colWidths=[_PROMPT_WIDTH, _ANSWER_WIDTH])
    table.setStyle(_ROWS)
    return table


def _pairs(
    rows: list[tuple[str, str]], s: dict[str, ParagraphStyle], *, widths: tuple[float, float]
) -> Table:
    table = Table(
        [[Paragraph(escape(label), s["cell"]), _text(value, s["cell"])] for label, value in rows],
        colWidths=list(widths),
    )
    table.setStyle(_ROWS)
    return table


def _day(value: date | None) -> str:
    return format_date(value) if value else "—"


def _joined(titles: tuple[str, ...]) -> str:
    if len(titles) < 2:
        return "".join(titles)
    return ", ".join(titles[:-1]) + " en " + titles[-1]


_ROWS = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.Color(0.8, 0.8, 0.8)),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
)
_GRID_WITH_HEADER = TableStyle(
    [
        ("FONT", (0, 0), (-1, 0), "Latin-Bold", 8.5),
        ("FONT", (0, 1), (-1, -1), "Latin", 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.92, 0.96)),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)
