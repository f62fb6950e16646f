"""live chat, web form, inbound webhooks, routing rules

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import csops.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intake_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("secret", sa.String(length=120), nullable=False),
        sa.Column(
            "mapping",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_sources")),
        sa.UniqueConstraint("slug", name=op.f("uq_intake_sources_slug")),
    )
    op.create_table(
        "routing_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("on_create", sa.Boolean(), nullable=False),
        sa.Column("on_update", sa.Boolean(), nullable=False),
        sa.Column(
            "match",
            sa.Enum("all", "any", name="rule_match", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column(
            "conditions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "actions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("stop_processing", sa.Boolean(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rules")),
        sa.UniqueConstraint("name", name=op.f("uq_routing_rules_name")),
    )
    op.create_index(op.f("ix_routing_rules_position"), "routing_rules", ["position"], unique=False)
    op.create_table(
        "chat_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.String(length=64), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("started_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("agent_answered_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("followup_token", sa.String(length=64), nullable=True),
        sa.Column("followup_offered_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("followup_email", sa.String(length=320), nullable=True),
        sa.Column("followup_requested_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_chat_sessions_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_chat_sessions_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_sessions")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_chat_sessions_ticket_id")),
    )
    op.create_index(
        op.f("ix_chat_sessions_customer_id"), "chat_sessions", ["customer_id"], unique=False
    )
    op.create_index(
        op.f("ix_chat_sessions_visitor_id"), "chat_sessions", ["visitor_id"], unique=False
    )
    op.create_table(
        "intake_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("source_slug", sa.String(length=64), nullable=False),
        sa.Column("webhook_id", sa.String(length=200), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "accepted",
                "unmappable",
                "rejected",
                name="delivery_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("raw_body", sa.Text(), nullable=False),
        sa.Column(
            "headers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("received_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["intake_sources.id"],
            name=op.f("fk_intake_deliveries_source_id_intake_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_intake_deliveries_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_deliveries")),
        sa.UniqueConstraint(
            "source_id", "idempotency_key", name=op.f("uq_intake_deliveries_source_id")
        ),
    )
    op.create_index(
        "ix_intake_deliveries_source_received",
        "intake_deliveries",
        ["source_id", "received_at"],
        unique=False,
    )
    op.create_table(
        "intake_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=250), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("is_spam", sa.Boolean(), nullable=False),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verified_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_intake_submissions_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_submissions")),
    )
    op.create_index(
        "ix_intake_submissions_email_created",
        "intake_submissions",
        ["email", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_intake_submissions_ip_created", "intake_submissions", ["ip", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("intake_submissions")
    op.drop_table("intake_deliveries")
    op.drop_table("chat_sessions")
    op.drop_table("routing_rules")
    op.drop_table("intake_sources")
