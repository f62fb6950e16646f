"""email intake: mailboxes, inbound mail, quarantine

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import csops.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbound_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("envelope_from", sa.String(length=320), nullable=False),
        sa.Column(
            "envelope_to",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("sender", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.String(length=250), nullable=False),
        sa.Column("header_message_id", sa.String(length=500), nullable=True),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "accepted",
                "quarantined",
                "ignored",
                name="inbound_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("is_auto", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_inbound_mail_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_inbound_mail_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_mail")),
    )
    with op.batch_alter_table("inbound_mail", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inbound_mail_header_message_id"), ["header_message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inbound_mail_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            "ix_inbound_mail_sender_received", ["sender", "received_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inbound_mail_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbound_mail_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbound_mail", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_mail_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_inbound_mail_status"))
        batch_op.drop_index("ix_inbound_mail_sender_received")
        batch_op.drop_index(batch_op.f("ix_inbound_mail_message_id"))
        batch_op.drop_index(batch_op.f("ix_inbound_mail_header_message_id"))
    op.drop_table("inbound_mail")
