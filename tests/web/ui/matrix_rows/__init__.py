"""Per-domain rows of the HTML route x role matrix (see tests/web/matrix_plugins.py)."""
