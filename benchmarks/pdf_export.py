"""Benchmark: the full PIP PDF (fonts, tables, timeline, wegwijzer) plus its PAdES signature,
against a bare reportlab document with the same text, in the same process.

    .venv/bin/python benchmarks/pdf_export.py [--runs 10]

Prints the median time of each and their ratio. Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inburgering_tui.domain.deadlines import DeadlineFacts, compute
from inburgering_tui.domain.pip import Afspraak, Kind, PipContent
from inburgering_tui.export.pip_pdf import PipDocument, SignatureSpot, render
from inburgering_tui.export.pki import CONSULTANT_P12, PKI_DIR, create_dev_pki
from inburgering_tui.export.signing import sign
from inburgering_tui.settings import Municipality

KEYS = "benchmark-sleutel-zin"


def document() -> PipDocument:
    today = date(2026, 11, 23)
    content = PipContent(
        leerroute="b1",
        target_level="B1",
        provider="Taalschool Noord",
        intensity_hours_week=12,
        contact_person="J. de Vries",
        afspraken=[
            Afspraak(id="les", kind=Kind.LES, description="NT2 en KNM", start=today),
            Afspraak(id="pvt", kind=Kind.PVT, hours_total=12, with_excursion=True, start=today),
            Afspraak(id="map", kind=Kind.MAP, hours_total=40, practical_activity=True, start=today),
            Afspraak(id="beg", kind=Kind.BEGELEIDING, partner="Vluchtelingenwerk", start=today),
        ],
    )
    facts = DeadlineFacts(doelgroep="asielstatushouder", koppelingsdatum=date(2026, 6, 1),
                          kennisgeving_date=date(2026, 7, 1), pip_dagtekening=today)  # fmt: skip
    return PipDocument(
        municipality=Municipality(),
        kenmerk="PIP-BENCH-1",
        version=1,
        dagtekening=today,
        person_name="Demo Persoon",
        azc_location="AZC Zeist",
        content=content,
        deadlines=compute(facts, today),
        agreement={
            "person_name": "Demo Persoon",
            "agreed_on": today.isoformat(),
            "interpreter_name": "Tolk",
            "interpreter_language": "ar",
            "consultant": "J. de Vries",
        },
        consultant="J. de Vries",
        interview_language="ar",
        today=today,
    )


def bare(text: str) -> bytes:
    """The same words as plain paragraphs in reportlab's built-in font: the floor."""
    buffer = BytesIO()
    style = getSampleStyleSheet()["BodyText"]
    SimpleDocTemplate(buffer, pagesize=A4).build(
        [
            Paragraph(line.replace("&", "&amp;").replace("<", "&lt;"), style)
            for line in text.splitlines()
            if line.strip()
        ]
    )
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    home = Path(tempfile.mkdtemp(prefix="inburgering-bench-"))
    create_dev_pki(home, KEYS, municipality="Gemeente Benchmark", consultant="J. de Vries")
    p12 = home / PKI_DIR / CONSULTANT_P12
    doc = document()
    spot = SignatureSpot()
    full_pdf = sign(render(doc, spot), p12, KEYS, spot, reason="benchmark")  # warm-up, fonts loaded
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(full_pdf)).pages)
    bare(text)

    full_times, bare_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        spot = SignatureSpot()
        sign(render(doc, spot), p12, KEYS, spot, reason="benchmark")
        full_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare(text)
        bare_times.append(time.perf_counter() - start)
    full, floor = statistics.median(full_times), statistics.median(bare_times)
    print(f"runs: {runs}")
    print(f"bare reportlab, same text:        {floor * 1000:8.1f} ms (median)")
    print(f"PIP PDF + wegwijzer + signature:  {full * 1000:8.1f} ms (median)")
    print(f"ratio:                            {full / floor:8.1f}x")


if __name__ == "__main__":
    main()
