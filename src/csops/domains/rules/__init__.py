"""The rules domain."""
