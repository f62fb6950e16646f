"""The signals domain."""
