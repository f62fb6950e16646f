"""Full-text search over subjects and messages: SQLite FTS5 or PostgreSQL tsvector.

Both backends take the same query syntax (that of web search engines):
  refund card        both words
  "card declined"    the phrase
  refund OR chargeback
  -duplicate         without the word
Customers' searches only ever look at the subject and public replies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, column, select, text
from sqlalchemy.orm import Session

from csops.domains.tickets.models import Message, Ticket

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    negated: bool = False
    is_or: bool = False


def parse(query: str) -> list[Term]:
    terms: list[Term] = []
    for match in _TOKEN.finditer(query[:500]):
        neg, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare == "OR":
            terms.append(Term(words=(), is_or=True))
            continue
        raw = phrase if phrase is not None else bare or ""
        negated = bool(neg) or (bare is not None and bare.startswith("-"))
        words = tuple(_WORD.findall(raw.lower()))
        if words:
            terms.append(Term(words=words, negated=negated))
    return terms


def to_fts5(terms: list[Term]) -> str:
    """An FTS5 MATCH expression; every word quoted, so no user input is FTS syntax."""
    positives: list[str] = []
    negatives: list[str] = []
    pending_or = False
    for term in terms:
        if term.is_or:
            pending_or = bool(positives)
            continue
        quoted = '"' + " ".join(term.words) + '"'
        if term.negated:
            negatives.append(quoted)
        elif pending_or and positives:
            positives[-1] = f"({positives[-1]} OR {quoted})"
            pending_or = False
        else:
            positives.append(quoted)
    if not positives:
        return ""
    expression = " AND ".join(positives)
    for negative in negatives:
        expression = f"({expression}) NOT {negative}"
    return expression


def to_websearch(terms: list[Term]) -> str:
    parts: list[str] = []
    for term in terms:
        if term.is_or:
            parts.append("OR")
            continue
        body = " ".join(term.words)
        body = f'"{body}"' if len(term.words) > 1 else body
        parts.append(("-" if term.negated else "") + body)
    return " ".join(parts)


_FTS_INSERT = text(
    "INSERT INTO ticket_fts(rowid, subject, public_body, internal_body) VALUES (:id, :s, :p, :i)"
)
_TSV_UPSERT = text(
    "INSERT INTO ticket_search (ticket_id, public_doc, all_doc) VALUES (:id,"
    " setweight(to_tsvector('english', :s), 'A') || to_tsvector('english', :p),"
    " setweight(to_tsvector('english', :s), 'A') || to_tsvector('english', :p || ' ' || :i))"
    " ON CONFLICT (ticket_id) DO UPDATE SET public_doc = excluded.public_doc,"
    " all_doc = excluded.all_doc"
)


def reindex(session: Session, ticket_id: int) -> None:
    """Rebuilds one ticket's search document from its subject and thread."""
    subject = session.scalar(select(Ticket.subject).where(Ticket.id == ticket_id)) or ""
    rows = session.execute(
        select(Message.body_text, Message.is_public)
        .where(Message.ticket_id == ticket_id)
        .order_by(Message.id)
    ).all()
    public = "\n".join(body for body, is_public in rows if is_public)
    internal = "\n".join(body for body, is_public in rows if not is_public)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("DELETE FROM ticket_fts WHERE rowid = :id"), {"id": ticket_id})
        session.execute(_FTS_INSERT, {"id": ticket_id, "s": subject, "p": public, "i": internal})
        return
    session.execute(_TSV_UPSERT, {"id": ticket_id, "s": subject, "p": public, "i": internal})


def index_new(session: Session, ticket_id: int, *, subject: str, public_text: str) -> None:
    """Indexes a ticket just created from what the caller has in hand (no re-read)."""
    params = {"id": ticket_id, "s": subject, "p": public_text, "i": ""}
    conn = session.connection()
    conn.execute(_FTS_INSERT if conn.dialect.name == "sqlite" else _TSV_UPSERT, params)


def matching(session: Session, query: str, *, include_internal: bool) -> ColumnElement[bool] | None:
    """A condition on Ticket.id for the query, or None when the query has no searchable words."""
    terms = parse(query)
    if session.get_bind().dialect.name == "sqlite":
        expression = to_fts5(terms)
        if not expression:
            return None
        if not include_internal:
            expression = "{subject public_body} : (" + expression + ")"
        sub = text("SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH :q").bindparams(
            q=expression
        )
        return Ticket.id.in_(sub.columns(column("rowid", Integer)))
    websearch = to_websearch(terms)
    if not any(not t.is_or and not t.negated for t in terms):
        return None
    doc = "all_doc" if include_internal else "public_doc"
    sub = text(
        f"SELECT ticket_id FROM ticket_search WHERE {doc} @@ websearch_to_tsquery('english', :q)"  # noqa: S608
    ).bindparams(q=websearch)
    return Ticket.id.in_(sub.columns(column("ticket_id", Integer)))
