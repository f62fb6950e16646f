"""The maturity domain."""
