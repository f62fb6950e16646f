"""API routes: attachment downloads.

Always a download (Content-Disposition: attachment) with X-Content-Type-Options: nosniff.
The stored content type is kept unless a browser could run it (HTML, SVG, XML, scripts):
those are served as application/octet-stream. Only to someone who may see the message.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from csops.domains.tickets import attachments
from csops.web.api.pagination import Id
from csops.web.api.routing import ApiRoute
from csops.web.api.scopes import require_scopes
from csops.web.deps import ActorDep, SessionDep

router = APIRouter(prefix="/attachments", tags=["attachments"], route_class=ApiRoute)
ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/ecmascript",
        "text/ecmascript",
        "application/x-javascript",
        "text/x-javascript",
        "application/wasm",
        "text/xsl",
        "application/xslt+xml",
    }
)
FALLBACK = "application/octet-stream"


def download_type(stored: str) -> str:
    """The stored type when harmless; octet-stream for anything a browser might execute."""
    base = stored.split(";")[0].strip().lower()
    if not base or "/" not in base or base in ACTIVE_TYPES:
        return FALLBACK
    if base.endswith(("+xml", "script")) or "html" in base:
        return FALLBACK
    return base


@router.get(
    "/{attachment_id}",
    response_class=FileResponse,
    responses={
        200: {"description": "The file, as a download", "content": {FALLBACK: {}}},
        404: {"description": "No such attachment, or not visible to you (problem+json)"},
    },
    summary="Download an attachment",
)
def download(attachment_id: Id, session: SessionDep, actor: ActorDep) -> FileResponse:
    require_scopes(actor, "tickets:read")
    attachment, path = attachments.get_attachment(session, attachment_id=attachment_id, actor=actor)
    return FileResponse(
        path,
        media_type=download_type(attachment.content_type),
        filename=attachment.filename,
        content_disposition_type="attachment",
        headers={
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
