"""`${name}` variables and `${env:NAME}` secret references inside step values.

Secrets are read from the process environment at run time only; every value read that
way is remembered so excerpts and errors can mask it before anything is stored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PLACEHOLDER = re.compile(r"\$\{(env:)?([A-Za-z_][A-Za-z0-9_.\-]*)\}")


class MissingVariable(Exception):
    pass


@dataclass
class Scope:
    values: dict[str, str] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)

    def child(self, extra: Mapping[str, str]) -> Scope:
        scope = Scope(dict(self.values), self.secrets, self.environ)
        for key, value in extra.items():
            scope.values[key] = scope.text(value)
        return scope

    def text(self, value: str) -> str:
        def sub(match: re.Match[str]) -> str:
            is_env, name = match.group(1), match.group(2)
            if is_env:
                if name not in self.environ:
                    raise MissingVariable(f"environment variable {name} is not set")
                secret = self.environ[name]
                if secret:
                    self.secrets.add(secret)
                return secret
            if name not in self.values:
                raise MissingVariable(f"variable {name!r} is not defined")
            return self.values[name]

        return PLACEHOLDER.sub(sub, value)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.resolve(k): self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def mask(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            if len(secret) >= 3:
                text = text.replace(secret, "***")
        return text
