"""Reports routes in the API route x role matrix."""

from __future__ import annotations

from tests.web.matrix_plugins import Rows

ROWS = Rows(expect={("GET", "/api/v1/reports/kpis"): "401 404 404 200 200 200 200"})
