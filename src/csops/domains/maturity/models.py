"""Tables of the maturity domain."""

from __future__ import annotations
