"""A report as HTML (charts as data-URI PNGs), Markdown and PDF (fpdf2, DejaVu font).

DejaVu has no Chinese glyphs: the PDF is in English and says so in its footer; the HTML
version carries every language.
"""

from __future__ import annotations

import base64
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import matplotlib
from fpdf import FPDF
from jinja2 import Environment, FileSystemLoader, select_autoescape

from csops import i18n
from csops.domains.reports.content import ReportData

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
TEMPLATES = Path(__file__).parent / "templates"
TITLES = {
    "daily": "Daily complaint report",
    "weekly": "Weekly perception report",
    "monthly": "Monthly perception report",
}
FOOTER = "Chinese text (verbatims, themes) is in the HTML version of this report."


def title(data: ReportData) -> str:
    return f"{i18n.gettext(TITLES[data.period.kind.value])} {data.period.key}"


def fmt(value: float | None, kind: str = "score") -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value * 100:.1f} %"
    if kind == "hours":
        return f"{value:.1f} h"
    return f"{value:.2f}"


def _spike_line(spike: dict[str, Any]) -> str:
    return f"{spike['day']}: {spike['tickets']} tickets (usually {spike['usual']})"


def _breach_line(breach: dict[str, Any]) -> str:
    return f"#{breach['ticket_id']} {breach['subject']} ({breach['metric']})"


def _change_line(change: dict[str, Any]) -> str:
    kind = change["kind"]
    return f"{change['label']}: {fmt(change['now'], kind)} (before {fmt(change['before'], kind)})"


_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
)


def html(data: ReportData, charts: dict[str, bytes]) -> str:
    urls = {
        name: "data:image/png;base64," + base64.b64encode(png).decode()
        for name, png in charts.items()
    }
    template = _env.get_template("report.html")
    return template.render(
        data=data,
        charts=urls,
        title=title(data),
        fmt=fmt,
        one_second=timedelta(seconds=1),
        _=i18n.gettext,
    )


def markdown(data: ReportData) -> str:
    lines = [
        f"# {title(data)}",
        "",
        f"Tickets: {data.volume.total} (previous {data.previous_total})",
    ]
    lines += ["", "## Top themes", ""]
    lines += [f"- {t.name}: {t.count} ({t.movement:+d})" for t in data.themes] or ["- none"]
    lines += ["", "## Spikes and incidents", ""]
    lines += [f"- {_spike_line(s)}" for s in data.spikes]
    lines += [f"- suspected incident: {x['title']} ({x['status']})" for x in data.suspects]
    lines += [
        f"- #{i['id']} {i['title']} ({i['severity']}, {i['tickets']} tickets)"
        for i in data.incidents
    ]
    lines += ["", "## SLA breaches", ""]
    lines += [f"- {_breach_line(b)}" for b in data.breaches]
    if data.perception:
        lines += ["", "## Customer satisfaction", ""]
        lines += [f"- {v['rating']}/5: {v['comment']}" for v in data.verbatims]
        lines += ["", "## What improved", ""]
        lines += [f"- {_change_line(c)}" for c in data.changes]
    return "\n".join(lines) + "\n"


class _Doc(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7)
        self.cell(0, 5, f"{FOOTER}  ·  page {self.page_no()}", align="C")


def _line(doc: FPDF, height: float, text: str) -> None:
    # Glyphs DejaVu lacks (CJK) would print as boxes: show a marker instead.
    safe = "".join(ch if ord(ch) < 0x2E80 else "?" for ch in text)
    doc.multi_cell(0, height, safe, new_x="LMARGIN", new_y="NEXT")


def _heading(doc: FPDF, text: str) -> None:
    doc.ln(2)
    doc.set_font("DejaVu", "B", 12)
    _line(doc, 7, text)
    doc.set_font("DejaVu", "", 9)


def pdf(data: ReportData, charts: dict[str, bytes]) -> bytes:
    doc = _Doc()
    doc.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    doc.set_auto_page_break(True, margin=16)
    doc.add_page()
    doc.set_font("DejaVu", "B", 16)
    _line(doc, 9, title(data))
    doc.set_font("DejaVu", "", 9)
    _line(
        doc,
        5,
        f"{data.volume.total} tickets (previous period {data.previous.key}: {data.previous_total})",
    )
    doc.image(io.BytesIO(charts["volume"]), w=180)
    _heading(doc, "Top themes")
    for t in data.themes:
        _line(doc, 5, f"{t.name}: {t.count} ({t.movement:+d} vs previous)")
    doc.image(io.BytesIO(charts["themes"]), w=180)
    _heading(doc, "New spikes and incidents")
    for s in data.spikes:
        _line(doc, 5, _spike_line(s))
    for x in data.suspects:
        _line(doc, 5, f"Suspected incident: {x['title']} · {x['status']} · {x['tickets']} tickets")
    for i in data.incidents:
        _line(
            doc,
            5,
            f"#{i['id']} {i['title']} · {i['severity']} · {i['tickets']} tickets, "
            f"{i['customers']} customers",
        )
    _heading(doc, "SLA breaches")
    doc.image(io.BytesIO(charts["sla"]), w=180)
    for b in data.breaches:
        _line(doc, 5, _breach_line(b))
    if data.perception:
        _perception(doc, data, charts)
    return bytes(doc.output())


def _perception(doc: FPDF, data: ReportData, charts: dict[str, bytes]) -> None:
    _heading(doc, "Customer satisfaction")
    if data.csat and data.csat["average"] is not None:
        _line(
            doc,
            5,
            f"Average {data.csat['average']:.2f}, response rate {fmt(data.csat['response_rate'], 'rate')}",
        )
    doc.image(io.BytesIO(charts["ratings"]), w=180)
    for v in data.verbatims:
        _line(doc, 5, f"{v['rating']}/5: “{v['comment']}”")
    _heading(doc, "Incident impact on customers")
    for i in data.incidents:
        hours = "" if i["hours"] is None else f", {i['hours']} h"
        _line(doc, 5, f"#{i['id']} {i['title']}: {i['customers']} customers{hours}")
    _heading(doc, "What improved")
    for c in data.changes:
        verdict = {None: "—", True: "improved", False: "worse"}[c["improved"]]
        _line(doc, 5, f"{_change_line(c)} {verdict}")
