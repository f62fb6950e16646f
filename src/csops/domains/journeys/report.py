"""Run results as JUnit XML (one testsuite per environment, one testcase per journey, as
CI systems display them) and as JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from csops.domains.journeys.results import ERROR, FAILED, SKIPPED, JourneyResult

# XML 1.0 cannot carry most control characters, even escaped.
_BAD = {c: None for c in range(32) if c not in (9, 10, 13)}


def _clean(text: str) -> str:
    return text.translate(_BAD)


def _steps_text(result: JourneyResult) -> str:
    lines = []
    for step in result.steps:
        line = f"[{step.status}] {step.name} ({step.duration_ms} ms)"
        if step.error:
            line += f": {step.error}"
        lines.append(line)
    return "\n".join(lines)


def junit_xml(results: Sequence[JourneyResult], suite: str = "csops journeys") -> str:
    root = ET.Element("testsuites", name=suite)
    by_env: dict[str, list[JourneyResult]] = {}
    for result in results:
        by_env.setdefault(result.environment, []).append(result)
    for index, (env, items) in enumerate(by_env.items()):
        node = ET.SubElement(
            root,
            "testsuite",
            name=f"{suite} [{env}]",
            tests=str(len(items)),
            failures=str(sum(r.status == FAILED for r in items)),
            errors=str(sum(r.status == ERROR for r in items)),
            skipped=str(sum(r.status == SKIPPED for r in items)),
            time=f"{sum(r.duration_ms for r in items) / 1000:.3f}",
            timestamp=min(r.started_at for r in items).strftime("%Y-%m-%dT%H:%M:%S"),
            hostname="csops",
            id=str(index),
            package=env,
        )
        ET.SubElement(node, "properties")
        for result in items:
            case = ET.SubElement(
                node,
                "testcase",
                name=result.journey,
                classname=f"journeys.{env}",
                time=f"{result.duration_ms / 1000:.3f}",
            )
            if result.status in (FAILED, ERROR):
                tag = "failure" if result.status == FAILED else "error"
                bad = ET.SubElement(case, tag, message=_clean(result.error[:500]), type=tag)
                bad.text = _clean(_steps_text(result))
            elif result.status == SKIPPED:
                ET.SubElement(case, "skipped")
        ET.SubElement(node, "system-out").text = _clean(
            "\n\n".join(f"{r.journey}\n{_steps_text(r)}" for r in items)
        )
        ET.SubElement(node, "system-err").text = ""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def as_json(results: Sequence[JourneyResult]) -> str:
    data: dict[str, Any] = {
        "passed": all(r.ok for r in results),
        "results": [r.to_dict() for r in results],
    }
    return json.dumps(data, indent=2)
