"""Print the README's configuration tables from the Settings model, so no setting is missed.

Every field of `csops.config.Settings` is the environment variable `CSOPS_<FIELD>`. The
tables follow the comment blocks of config.py ("# journeys", "# on-call", ...); fields
before the first block are the core settings.

    .venv/bin/python docs/gen_settings_table.py            # print the Markdown
    .venv/bin/python docs/gen_settings_table.py --write    # replace it in README.md

With --write, the text between `<!-- settings:begin -->` and `<!-- settings:end -->` in
README.md is replaced. It exits 1 when a setting has no description.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from typing import Any

from pydantic_core import PydanticUndefined

from csops import config
from csops.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BEGIN, END = "<!-- settings:begin -->", "<!-- settings:end -->"
SKIP_COMMENTS = ("Domains add their settings",)
# What the README adds to a field's own description (kept here so --write keeps it).
NOTES = {
    "database_url": "PostgreSQL: `postgresql+psycopg://user@host/db`",
    "log_format": "`text` or `json` (one JSON object per line; bodies, tokens and passwords"
    " are never logged)",
    "max_request_bytes": "413 above",
    "max_json_depth": "400 above",
    "secret_key": "Rotating it invalidates every signed link and iCal feed URL",
}


def _groups() -> list[tuple[str, list[str]]]:
    """(heading, field names) in source order, split at the `# heading` comment lines."""
    source = Path(config.__file__).read_text(encoding="utf-8")
    lines = source.splitlines()
    cls = next(
        n for n in ast.parse(source).body if isinstance(n, ast.ClassDef) and n.name == "Settings"
    )
    fields = [
        (n.lineno, n.target.id)
        for n in cls.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
    ]
    comments = []
    for number, line in enumerate(lines, start=1):
        match = re.match(r"^    # (.+)$", line)
        if match and not match.group(1).startswith(SKIP_COMMENTS):
            comments.append((number, match.group(1).strip()))
    groups: list[tuple[str, list[str]]] = [("core", [])]
    for lineno, name in fields:
        heading = groups[-1][0]
        for c_line, c_text in comments:
            if c_line < lineno:
                heading = c_text
        if heading != groups[-1][0]:
            groups.append((heading, []))
        groups[-1][1].append(name)
    return [g for g in groups if g[1]]


def _default(value: Any) -> str:
    if value is PydanticUndefined:
        return "*(required)*"
    if value == "" or value is None:
        return "*(empty)*"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Path):
        return f"`{value}`"
    return f"`{value}`"


def table() -> tuple[str, list[str]]:
    fields = Settings.model_fields
    missing = []
    out = []
    for heading, names in _groups():
        out.append(f"**{heading[0].upper() + heading[1:]}**\n")
        out.append("| variable | default | meaning |")
        out.append("|---|---|---|")
        for name in names:
            info = fields[name]
            text = (info.description or "").replace("|", "\\|")
            if not text:
                missing.append(name)
            if name in NOTES:
                text = f"{text}. {NOTES[name]}" if text else NOTES[name]
            out.append(f"| `CSOPS_{name.upper()}` | {_default(info.default)} | {text} |")
        out.append("")
    listed = {n for _, names in _groups() for n in names}
    for name in fields:
        if name not in listed:  # a field the parser missed: never drop it silently
            missing.append(name)
    return "\n".join(out).rstrip() + "\n", missing


def main() -> int:
    text, missing = table()
    if "--write" in sys.argv:
        readme = README.read_text(encoding="utf-8")
        start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
        README.write_text(readme[:start] + "\n\n" + text + "\n" + readme[end:], encoding="utf-8")
    else:
        sys.stdout.write(text)
    for name in missing:
        sys.stderr.write(f"setting without a description: {name}\n")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
