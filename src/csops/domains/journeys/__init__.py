"""The journeys domain."""
