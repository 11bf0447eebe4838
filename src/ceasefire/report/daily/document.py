"""A report as a list of blocks, so that HTML and PDF are two renderings of one content.

The layout (`layout.py`) decides what is said; `html.py` and `pdf.py` only decide how it
looks. A number therefore cannot differ between the two documents.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Figure:
    png: bytes
    caption: str
    width_cm: float = 16.0


Block = Heading | Paragraph | Bullets | Table | Figure


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    lang: str
    blocks: tuple[Block, ...]
