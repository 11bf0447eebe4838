"""Command-line entry point: one Typer app, with one sub-app per area of work."""

from ceasefire.cli.app import app, main

__all__ = ["app", "main"]
