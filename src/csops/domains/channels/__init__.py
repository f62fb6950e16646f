"""The channels domain."""
