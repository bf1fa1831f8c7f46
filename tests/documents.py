"""Real documents to attach, made by the real libraries: a PDF by reportlab, a JPEG and a PNG by
Pillow. Each carries a seed so two documents differ byte for byte."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def real_pdf(text: str = "Diploma", seed: int = 1) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(f"document {seed}")
    page.drawString(72, 720, f"{text} ({seed})")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _image(seed: int) -> Image.Image:
    picture = Image.new("RGB", (96, 64), (240, 240, 230))
    draw = ImageDraw.Draw(picture)
    # Noise from the seed: the image does not compress to nothing, and differs per seed.
    for x in range(0, 96, 3):
        for y in range(0, 64, 3):
            value = (x * 7919 + y * 104729 + seed * 1299709) % 251
            draw.point((x, y), fill=(value, 255 - value, (value * 3) % 256))
    draw.rectangle((8, 8, 40, 30), outline=(20, 20, 120))
    return picture


def real_png(seed: int = 1) -> bytes:
    buffer = io.BytesIO()
    _image(seed).save(buffer, format="PNG")
    return buffer.getvalue()


def real_jpeg(seed: int = 1) -> bytes:
    buffer = io.BytesIO()
    _image(seed).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()
