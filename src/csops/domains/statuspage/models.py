"""Tables of the statuspage domain."""

from __future__ import annotations
