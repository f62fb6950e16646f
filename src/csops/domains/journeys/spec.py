"""Journey spec files: the Pydantic models, YAML loading with line numbers, the JSON Schema.

A spec set is one or more YAML files; each may hold `environments:` and/or `journeys:`,
and they are merged (a name defined twice is an error). Secrets never appear in the files:
a value reads `${env:NAME}` and is resolved from the process environment at run time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

NAME = r"^[A-Za-z0-9][A-Za-z0-9_.\- ]{0,99}$"
ENV_REF = re.compile(r"^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$")
SECRET_NAMES = re.compile(r"(pass(word)?|secret|token|api[_-]?key|credential)", re.I)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Probe(Strict):
    name: str = Field(pattern=NAME, description="Probe name, the same in every environment")
    url: str = Field(description="URL (relative to base_url) answering a JSON document")


class Environment(Strict):
    base_url: str = Field(pattern=r"^https?://", description="Base URL the journeys run against")
    variables: dict[str, str] = Field(
        default_factory=dict, description="Values for ${name}; secrets as ${env:NAME} only"
    )
    schedule: str | None = Field(default=None, description="Cron expression (UTC) for runs")
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts, IPs or CIDR ranges that may be private, loopback or link-local",
    )
    timeout_s: float = Field(default=10.0, gt=0, le=600, description="Per-request timeout")
    production: bool = Field(default=False, description="Failures open incidents and page")
    probes: list[Probe] = Field(default_factory=list, description="Configuration probes")
    drift_allow: list[str] = Field(
        default_factory=list, description="Flattened keys (glob) expected to differ"
    )

    @field_validator("variables")
    @classmethod
    def _no_plain_secrets(cls, value: dict[str, str]) -> dict[str, str]:
        for key, item in value.items():
            if SECRET_NAMES.search(key) and not ENV_REF.match(item):
                raise ValueError(f"variable {key!r} looks secret: write it as ${{env:NAME}}")
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        from croniter import croniter

        if value is not None and not croniter.is_valid(value):
            raise ValueError(f"invalid cron expression {value!r}")
        return value


class HttpRequest(Strict):
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] = "GET"
    url: str = Field(description="Path relative to base_url, or an absolute URL")
    headers: dict[str, str] = Field(default_factory=dict)
    query: dict[str, str | int | float | bool] = Field(default_factory=dict)
    json_body: Any = Field(default=None, alias="json")
    form: dict[str, str] | None = None
    follow_redirects: bool = True

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Expect(Strict):
    status: int | list[int] | None = None
    headers: dict[str, str] = Field(
        default_factory=dict, description="Header name -> substring expected in its value"
    )
    json_values: dict[str, Any] = Field(
        default_factory=dict, alias="json", description="JSONPath -> expected value"
    )
    body_contains: str | list[str] | None = None
    regex: str | None = None
    max_ms: int | None = Field(default=None, gt=0)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @field_validator("regex")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value


class Extract(Strict):
    jsonpath: str | None = None
    regex: str | None = Field(default=None, description="First group, else the whole match")
    header: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Extract:
        if sum(v is not None for v in (self.jsonpath, self.regex, self.header)) != 1:
            raise ValueError("give exactly one of jsonpath, regex, header")
        return self


class BrowserAction(Strict):
    goto: str | None = None
    fill: dict[str, str] | None = Field(default=None, description="selector -> value")
    click: str | None = None
    wait_for_text: str | None = None
    expect_text: str | None = None
    expect_url: str | None = None

    @model_validator(mode="after")
    def _one(self) -> BrowserAction:
        if sum(v is not None for v in self.__dict__.values()) != 1:
            raise ValueError("each browser action does exactly one thing")
        return self


class BrowserStep(Strict):
    url: str
    actions: list[BrowserAction] = Field(default_factory=list)
    timeout_s: float = Field(default=15.0, gt=0, le=300)


class Mailbox(Strict):
    kind: Literal["sink", "imap"] = "sink"
    host: str = "127.0.0.1"
    port: int = Field(default=0, ge=0, le=65535, description="sink: 0 picks a free port")
    username: str | None = None
    password: str | None = Field(default=None, description="${env:NAME} only")
    folder: str = "INBOX"
    ssl: bool = True

    @field_validator("password")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        if value is not None and not ENV_REF.match(value):
            raise ValueError("password must be ${env:NAME}")
        return value


class EmailStep(Strict):
    to: str
    sender: str = Field(default="journeys@csops.invalid", alias="from")
    subject: str
    body: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    reply_to: str | None = Field(default=None, description="Defaults to the sink's address")
    mailbox: Mailbox = Field(default_factory=Mailbox)
    expect_subject: str | None = None
    expect_body: str | None = None
    within_s: float = Field(default=60.0, gt=0, le=3600)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Step(Strict):
    name: str | None = None
    http: HttpRequest | None = None
    browser: BrowserStep | None = None
    email: EmailStep | None = None
    wait: float | None = Field(default=None, ge=0, le=3600, description="Seconds to pause")
    include: str | None = Field(default=None, description="Name of another journey")
    expect: Expect | None = None
    extract: dict[str, Extract] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_kind(self) -> Step:
        kinds = [k for k in ("http", "browser", "email", "wait", "include") if getattr(self, k)]
        if self.wait == 0:
            kinds.append("wait")
        if len(kinds) != 1:
            raise ValueError("a step is exactly one of http, browser, email, wait, include")
        if (self.expect or self.extract) and kinds[0] != "http":
            raise ValueError("expect and extract belong to http steps")
        return self

    @property
    def kind(self) -> str:
        for k in ("http", "browser", "email", "include"):
            if getattr(self, k) is not None:
                return k
        return "wait"

    def label(self, index: int) -> str:
        if self.name:
            return self.name
        if self.http:
            return f"{self.http.method} {self.http.url}"
        return f"{self.kind} #{index + 1}"


class Slo(Strict):
    success: float = Field(default=0.99, gt=0, le=1, description="Target success ratio")
    p95_ms: int = Field(default=5000, gt=0, description="Target 95th percentile duration")
    window_days: int = Field(default=7, ge=1, le=90)


class Journey(Strict):
    name: str = Field(pattern=NAME)
    description: str = ""
    service: str | None = Field(default=None, description="Slug of the service it exercises")
    variables: dict[str, str] = Field(default_factory=dict)
    slo: Slo = Field(default_factory=Slo)
    steps: list[Step] = Field(min_length=1)


class SpecFile(Strict):
    environments: dict[str, Environment] = Field(default_factory=dict)
    journeys: list[Journey] = Field(default_factory=list)

    @field_validator("environments")
    @classmethod
    def _names(cls, value: dict[str, Environment]) -> dict[str, Environment]:
        for name in value:
            if not re.match(NAME, name):
                raise ValueError(f"bad environment name {name!r}")
        return value


@dataclass
class SpecError:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class Spec:
    environments: dict[str, Environment] = field(default_factory=dict)
    journeys: dict[str, Journey] = field(default_factory=dict)
    errors: list[SpecError] = field(default_factory=list)


class SpecInvalid(Exception):
    def __init__(self, errors: list[SpecError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _marks(node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value
            out[(*path, k)] = key.start_mark.line + 1
            _marks(value, (*path, k), out)
            out[(*path, k)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _marks(item, (*path, i), out)


def _line_for(loc: tuple[Any, ...], marks: dict[tuple[Any, ...], int]) -> int | None:
    path = tuple(loc)
    while path:
        if path in marks:
            return marks[path]
        path = path[:-1]
    return marks.get(())


def parse_text(text: str, file: str = "<text>") -> tuple[SpecFile | None, list[SpecError]]:
    """One file's text → its model, or line-numbered errors."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return None, [SpecError(file, line, f"YAML: {getattr(exc, 'problem', exc)}")]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [SpecError(file, 1, "the file must be a mapping")]
    marks: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _marks(node, (), marks)
    try:
        return SpecFile.model_validate(data), []
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(
                p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))
            )
            where = ".".join(str(p) for p in loc)
            msg = f"{where}: {err['msg']}" if where else str(err["msg"])
            errors.append(SpecError(file, _line_for(loc, marks), msg))
        return None, errors


