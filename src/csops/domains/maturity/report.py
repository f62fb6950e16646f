"""An assessment as a document: Markdown (both languages) and PDF (radar chart, plan).

The PDF uses the DejaVu font that matplotlib ships, which has no Chinese glyphs, so the
PDF is in English; the Markdown carries the Chinese source text of every practice.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from fpdf import FPDF  # noqa: E402 (the backend must be chosen first)
from matplotlib import pyplot as plt  # noqa: E402

from csops.domains.maturity.service import AssessmentResult  # noqa: E402

MARK = {"in_place": "[x]", "partly": "[~]", "not_in_place": "[ ]"}
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _sign(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def markdown(res: AssessmentResult) -> str:
    a, model = res.assessment, res.model
    lines = [
        f"# {a.title}",
        "",
        f"Model v{model.version} ({model.source}); status {a.status.value}; "
        f"created {a.created_at:%Y-%m-%d}"
        + (f"; completed {a.completed_at:%Y-%m-%d}" if a.completed_at else ""),
        "",
        f"**Overall level: {res.overall}** (the weakest capability)",
        "",
        "| Capability | 能力 | Level | Since last |",
        "|---|---|---|---|",
    ]
    for cap in model.capabilities:
        score = res.scores[cap.id]
        change = _sign(res.delta[cap.id]) if res.previous else "n/a"
        lines.append(f"| {cap.en} | {cap.zh} | {score.level} | {change} |")
    lines += ["", "## Improvement plan", ""]
    if not res.plan:
        lines.append("Every capability is at level 5.")
    for item in res.plan:
        feature = item.practice.feature
        how = f" — use **{feature.label}** ({feature.link})" if feature else ""
        seen = f" Evidence: {item.evidence.figure}." if item.evidence else ""
        lines.append(
            f"- **{item.capability} → L{item.target_level}** {item.practice.id}: "
            f"{item.practice.en}{how}.{seen}"
        )
    lines += ["", "## Practices", ""]
    for cap in model.capabilities:
        lines += [f"### {cap.en} · {cap.zh}", ""]
        for level in cap.levels:
            name = model.level_name(level.number, "en")
            lines += [f"#### Level {level.number}: {name} · {model.level_name(level.number, 'zh')}"]
            for p in level.practices:
                row = res.answer(p.id)
                mark = MARK[row.answer.value] if row else MARK["not_in_place"]
                lines.append(f"- {mark} **{p.id}** {p.en}  ")
                lines.append(f"  {p.zh}")
                if row and row.evidence:
                    ev = row.evidence
                    lines.append(f"  - evidence ({ev.get('status')}): {ev.get('figure')}")
                if row and row.note:
                    lines.append(f"  - note: {row.note}")
                if row and row.evidence_link:
                    lines.append(f"  - link: {row.evidence_link}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def radar_png(res: AssessmentResult) -> bytes:
    """The profile as a radar chart (levels 1-5), the previous assessment dashed."""
    caps = res.model.capabilities
    angles = [2 * math.pi * i / len(caps) for i in range(len(caps))]
    fig = plt.figure(figsize=(5, 5), dpi=120)
    ax = fig.add_subplot(polar=True)
    values = [res.scores[c.id].level for c in caps]
    ax.plot([*angles, angles[0]], [*values, values[0]], color="#2563eb", linewidth=2)
    ax.fill([*angles, angles[0]], [*values, values[0]], color="#2563eb", alpha=0.2)
    if res.previous is not None:
        before = [res.scores[c.id].level - res.delta[c.id] for c in caps]
        ax.plot([*angles, angles[0]], [*before, before[0]], "--", color="#64748b")
    ax.set_xticks(angles, [c.en for c in caps], fontsize=8)
    ax.set_ylim(0, 5)
    ax.set_yticks([1, 2, 3, 4, 5])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _line(doc: FPDF, height: float, text: str) -> None:
    doc.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def pdf(res: AssessmentResult) -> bytes:
    doc = FPDF()
    doc.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    doc.set_auto_page_break(True, margin=15)
    doc.add_page()
    doc.set_font("DejaVu", "B", 16)
    _line(doc, 9, res.assessment.title)
    doc.set_font("DejaVu", "", 10)
    _line(doc, 6, f"Maturity model v{res.model.version}. Overall level {res.overall}.")
    doc.image(io.BytesIO(radar_png(res)), w=110, x=50)
    doc.set_x(doc.l_margin)
    for cap in res.model.capabilities:
        change = f" ({_sign(res.delta[cap.id])} since last)" if res.previous else ""
        _line(doc, 6, f"{cap.en}: level {res.scores[cap.id].level}{change}")
    doc.ln(3)
    doc.set_font("DejaVu", "B", 13)
    _line(doc, 8, "Improvement plan")
    doc.set_font("DejaVu", "", 9)
    for item in res.plan:
        feature = item.practice.feature
        how = f" Use: {feature.label} ({feature.link})." if feature else ""
        _line(
            doc,
            5,
            f"{item.capability} to L{item.target_level} - {item.practice.id}: "
            f"{item.practice.en}{how}",
        )
        doc.ln(1)
    return bytes(doc.output())
