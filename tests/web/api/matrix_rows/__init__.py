"""Per-domain rows of the API route x role matrix (see tests/web/matrix_plugins.py)."""
