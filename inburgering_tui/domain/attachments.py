"""Which documents may be attached to a case, told by their content, never by the file's name.

A name ending in ``.pdf`` says nothing: the first bytes say what a file claims to be, and a
minimal walk of its structure says whether it is whole. Only PDF, JPEG and PNG are accepted:
what a consultant scans or receives (COA handover papers, a diploma, a CV).
"""

from __future__ import annotations

import re
import struct
import zlib

from inburgering_tui.domain.answers import Invalid
from inburgering_tui.i18n.markers import N_

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
CONTENT_TYPES = (PDF, JPEG, PNG)
KIND_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
# The extension of a file written out: from the checked type, never from the original name.
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_PDF_TAIL = 1024  # the spec wants %%EOF within the last 1024 bytes
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF")
# Some writers count the line break before the table: allow white space first.
_XREF_AT = re.compile(rb"\s*(xref|\d+\s+\d+\s+obj)\b")


def content_type(data: bytes) -> str | Invalid:
    """The content type of an acceptable document, or why it is not one."""
    if not data:
        return Invalid(N_("Het bestand is leeg."))
    if data.startswith(b"%PDF-"):
        return PDF if _whole_pdf(data) else _broken(PDF)
    if data.startswith(_PNG_SIGNATURE):
        return PNG if _whole_png(data) else _broken(PNG)
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG if _whole_jpeg(data) else _broken(JPEG)
    return Invalid(N_("Dit bestand is geen PDF, JPEG of PNG (de inhoud telt, niet de naam)."))


def _broken(kind: str) -> Invalid:
    return Invalid(
        N_("Dit bestand begint als {kind}, maar is afgebroken of beschadigd."),
        {"kind": KIND_NAMES[kind]},
    )


def _whole_pdf(data: bytes) -> bool:
    """A version header, and at the end a ``startxref`` whose offset points at a cross-reference
    table or stream inside the file: a PDF cut short has no such end."""
    if not _PDF_HEADER.match(data):
        return False
    ends = list(_STARTXREF.finditer(data[-_PDF_TAIL:]))
    if not ends:
        return False
    offset = int(ends[-1].group(1))
    return 0 < offset < len(data) and _XREF_AT.match(data, offset) is not None


def _whole_png(data: bytes) -> bool:
    """Every chunk complete with a correct CRC, IHDR first, up to IEND."""
    position = len(_PNG_SIGNATURE)
    first = True
    while position + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, position)
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            return False
        body = data[position + 8 : end - 4]
        (crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(kind + body) != crc:
            return False
        if first and (kind != b"IHDR" or length != 13):
            return False
        first = False
        if kind == b"IEND":
            return True
        position = end
    return False


# Markers that stand alone, without a length: TEM and RST0-RST7.
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
# Start-of-frame markers (C4 is DHT, C8 reserved, CC DAC: not frames).
_FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _whole_jpeg(data: bytes) -> bool:
    """Segments of the right length from SOI to the first scan, a frame header among them, and
    an end-of-image marker after the scan starts."""
    position = 2
    framed = False
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return False
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _STANDALONE:
            position += 2
            continue
        if marker in (0xD8, 0xD9):  # a second SOI, or EOI before any image data
            return False
        (length,) = struct.unpack_from(">H", data, position + 2)
        end = position + 2 + length
        if length < 2 or end > len(data):
            return False
        framed = framed or marker in _FRAMES
        if marker == 0xDA:  # start of scan: entropy-coded data up to EOI follows
            # In scan data a 0xFF byte is always followed by 0x00 or a marker; FF D9 is EOI.
            return framed and data.find(b"\xff\xd9", end) != -1
        position = end
    return False
