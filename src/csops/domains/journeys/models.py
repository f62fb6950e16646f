"""Tables of the journeys domain."""

from __future__ import annotations
