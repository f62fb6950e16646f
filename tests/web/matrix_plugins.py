"""Rows that domain test packages add to the API and UI route x role matrices.

Each module in `tests/web/api/matrix_rows/` or `tests/web/ui/matrix_rows/` defines
`ROWS = Rows(...)`: the expected outcome per route (same format as the matrix's EXPECT),
request bodies (JSON for the API, form fields for the UI), a `prepare(world)` that creates
the rows the routes' path parameters name (it sets `world.ids[...]`), and `fresh` makers
for parameters that must name a new row on every writing call (so no call depends on
another). The matrix modules merge every `ROWS` they find.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

Route = tuple[str, str]


@dataclass
class Rows:
    expect: dict[Route, str]
    bodies: dict[Route, Callable[[Any], dict[str, Any]]] = field(default_factory=dict)
    prepare: Callable[[Any], None] | None = None
    fresh: dict[str, Callable[[Any], int | str]] = field(default_factory=dict)
    # UI only: routes answered with a server-sent event stream.
    streams: set[Route] = field(default_factory=set)
    # UI only, for the bad-input fuzz: form path -> (role that may post it: "admin", "cust"
    # or "anon", a valid minimal form). `prepare` and `fresh` run there too, with a world
    # that has the same `desk`, `ids`, `emails` and `principals`.
    fuzz: dict[str, tuple[str, Callable[[Any], dict[str, Any]]]] = field(default_factory=dict)


def collect(package: ModuleType) -> list[Rows]:
    found: list[Rows] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        rows = getattr(module, "ROWS", None)
        if isinstance(rows, Rows):
            found.append(rows)
    return found
