"""The report as one self-contained HTML file: styles inline, figures as data: URIs, so the
file can be mailed or archived alone and its digest covers everything it shows."""

from __future__ import annotations

import base64
from html import escape

from ceasefire.report.daily import document as doc

STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.4; }
h1 { font-size: 1.5em; border-bottom: 2px solid #1f3a5f; }
h2 { font-size: 1.2em; color: #1f3a5f; margin-top: 1.6em; }
h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.85em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
figure { margin: 1em 0; }
figcaption { font-size: 0.85em; color: #444; }
img { max-width: 100%; }
"""


def _block(block: doc.Block) -> str:
    match block:
        case doc.Heading(text, level):
            return f"<h{level}>{escape(text)}</h{level}>"
        case doc.Paragraph(text):
            return f"<p>{escape(text)}</p>"
        case doc.Bullets(items):
            return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
        case doc.Table(header, rows):
            head = "".join(f"<th>{escape(h)}</th>" for h in header)
            body = "".join(
                "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
            )
            return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        case doc.Figure(png, caption, _):
            data = base64.b64encode(png).decode("ascii")
            return (f'<figure><img src="data:image/png;base64,{data}" alt="{escape(caption)}">'
                    f"<figcaption>{escape(caption)}</figcaption></figure>")
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover - Block is closed


def render_html(document: doc.Document) -> bytes:
    """The document as UTF-8 HTML bytes."""
    body = "\n".join(_block(b) for b in document.blocks)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(document.lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(document.title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{escape(document.title)}</h1>\n{body}\n</body>\n</html>\n"
    ).encode()
