"""Report charts drawn with matplotlib as PNG: the same images go into the PDF and, as
data URIs, into the HTML version."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402 (the backend must be chosen first)
from matplotlib.figure import Figure  # noqa: E402

from csops.domains.reports.content import ReportData  # noqa: E402
from csops.domains.reports.periods import day_keys  # noqa: E402

BLUE, GREY, RED, GREEN = "#2563eb", "#94a3b8", "#dc2626", "#16a34a"


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def volume_png(data: ReportData) -> bytes:
    """Tickets per day against the previous period (the daily report: the last four weeks
    would be noise, so it shows the same day's split by channel instead)."""
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    if data.period.days == 1:
        names = list(data.volume.by_channel) or ["—"]
        ax.bar(names, [data.volume.by_channel.get(n, 0) for n in names], color=BLUE)
        ax.set_title("Tickets by channel")
    else:
        days = day_keys(data.period.start, data.period.days)
        ax.plot(
            range(len(days)),
            [data.volume.per_day.get(d, 0) for d in days],
            color=BLUE,
            marker="o",
            markersize=3,
            label="this period",
        )
        previous = data.per_day_previous[: len(days)]
        ax.plot(range(len(previous)), previous, color=GREY, linestyle="--", label="previous")
        step = max(1, len(days) // 8)
        ax.set_xticks(range(0, len(days), step), [d[5:] for d in days[::step]])
        ax.legend(loc="upper right", fontsize=8)
        ax.set_title("Tickets per day")
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def themes_png(data: ReportData) -> bytes:
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    names = [t.name[:30] for t in data.themes][::-1] or ["—"]
    ax.barh(names, [t.count for t in data.themes][::-1] or [0], color=BLUE, label="this period")
    ax.barh(
        names,
        [t.previous for t in data.themes][::-1] or [0],
        color=GREY,
        height=0.3,
        label="previous",
    )
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("Top themes")
    return _png(fig)


def ratings_png(data: ReportData) -> bytes:
    fig, ax = plt.subplots(figsize=(7.5, 2.4))
    ratings = data.ratings or dict.fromkeys(range(1, 6), 0)
    colors = [RED, RED, GREY, GREEN, GREEN]
    ax.bar([str(r) for r in ratings], list(ratings.values()), color=colors)
    ax.set_title("CSAT ratings (1-5)")
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def sla_png(data: ReportData) -> bytes:
    fig, ax = plt.subplots(figsize=(7.5, 1.8))
    achieved = (data.sla or {}).get("achieved", 0)
    breached = (data.sla or {}).get("breached", 0)
    ax.barh(["SLA"], [achieved], color=GREEN, label="achieved")
    ax.barh(["SLA"], [breached], left=[achieved], color=RED, label="breached")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("SLA targets settled in the period")
    return _png(fig)


def all_charts(data: ReportData) -> dict[str, bytes]:
    charts = {"volume": volume_png(data), "themes": themes_png(data), "sla": sla_png(data)}
    if data.perception:
        charts["ratings"] = ratings_png(data)
    return charts
