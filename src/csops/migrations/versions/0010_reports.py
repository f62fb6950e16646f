"""KPI share links, report archive, forecasts

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import csops.db

# Columns the KPI indexes carry on PostgreSQL (INCLUDE), so the queries read the index alone.
DIMENSIONS = ["team_id", "assignee_id", "service_id", "organization_id", "channel"]

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_facts",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.String(length=20), nullable=False),
        sa.Column("first_response_seconds", sa.Float(), nullable=True),
        sa.Column("first_solved_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolution_seconds", sa.Float(), nullable=True),
        sa.Column("public_replies", sa.Integer(), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_facts_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_facts")),
    )
    with op.batch_alter_table("ticket_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ticket_facts_created_at",
            ["created_at"],
            unique=False,
            postgresql_include=[
                *DIMENSIONS,
                "type",
                "first_response_seconds",
                "resolution_seconds",
            ],
        )
        batch_op.create_index(
            "ix_ticket_facts_first_solved_at",
            ["first_solved_at"],
            unique=False,
            postgresql_include=[*DIMENSIONS, "reopened", "public_replies"],
        )
        batch_op.create_index(
            "ix_ticket_facts_team_created", ["team_id", "created_at"], unique=False
        )
    op.create_table(
        "kpi_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "scope",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_kpi_shares_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_shares")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_kpi_shares_token_hash")),
    )
    kind = sa.Enum("daily", "weekly", "monthly", name="report_kind", native_enum=False, length=20)
    op.create_table(
        "report_archive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", kind, nullable=False),
        sa.Column("period_key", sa.String(length=20), nullable=False),
        sa.Column("start", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "summary",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_archive")),
        sa.UniqueConstraint("kind", "period_key", name=op.f("uq_report_archive_kind")),
    )
    with op.batch_alter_table("report_archive", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_archive_created_at"), ["created_at"], unique=False
        )
    op.create_table(
        "report_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", kind, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_report_subscriptions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_subscriptions")),
    )
    with op.batch_alter_table("report_subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_subscriptions_kind"), ["kind"], unique=False)


def downgrade() -> None:
    op.drop_table("report_subscriptions")
    op.drop_table("report_archive")
    op.drop_table("kpi_shares")
    op.drop_table("ticket_facts")
