"""Tables of the chat domain."""

from __future__ import annotations
