"""The model data is complete against its source chapter and well formed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from csops.domains.maturity.evidence import COLLECTORS
from csops.domains.maturity.model import LEVELS, load
from csops.domains.maturity.service import propose  # noqa: F401 (registers every collector)

SOURCE = (
    Path(__file__).resolve().parents[3].parent / "shared" / "seeds" / "004_317484912369b7cf.txt"
)
CAPABILITY_ORDER = ("ORG", "PER", "BIZ", "COM", "RSP")


def source_practices() -> dict[tuple[int, int], list[str]]:
    """(capability number 1-5, level 2-5) -> the bullet texts under its best practices."""
    found: dict[tuple[int, int], list[str]] = {}
    current: tuple[int, int] | None = None
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#{4,5}\s*2\.(\d)\.(\d)\.?\d?\s*(\S+)", line)
        if heading:
            cap, sub, title = int(heading.group(1)), int(heading.group(2)), heading.group(3)
            current = (cap, sub + 1) if "最佳实践" in title else None
            continue
        if line.startswith("#"):
            current = None
        elif current and line.startswith("- "):
            found.setdefault(current, []).append(line[2:].strip())
    return found


@pytest.mark.skipif(not SOURCE.is_file(), reason="the seed chapter is not beside the repo")
def test_every_practice_of_the_source_chapter_is_in_the_model() -> None:
    model = load()
    source = source_practices()
    assert len(source) == 20  # five capabilities x four levels
    for (cap_number, level), bullets in source.items():
        capability = model.capabilities[cap_number - 1]
        assert capability.id == CAPABILITY_ORDER[cap_number - 1]
        ours = [p.zh for p in capability.levels[LEVELS.index(level)].practices]
        assert ours == bullets, (capability.id, level)


def test_model_shape() -> None:
    model = load()
    assert [c.id for c in model.capabilities] == list(CAPABILITY_ORDER)
    ids = [p.id for p in model.practices]
    assert len(ids) == len(set(ids)) == 69
    for cap in model.capabilities:
        assert [lvl.number for lvl in cap.levels] == list(LEVELS)
        for level in cap.levels:
            assert level.summary_zh and level.summary_en and level.practices
            for index, practice in enumerate(level.practices, start=1):
                assert practice.id == f"{cap.id}-{level.number}.{index}"
                assert practice.en and practice.zh and practice.en != practice.zh
                assert re.search(r"[\u4e00-\u9fff]", practice.zh)
                assert not re.search(r"[\u4e00-\u9fff]", practice.en)


def test_every_named_evidence_has_a_collector() -> None:
    named = {p.evidence for p in load().practices if p.evidence}
    assert named - set(COLLECTORS) == set()


def test_every_practice_names_a_local_feature_link() -> None:
    for practice in load().practices:
        assert practice.feature is not None, practice.id
        assert practice.feature.link.startswith("/"), practice.id


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(LookupError):
        load(99)
