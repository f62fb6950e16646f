"""Evidence collectors over the operations areas: SLAs, CSAT, on-call, incidents, signals,
journeys, reports. Filled in as those areas land; until then their practices read missing."""

from __future__ import annotations
