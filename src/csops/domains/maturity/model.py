"""The maturity model as data: loaded once from the versioned YAML shipped in the package.

Views, scoring and reports read the model from here; nothing about capabilities or
practices is written in code or templates.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MODEL_DIR = Path(__file__).resolve().parent
CURRENT_VERSION = 1
LEVELS = (2, 3, 4, 5)


@dataclass(frozen=True)
class Feature:
    label: str
    link: str


@dataclass(frozen=True)
class Practice:
    id: str
    capability: str
    level: int
    zh: str
    en: str
    evidence: str | None
    feature: Feature | None

    def text(self, locale: str) -> str:
        return self.zh if locale.startswith("zh") else self.en


@dataclass(frozen=True)
class Level:
    number: int
    summary_zh: str
    summary_en: str
    practices: tuple[Practice, ...]


@dataclass(frozen=True)
class Capability:
    id: str
    zh: str
    en: str
    levels: tuple[Level, ...]

    def name(self, locale: str) -> str:
        return self.zh if locale.startswith("zh") else self.en

    @property
    def practices(self) -> tuple[Practice, ...]:
        return tuple(p for level in self.levels for p in level.practices)


@dataclass(frozen=True)
class MaturityModel:
    version: int
    source: str
    level_names: dict[int, dict[str, str]]
    capabilities: tuple[Capability, ...]

    @property
    def practices(self) -> tuple[Practice, ...]:
        return tuple(p for c in self.capabilities for p in c.practices)

    def practice(self, practice_id: str) -> Practice | None:
        return next((p for p in self.practices if p.id == practice_id), None)

    def level_name(self, number: int, locale: str) -> str:
        names = self.level_names.get(number, {})
        return names.get("zh" if locale.startswith("zh") else "en", str(number))


def _practice(raw: dict[str, Any], capability: str, level: int) -> Practice:
    feature = raw.get("feature")
    return Practice(
        id=str(raw["id"]),
        capability=capability,
        level=level,
        zh=str(raw["zh"]),
        en=str(raw["en"]),
        evidence=raw.get("evidence"),
        feature=Feature(str(feature["label"]), str(feature["link"])) if feature else None,
    )


def parse(raw: dict[str, Any]) -> MaturityModel:
    capabilities = []
    for cap in raw["capabilities"]:
        levels = []
        for number in LEVELS:
            body = cap["levels"][number]
            practices = tuple(_practice(p, cap["id"], number) for p in body["practices"])
            levels.append(
                Level(number, str(body["summary_zh"]), str(body["summary_en"]), practices)
            )
        capabilities.append(Capability(str(cap["id"]), cap["zh"], cap["en"], tuple(levels)))
    names = {int(k): {"zh": v["zh"], "en": v["en"]} for k, v in raw["levels"].items()}
    return MaturityModel(int(raw["version"]), str(raw["source"]), names, tuple(capabilities))


@functools.cache
def load(version: int = CURRENT_VERSION) -> MaturityModel:
    """The model of `version` (the package ships every version it ever used)."""
    path = MODEL_DIR / f"model_v{version}.yaml"
    if not path.is_file():
        raise LookupError(f"no maturity model version {version}")
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))
