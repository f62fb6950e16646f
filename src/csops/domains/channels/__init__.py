"""The channels domain: email intake (SMTP, IMAP, file import) into tickets.

- `mailids`: signed Message-IDs and the "[#123]" subject token (no domain imports, so the
  notifications domain may use it for outgoing mail).
- `parsing` / `quoting`: raw bytes into sender, subject, shown body, attachments, auto flag.
- `service.receive_email(session, raw, *, envelope_from, envelope_to)`: store raw, then
  ticket / reply / ignored / quarantined (an `InboundMail` row in every case).
- `jobs`: IMAP polling (store, then ack in a job enqueued in the same transaction).

Auto-replies, bounces and list mail never open a ticket; when they thread to one they are
an internal note by the system (public=False), so nothing acknowledges them.
"""
