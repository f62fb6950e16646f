"""CLI commands of the journeys area."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands and groups to the `csops` app."""
