"""The incidents tests' fixtures (SMTP server, staff, job drain) for the status page tests."""

from tests.integration.incidents.conftest import drain, smtp, staff

__all__ = ["drain", "smtp", "staff"]