def merge(parts: Iterable[tuple[str, SpecFile]]) -> Spec:
    spec = Spec()
    for file, part in parts:
        for name, env in part.environments.items():
            if name in spec.environments:
                spec.errors.append(SpecError(file, None, f"environment {name!r} defined twice"))
            spec.environments[name] = env
        for journey in part.journeys:
            if journey.name in spec.journeys:
                spec.errors.append(SpecError(file, None, f"journey {journey.name!r} defined twice"))
            spec.journeys[journey.name] = journey
    spec.errors.extend(_include_errors(spec))
    return spec


def _include_errors(spec: Spec) -> list[SpecError]:
    errors = []
    for journey in spec.journeys.values():
        for step in journey.steps:
            if step.include and step.include not in spec.journeys:
                errors.append(
                    SpecError("<spec>", None, f"{journey.name}: unknown include {step.include!r}")
                )
        cycle = find_cycle(spec.journeys, journey.name)
        if cycle:
            errors.append(SpecError("<spec>", None, "include cycle: " + " -> ".join(cycle)))
    return errors


def find_cycle(journeys: dict[str, Journey], start: str) -> list[str] | None:
    """A chain of includes that comes back to `start`, if any."""

    def walk(name: str, chain: list[str]) -> list[str] | None:
        journey = journeys.get(name)
        if journey is None:
            return None
        for step in journey.steps:
            if step.include is None:
                continue
            if step.include == start:
                return [*chain, start]
            if step.include not in chain:
                found = walk(step.include, [*chain, step.include])
                if found:
                    return found
        return None

    return walk(start, [start])


def load_texts(texts: Iterable[tuple[str, str]]) -> Spec:
    parts, errors = [], []
    for file, text in texts:
        part, errs = parse_text(text, file)
        errors.extend(errs)
        if part is not None:
            parts.append((file, part))
    spec = merge(parts)
    spec.errors[:0] = errors
    return spec


def load_paths(paths: Iterable[Path]) -> Spec:
    """Files, or folders searched for *.yaml / *.yml."""
    texts = []
    for path in paths:
        files = sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")]) if path.is_dir() else [path]
        for f in files:
            try:
                texts.append((str(f), f.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                return Spec(errors=[SpecError(str(f), None, f"cannot read: {exc}")])
    return load_texts(texts)


def json_schema() -> dict[str, Any]:
    schema = SpecFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://csops.invalid/journey.schema.json"
    schema["title"] = "csops journey spec"
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
