"""The intake domain."""
