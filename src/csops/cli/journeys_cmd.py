"""CLI commands of the journeys area: `csops journey run|validate|schema`.

`run` needs no database: it reads spec files, runs them against one environment and exits
1 when any journey fails, so CI can gate a deploy on it. `--report-to` posts the results
to a csops server (recorded as a deployment gate outcome there).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.live import Live
from rich.table import Table

from csops.cli.common import EXIT_FAILED, EXIT_INVALID, console, err_console
from csops.domains.journeys import report, spec
from csops.domains.journeys.results import JourneyResult
from csops.domains.journeys.runner import RunOptions, run_all

journey_app = typer.Typer(help="CX assurance journeys: validate, run, publish the schema.")
STYLE = {"passed": "green", "failed": "red", "error": "red", "skipped": "yellow", "running": "cyan"}

Paths = Annotated[list[Path], typer.Argument(help="Spec files or folders of *.yaml")]


def _load(paths: list[Path]) -> spec.Spec:
    loaded = spec.load_paths(paths)
    if loaded.errors:
        for error in loaded.errors:
            err_console.print(f"[red]{error}[/red]", markup=True)
        raise typer.Exit(EXIT_INVALID)
    return loaded


@journey_app.command("validate")
def validate(paths: Paths) -> None:
    """Check spec files; errors carry file and line numbers."""
    loaded = _load(paths)
    console.print(
        f"ok: {len(loaded.environments)} environment(s), {len(loaded.journeys)} journey(s)"
    )


@journey_app.command("schema")
def schema(
    out: Annotated[Path | None, typer.Option("--out", help="Write to a file")] = None,
) -> None:
    """Print (or write) the JSON Schema of spec files."""
    text = spec.schema_text()
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)


def _table(states: dict[str, JourneyResult | None], env: str, done: set[str]) -> Table:
    table = Table(title=f"journeys @ {env}")
    for column in ("journey", "status", "steps", "ms", "error"):
        table.add_column(column)
    for name, result in states.items():
        if result is None:
            table.add_row(name, "[dim]queued[/dim]", "", "", "")
            continue
        status = result.status if result.journey in done else "running"
        style = STYLE.get(status, "white")
        table.add_row(
            name,
            f"[{style}]{status}[/{style}]",
            str(len(result.steps)),
            str(result.duration_ms or ""),
            (result.error or "")[:80],
        )
    return table


def _post(
    url: str, token: str | None, env: str, version: str, results: list[JourneyResult]
) -> None:
    body = {"environment": env, "version": version, "results": [r.to_dict() for r in results]}
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        url.rstrip("/") + "/api/v1/journeys/deployments", json=body, headers=headers, timeout=30
    )
    if response.status_code >= 300:
        err_console.print(f"report refused: {response.status_code} {response.text[:200]}")


@journey_app.command("run")
def run(
    paths: Paths,
    env: Annotated[str, typer.Option("--env", help="Environment to run against")],
    junit: Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML here")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write JSON results")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=500)] = 10,
    only: Annotated[list[str] | None, typer.Option("--only", help="Journey names")] = None,
    screenshots: Annotated[Path | None, typer.Option("--screenshots")] = None,
    report_to: Annotated[str | None, typer.Option("--report-to", help="csops base URL")] = None,
    version: Annotated[str, typer.Option("--version", help="Release being gated")] = "",
    token: Annotated[str | None, typer.Option(envvar="CSOPS_API_TOKEN", hidden=True)] = None,
) -> None:
    """Run journeys against one environment; exit 1 if any fails."""
    loaded = _load(paths)
    if env not in loaded.environments:
        err_console.print(f"no environment {env!r}; have: {', '.join(loaded.environments)}")
        raise typer.Exit(EXIT_INVALID)
    names = [n for n in loaded.journeys if not only or n in only]
    states: dict[str, JourneyResult | None] = dict.fromkeys(names)
    done: set[str] = set()
    with Live(
        _table(states, env, done),
        console=console,
        refresh_per_second=8,
        transient=not console.is_terminal,
    ) as live:

        def update(result: JourneyResult) -> None:
            states[result.journey] = result
            live.update(_table(states, env, done))

        def finish(result: JourneyResult) -> None:
            done.add(result.journey)
            update(result)

        options = RunOptions(
            concurrency=concurrency,
            screenshot_dir=screenshots,
            on_start=update,
            on_step=update,
            on_done=finish,
        )
        results = asyncio.run(run_all(loaded, env, names=names, options=options))
    if not console.is_terminal:
        console.print(_table({r.journey: r for r in results}, env, done))
    if junit:
        junit.write_text(report.junit_xml(results), encoding="utf-8")
    if json_out:
        json_out.write_text(report.as_json(results), encoding="utf-8")
    if report_to:
        _post(report_to, token, env, version, results)
    failed = [r for r in results if not r.ok]
    console.print(json.dumps({"passed": len(results) - len(failed), "failed": len(failed)}))
    if failed:
        raise typer.Exit(EXIT_FAILED)


def register(app: typer.Typer) -> None:
    """Add this area's commands and groups to the `csops` app."""
    app.add_typer(journey_app, name="journey")
