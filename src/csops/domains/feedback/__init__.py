"""The feedback domain."""
