"""Tables of the oncall domain."""

from __future__ import annotations
