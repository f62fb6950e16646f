"""The oncall domain."""
