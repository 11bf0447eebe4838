"""The report as a PDF of real text (reportlab), so `pdftotext` and screen readers read it.

Fonts: DejaVu Sans, the TrueType font matplotlib ships, embedded in the PDF. The PDF core
fonts cover Latin-1 only, and the bulletins name weapons in Cyrillic (e.g. "Молнія"): a
core font would print those as blanks, and the PDF would no longer say what the rows say.
"""

from __future__ import annotations

import io
from html import escape
from pathlib import Path

import matplotlib
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    LongTable,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as PdfParagraph

from ceasefire.report.daily import document as doc

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


def _register_fonts() -> None:
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(fonts / "DejaVuSans-Bold.ttf")))


BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, spaceAfter=4)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=7, leading=8.5)
HEAD_CELL = ParagraphStyle("head", parent=CELL, fontName=BOLD)
CAPTION = ParagraphStyle("caption", parent=BODY, fontSize=8, textColor=colors.HexColor("#444444"))
HEADINGS = {
    1: ParagraphStyle("h1", fontName=BOLD, fontSize=15, leading=19, spaceAfter=8),
    2: ParagraphStyle("h2", fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=5,
                      textColor=colors.HexColor("#1f3a5f")),
    3: ParagraphStyle("h3", fontName=BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=3),
}
WIDTH = A4[0] - 3 * cm


def _text(text: str, style: ParagraphStyle) -> PdfParagraph:
    return PdfParagraph(escape(text), style)


def column_widths(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[float]:
    """Widths in proportion to each column's longest word-run (bounded), so that a long
    record id gets room and a count column does not."""
    need = [
        min(max(6, *(len(r[i]) for r in rows), *(len(w) for w in h.split())), 34)
        for i, h in enumerate(header)
    ]
    return [WIDTH * n / sum(need) for n in need]


def _table(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> LongTable:
    cells = [[_text(h, HEAD_CELL) for h in header]]
    cells += [[_text(c, CELL) for c in row] for row in rows]
    table = LongTable(cells, colWidths=column_widths(header, rows), repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#bbbbbb")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _figure(png: bytes, caption: str, width_cm: float) -> Flowable:
    image = Image(io.BytesIO(png))
    scale = min(width_cm * cm, WIDTH) / image.imageWidth
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    return KeepTogether([image, _text(caption, CAPTION)])


def _flowables(block: doc.Block) -> list[Flowable]:
    match block:
        case doc.Heading(text, level):
            return [_text(text, HEADINGS[level])]
        case doc.Paragraph(text):
            return [_text(text, BODY)]
        case doc.Bullets(items):
            return [ListFlowable([ListItem(_text(i, BODY)) for i in items], bulletType="bullet",
                                 bulletFontName=FONT, start="\u2022")]
        case doc.Table(header, rows):
            return [_table(header, rows), Spacer(1, 4)]
        case doc.Figure(png, caption, width_cm):
            return [_figure(png, caption, width_cm)]
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover - Block is closed


def render_pdf(document: doc.Document) -> bytes:
    """The document as PDF bytes (fixed metadata dates: `invariant`, so the bytes depend on
    the content only)."""
    _register_fonts()
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer, pagesize=A4, title=document.title, lang=document.lang, invariant=1,
        leftMargin=1.5 * cm, rightMargin=1.5 * cm, topMargin=1.5 * cm, bottomMargin=1.5 * cm,
    )
    story: list[Flowable] = [_text(document.title, HEADINGS[1])]
    for block in document.blocks:
        story += _flowables(block)
    template.build(story)
    return buffer.getvalue()
