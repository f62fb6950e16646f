"""Attachment bytes on disk, outside the web root, under random names; limits enforced here."""

from __future__ import annotations

import hashlib
import mimetypes
import re
import secrets
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from csops.config import get_settings
from csops.domains.accounts.actor import Actor
from csops.domains.tickets.access import get_visible_ticket, message_filter
from csops.domains.tickets.models import Attachment, Message, Ticket
from csops.domains.tickets.schemas import Upload
from csops.errors import Invalid, NotFound

_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def safe_filename(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip(" .")[:200]
    return cleaned or "attachment"


def storage_path(storage_key: str) -> Path:
    return get_settings().attachments_dir / storage_key[:2] / storage_key


def check_uploads(uploads: Sequence[Upload]) -> None:
    settings = get_settings()
    if len(uploads) > settings.max_attachments_per_message:
        raise Invalid(f"at most {settings.max_attachments_per_message} attachments per message")
    for upload in uploads:
        if len(upload.data) > settings.max_attachment_bytes:
            raise Invalid(
                f"{safe_filename(upload.filename)!r} is larger than "
                f"{settings.max_attachment_bytes // 1024} KiB"
            )


def store_uploads(
    session: Session, *, ticket: Ticket, message: Message, uploads: Sequence[Upload]
) -> list[Attachment]:
    """Writes the bytes first, then the rows: a failed transaction leaves at worst an orphan file."""
    check_uploads(uploads)
    stored = []
    for upload in uploads:
        key = secrets.token_hex(16)
        path = storage_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(upload.data)
        filename = safe_filename(upload.filename)
        content_type = (
            upload.content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        )
        attachment = Attachment(
            ticket_id=ticket.id,
            message_id=message.id,
            filename=filename,
            content_type=content_type[:100],
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            storage_key=key,
        )
        session.add(attachment)
        stored.append(attachment)
    session.flush()
    return stored


def get_attachment(
    session: Session, *, attachment_id: int, actor: Actor
) -> tuple[Attachment, Path]:
    """The attachment and its file, if the actor may see the message it belongs to."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(f"attachment {attachment_id} not found")
    get_visible_ticket(session, ticket_id=attachment.ticket_id, actor=actor)
    if attachment.message_id is not None:
        visible = session.scalar(
            select(Message.id).where(Message.id == attachment.message_id, message_filter(actor))
        )
        if visible is None:
            raise NotFound(f"attachment {attachment_id} not found")
    path = storage_path(attachment.storage_key)
    if not path.exists():
        raise NotFound(f"attachment {attachment_id} content is missing")
    return attachment, path
