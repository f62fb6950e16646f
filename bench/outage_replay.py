"""28-day outage replay through the signals engine.

Background: BANKING77 texts, one intent per ticket, intents drawn with their frequency in
BANKING77 (train + test, 75..227 queries per intent), about 3,000 tickets a day shaped by hour of day and weekday (nights ~1/8 of noon,
weekends 70 %). Outages: at least 30, from day 7 on (the first week warms the baseline), one
intent's rate rising by 3x-20x of its mean rate for 20-120 minutes, a third of them at night;
two thirds have the matching deploy/config/flag change 2-30 minutes before, a third a firing
alert; decoy changes land on every service all along. Each minute's tickets go through the
product's engine path: encode, streaming cluster assignment, spike tests per cluster and per
service, then cause ranking for each new alarm.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, as measured
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from csops.engine.clustering import StreamingClusterer  # noqa: E402
from csops.engine.correlation import Candidate, rank_causes  # noqa: E402
from csops.engine.spikes import NeighbourhoodScanner, SpikeDetector  # noqa: E402
from csops.engine.text import HashedTfidf, tokenize  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "banking77"
DAY = 86400.0
T0 = 1_767_571_200.0  # Monday 2026-01-05 00:00 UTC
HOURLY = [0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.4, 0.7, 1.1, 1.4, 1.5, 1.55, 1.6, 1.55, 1.5,
          1.45, 1.4, 1.35, 1.3, 1.2, 1.0, 0.8, 0.5, 0.3]  # fmt: skip


def KEYS(cid: int, svc: str) -> tuple[str, ...]:  # noqa: N802
    return (f"service:{svc}",)


def service_of(intent: str) -> str:
    for key, svc in (("card_payment", "payments"), ("transfer", "transfers"),
                     ("top_up", "topup"), ("cash", "atm"), ("atm", "atm"),
                     ("exchange", "fx"), ("currenc", "fx"), ("fiat", "fx"),
                     ("identity", "identity"), ("verif", "identity"), ("passcode", "identity"),
                     ("pin", "identity"), ("card", "cards")):  # fmt: skip
        if key in intent:
            return svc
    return "accounts"


@dataclass
class Outage:
    intent: str
    service: str
    start: float
    end: float
    mult: float
    cause: str | None
    tickets: int = 0
    detected_at: float | None = None
    cause_first: bool | None = None


def load() -> dict[str, list[str]]:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for name in ("train.csv", "test.csv"):
        with (DATA / name).open(newline="") as fh:
            for row in csv.DictReader(fh):
                by_intent[row["category"]].append(row["text"])
    return by_intent


def simulate(by_intent: dict[str, list[str]], days: int, per_day: float, n_out: int, seed: int):
    rng = np.random.default_rng(seed)
    intents = sorted(by_intent)
    weights = np.array([len(by_intent[i]) for i in intents], dtype=np.float64)
    weights /= weights.sum()
    minutes = days * 1440
    shape = np.array([HOURLY[(m // 60) % 24] * (0.7 if (m // 1440) % 7 >= 5 else 1.0)
                      for m in range(minutes)])  # fmt: skip
    shape = shape / shape.mean() * per_day / 1440.0
    counts = rng.poisson(np.outer(shape, weights))  # minute x intent
    tickets: list[tuple[float, str, int]] = []  # (t, intent, outage index or -1)
    for m, i in zip(*np.nonzero(counts), strict=True):
        for _ in range(counts[m, i]):
            tickets.append((T0 + m * 60 + rng.uniform(0, 60), intents[i], -1))
    outages: list[Outage] = []
    changes: list[Candidate] = []
    for k in range(n_out):
        intent = intents[rng.choice(len(intents), p=weights)]
        day = 7 + k * (days - 7) / n_out
        hour = rng.uniform(0, 6) if k % 3 == 0 else rng.uniform(8, 22)
        start = T0 + int(day) * DAY + hour * 3600
        dur = rng.uniform(20, 120) * 60
        mult = rng.uniform(3, 20)
        rate = weights[intents.index(intent)] * per_day / 1440.0 * (mult - 1)  # per minute
        n = rng.poisson(rate * dur / 60.0)
        for t in np.sort(rng.uniform(start, start + dur, n)):
            tickets.append((float(t), intent, k))
        svc = service_of(intent)
        cause = None
        if k % 3 != 2:
            cause = f"chg-{k}"
            kind = ("deploy", "config", "flag")[k % 3]
            changes.append(Candidate("change", cause, svc, start - rng.uniform(2, 30) * 60,
                                     title=f"{svc} v{k}", change_kind=kind))  # fmt: skip
        else:
            changes.append(Candidate("alert", f"alert-{k}", svc, start + rng.uniform(-5, 5) * 60,
                                     title=f"{svc} errors high"))  # fmt: skip
        outages.append(Outage(intent, svc, start, start + dur, mult, cause, int(n)))
    services = sorted({service_of(i) for i in intents})
    for j, t in enumerate(rng.uniform(T0, T0 + days * DAY, days * 12)):
        svc = services[j % len(services)]
        changes.append(Candidate("change", f"decoy-{j}", svc, float(t), title=f"{svc} decoy",
                                 change_kind="deploy"))  # fmt: skip
    tickets.sort()
    texts = {i: by_intent[i] for i in intents}
    stream = [(t, intent, texts[intent][int(rng.integers(len(texts[intent])))], o)
              for t, intent, o in tickets]  # fmt: skip
    return stream, outages, sorted(changes, key=lambda c: c.at)


def run(
    stream,
    outages,
    changes,
    threshold: float,
    sensitivity: float,
    sim: float,
    base: float,
    disp: float,
):
    enc = HashedTfidf()
    clus = StreamingClusterer(enc.dim, threshold=threshold)
    det = SpikeDetector(sensitivity=sensitivity, base_score=base, dispersion=disp)
    scan = NeighbourhoodScanner(enc.dim, det.baseline, similarity=sim, sensitivity=sensitivity,
                                base_score=base, dispersion=disp)  # fmt: skip
    origin: list[int] = []
    recent: dict[str, deque[tuple[float, int, str]]] = defaultdict(deque)
    alarms: list[tuple[float, str, int | None]] = []
    engine_s = 0.0
    i = 0
    while i < len(stream):
        minute = int(stream[i][0] // 60)
        j = i
        while j < len(stream) and int(stream[j][0] // 60) == minute:
            j += 1
        batch = stream[i:j]
        t_start = time.perf_counter()
        if minute % 60 == 0:
            clus.expire(batch[0][0])
        vecs = enc.encode_many([b[2] for b in batch])
        fired = []
        for (t, intent, text, o), vec in zip(batch, vecs, strict=True):
            cid = clus.assign(vec, tokenize(text), at=t).cluster_id
            svc = service_of(intent)
            det.observe_total(t)
            origin.append(o)
            burst = scan.observe(vec, t, len(origin) - 1)
            if burst is not None:
                members = [origin[m] for m in burst.evidence["members"]]
                top_o, n = Counter(members).most_common(1)[0]
                ranked = rank_causes([c for c in changes if burst.start - 6 * 3600 <= c.at
                                      <= burst.at], start=burst.start, service=svc)  # fmt: skip
                top = ranked[0].candidate.ref if ranked else None
                which = top_o if top_o >= 0 and 2 * n >= len(members) else None
                alarms.append((burst.at, "neighbourhood", which, top))
            for key in KEYS(cid, svc):
                recent[key].append((t, o, svc))
                while recent[key][0][0] < t - 7200:
                    recent[key].popleft()
                spike = det.observe(key, t)
                if spike is not None:
                    fired.append(spike)
        for spike in fired:
            ranked = rank_causes([c for c in changes if spike.start - 6 * 3600 <= c.at
                                  <= spike.at], start=spike.start,
                                 service=_majority_service(recent[spike.key], spike))  # fmt: skip
            top = ranked[0].candidate.ref if ranked else None
            alarms.append((spike.at, spike.key, _which_outage(recent[spike.key], spike), top))
        engine_s += time.perf_counter() - t_start
        i = j
    return alarms, engine_s, clus


def _window(items, spike):
    return [x for x in items if x[0] >= spike.at - spike.window_minutes * 60]


def _majority_service(items, spike) -> str:
    return Counter(s for _, _, s in _window(items, spike)).most_common(1)[0][0]


def _which_outage(items, spike) -> int | None:
    win = _window(items, spike)
    top, n = Counter(o for _, o, _ in win).most_common(1)[0]
    return top if top >= 0 and n * 2 >= len(win) else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--per-day", type=float, default=3000.0)
    ap.add_argument("--outages", type=int, default=36)
    ap.add_argument("--threshold", type=float, default=0.30)
    ap.add_argument("--sensitivity", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--similarity", type=float, default=0.2)
    ap.add_argument("--base-score", type=float, default=7.0)
    ap.add_argument("--dispersion", type=float, default=8.0)
    args = ap.parse_args()
    if not DATA.exists():
        print("banking77 absent, skipped")
        return
    stream, outages, changes = simulate(load(), args.days, args.per_day, args.outages, args.seed)
    alarms, engine_s, clus = run(
        stream, outages, changes, args.threshold, args.sensitivity, args.similarity,
        args.base_score, args.dispersion)  # fmt: skip
    false_alarms = warmup_false = 0
    for at, key, o, top in alarms:
        if o is None:
            if not any(out.start - 600 <= at <= out.end + 3600 and key == f"service:{out.service}"
                       for out in outages):  # fmt: skip
                if at < T0 + 7 * DAY:
                    warmup_false += 1
                else:
                    false_alarms += 1
            continue
        out = outages[o]
        if out.detected_at is None:
            out.detected_at = at
            out.cause_first = top == out.cause if out.cause else None
    found = [o for o in outages if o.detected_at is not None]
    delays = sorted((o.detected_at - o.start) / 60 for o in found)
    with_cause = [o for o in found if o.cause]
    weeks = (args.days - 7) / 7
    precision = len(found) / max(1, len(found) + false_alarms)
    print(f"tickets {len(stream)} over {args.days} days ({len(stream) / args.days:.0f}/day), "
          f"{len(outages)} outages ({sum(1 for o in outages if o.cause)} with a change)")  # fmt: skip
    big = [o for o in outages if o.tickets >= 10]
    print(
        f"recall on outages with >= 10 extra tickets {100 * sum(1 for o in big if o.detected_at) / max(1, len(big)):.1f} % ({len(big)} outages)"
    )  # noqa: E501
    print(f"recall {100 * len(found) / len(outages):.1f} %  precision(alarm episodes) "
          f"{100 * precision:.1f} %  false alarms/week {false_alarms / weeks:.2f} "
          f"(days 7-{args.days}; {warmup_false} more during the warm-up week)")  # fmt: skip
    if delays:
        p90 = delays[min(len(delays) - 1, int(0.9 * len(delays)))]
        print(f"detection delay from outage start: median {statistics.median(delays):.1f} min, "
              f"p90 {p90:.1f} min")  # fmt: skip
    if with_cause:
        ok = sum(1 for o in with_cause if o.cause_first)
        print(f"right change ranked first {100 * ok / len(with_cause):.1f} % "
              f"({ok}/{len(with_cause)})")  # fmt: skip
    missed = [o for o in outages if o.detected_at is None]
    for o in missed:
        print(f"  missed: {o.intent} x{o.mult:.1f} {(o.end - o.start) / 60:.0f} min "
              f"{o.tickets} extra tickets "
              f"at {((o.start - T0) % DAY) / 3600:.1f} h")  # fmt: skip
    print(f"active clusters at the end {len(clus.clusters)}, dormant {len(clus.dormant)}")
    print(f"engine throughput {len(stream) / engine_s:.0f} tickets/s on one core "
          f"(encode + cluster + spike tests + ranking)")  # fmt: skip


if __name__ == "__main__":
    main()
