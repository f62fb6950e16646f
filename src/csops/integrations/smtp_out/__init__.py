"""Outgoing mail over SMTP (smtplib): message building and the Mailer port's implementation."""

from csops.integrations.smtp_out.mailer import SmtpMailer
from csops.integrations.smtp_out.message import build_email, clean_header

__all__ = ["SmtpMailer", "build_email", "clean_header"]
