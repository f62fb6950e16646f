"""The inbound SMTP server (aiosmtpd): hands each message to a function it is given."""

from csops.integrations.smtp_server.server import Deliver, IntakeHandler, SmtpIntake

__all__ = ["Deliver", "IntakeHandler", "SmtpIntake"]
