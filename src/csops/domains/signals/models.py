"""Tables of the signals domain."""

from __future__ import annotations
