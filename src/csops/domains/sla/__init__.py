"""The sla domain."""
