import csv
from pathlib import Path

import pytest

from csops.engine.nabscore import normalize, scaled_sigmoid, score_file

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "nab_realtweets"


def stamps(n: int) -> list[str]:
    return [f"t{i:05d}" for i in range(n)]


def test_sigmoid_edges() -> None:
    assert abs(scaled_sigmoid(-1.0) - 0.98661) < 1e-4
    assert scaled_sigmoid(0.0) == 0.0 and scaled_sigmoid(5.0) == -1.0


def test_perfect_null_and_false_positive() -> None:
    ts = stamps(1000)
    windows = [(ts[300], ts[349]), (ts[700], ts[749])]
    perfect = [i in (300, 700) for i in range(1000)]
    assert score_file(ts, perfect, windows).raw == pytest.approx(2.0)
    null = score_file(ts, [False] * 1000, windows)
    assert null.raw == -2.0 and null.fn == 2
    late = [i in (349, 200) for i in range(1000)]  # last row of window 1, FP before it
    s = score_file(ts, late, windows)
    assert s.tp == 1 and s.fp == 1
    assert s.raw == pytest.approx(scaled_sigmoid(-1 / 50) / scaled_sigmoid(-1) - 0.11 - 1.0)
    assert normalize(2.0, 2) == 100.0 and normalize(-2.0, 2) == 0.0


def test_probation_rows_never_count() -> None:
    ts = stamps(1000)
    assert score_file(ts, [i == 10 for i in range(1000)], [(ts[500], ts[510])]).fp == 0


@pytest.mark.skipif(not DATA.exists(), reason="NAB data absent")
def test_published_scores_normalise_to_the_anchors() -> None:
    expected = {"windowedGaussian": 51.4, "twitterADVec": 59.6, "numenta": 68.0, "ARTime": 81.8}
    for name, anchor in expected.items():
        path = DATA / "reference_results" / f"{name}_standard_scores_realTweets.csv"
        with path.open() as fh:
            raw = sum(float(r["Score"]) for r in csv.DictReader(fh))
        assert normalize(raw, 33) == pytest.approx(anchor, abs=0.05)


@pytest.mark.skipif(not DATA.exists(), reason="NAB data absent")
def test_null_detector_matches_published_per_file_scores() -> None:
    import json

    windows = json.loads((DATA / "labels" / "combined_windows.json").read_text())
    with (DATA / "reference_results" / "null_standard_scores_realTweets.csv").open() as fh:
        published = {r["File"]: float(r["Score"]) for r in csv.DictReader(fh)}
    for name, score in published.items():
        with (DATA / "data" / name.split("/")[1]).open() as fh:
            ts = [r["timestamp"] for r in csv.DictReader(fh)]
        wins = [(a[:19], b[:19]) for a, b in windows[name]]
        assert score_file(ts, [False] * len(ts), wins).raw == pytest.approx(score)
