"""Terminal output shared by the commands: no wrapping, and source text never read as markup.

Error text quotes user data (file names, regex patterns like `[a-z]`); rich would take those
for style tags, so every message goes through `escape`.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape


def error_console() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def print_problem(console: Console, label: str, colour: str, message: object) -> None:
    console.print(f"[{colour}]{label}[/{colour}] {escape(str(message))}")
