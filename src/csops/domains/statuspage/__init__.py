"""The statuspage domain."""
