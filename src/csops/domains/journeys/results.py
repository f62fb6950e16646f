"""What a run produces: plain dataclasses, turned into JSON for files, the API and storage."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"


@dataclass
class StepResult:
    name: str
    kind: str
    status: str = PASSED
    duration_ms: int = 0
    error: str = ""
    excerpt: str = ""
    http_status: int | None = None
    screenshot: bytes | None = field(default=None, repr=False)
    screenshot_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("screenshot")
        return data


@dataclass
class JourneyResult:
    journey: str
    environment: str
    started_at: datetime
    status: str = PASSED
    duration_ms: int = 0
    steps: list[StepResult] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == PASSED

    def to_dict(self) -> dict[str, Any]:
        return {
            "journey": self.journey,
            "environment": self.environment,
            "started_at": self.started_at.isoformat(),
            "status": self.status,
            "duration_ms": self.duration_ms,
            "error": self.error,
            "steps": [s.to_dict() for s in self.steps],
        }
