"""Configuration drift, pure: flatten two JSON documents to dotted keys and compare."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_KEYS = 5000


@dataclass(frozen=True)
class Difference:
    key: str
    kind: str  # added (only in b), removed (only in a), changed
    a: str
    b: str
    expected: bool


def flatten(data: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    out = {} if out is None else out
    if len(out) >= MAX_KEYS:
        return out
    if isinstance(data, dict) and data:
        for key in sorted(data, key=str):
            flatten(data[key], f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(data, list) and data:
        for i, item in enumerate(data):
            flatten(item, f"{prefix}[{i}]", out)
    else:
        out[prefix or "$"] = data
    return out


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def allowed(key: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(key, p) for p in patterns)


def diff(a: Any, b: Any, allow: Iterable[str] = ()) -> list[Difference]:
    """Keys added in b, removed from a, or changed; `expected` when allow-listed."""
    patterns = list(allow)
    fa, fb = flatten(a), flatten(b)
    out = []
    for key in sorted(set(fa) | set(fb)):
        if key not in fb:
            kind, va, vb = "removed", _text(fa[key]), ""
        elif key not in fa:
            kind, va, vb = "added", "", _text(fb[key])
        elif fa[key] != fb[key]:
            kind, va, vb = "changed", _text(fa[key]), _text(fb[key])
        else:
            continue
        out.append(Difference(key, kind, va[:500], vb[:500], allowed(key, patterns)))
    return out


def side_by_side(a: Any, b: Any) -> list[tuple[str, str, str, bool]]:
    """Every key with both values and whether they are equal, for the drift page."""
    fa, fb = flatten(a), flatten(b)
    rows = []
    for key in sorted(set(fa) | set(fb)):
        va = _text(fa[key]) if key in fa else ""
        vb = _text(fb[key]) if key in fb else ""
        rows.append((key, va[:200], vb[:200], key in fa and key in fb and fa[key] == fb[key]))
    return rows
