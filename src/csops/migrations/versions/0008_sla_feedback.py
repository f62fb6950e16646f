"""SLA policies, calendars, timers, CSAT surveys, follow-ups

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import csops.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sla_calendars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column(
            "hours",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("holiday_country", sa.String(length=8), nullable=True),
        sa.Column("holiday_subdiv", sa.String(length=16), nullable=True),
        sa.Column(
            "custom_holidays",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("always_open", sa.Boolean(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_calendars")),
        sa.UniqueConstraint("name", name=op.f("uq_sla_calendars_name")),
    )
    op.create_table(
        "nps_programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("last_sent_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_nps_programs_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nps_programs")),
        sa.UniqueConstraint("organization_id", name=op.f("uq_nps_programs_organization_id")),
    )
    op.create_table(
        "sla_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column(
            "conditions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("calendar_id", sa.Integer(), nullable=True),
        sa.Column("business_hours", sa.Boolean(), nullable=False),
        sa.Column("first_response_minutes", sa.Integer(), nullable=True),
        sa.Column("next_response_minutes", sa.Integer(), nullable=True),
        sa.Column("resolution_minutes", sa.Integer(), nullable=True),
        sa.Column("pause_on_pending", sa.Boolean(), nullable=False),
        sa.Column("pause_on_hold", sa.Boolean(), nullable=False),
        sa.Column(
            "warn_percents",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "escalate",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["sla_calendars.id"],
            name=op.f("fk_sla_policies_calendar_id_sla_calendars"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
        sa.UniqueConstraint("name", name=op.f("uq_sla_policies_name")),
    )
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sla_policies_calendar_id"), ["calendar_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sla_policies_position"), ["position"], unique=False)

    op.create_table(
        "nps_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.String(length=20), nullable=False),
        sa.Column("sent_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answered_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_nps_surveys_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_nps_surveys_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nps_surveys")),
        sa.UniqueConstraint("customer_id", "round", name=op.f("uq_nps_surveys_customer_id")),
    )
    with op.batch_alter_table("nps_surveys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nps_surveys_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "csat_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column(
            "scale",
            sa.Enum("five", "binary", name="csat_scale", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("sent_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answered_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("changed_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_csat_surveys_assignee_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_csat_surveys_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_csat_surveys_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_csat_surveys_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_csat_surveys")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_csat_surveys_ticket_id")),
    )
    with op.batch_alter_table("csat_surveys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_csat_surveys_answered_at"), ["answered_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_csat_surveys_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_csat_surveys_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "feedback_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "survey_sent",
                "survey_answered",
                "survey_changed",
                "followup_created",
                "followup_done",
                "followup_breached",
                "nps_sent",
                "nps_answered",
                name="feedback_event_kind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_feedback_events_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_events")),
    )
    with op.batch_alter_table("feedback_events", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_events_kind_at", ["kind", "at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_feedback_events_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "sla_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column(
            "metric",
            sa.Enum(
                "first_response",
                "next_response",
                "resolution",
                name="sla_metric",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "started",
                "warning",
                "breached",
                "achieved",
                "paused",
                "resumed",
                "escalated",
                name="sla_event_kind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("target_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["sla_policies.id"],
            name=op.f("fk_sla_events_policy_id_sla_policies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_sla_events_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_events")),
    )
    with op.batch_alter_table("sla_events", schema=None) as batch_op:
        batch_op.create_index("ix_sla_events_kind_at", ["kind", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sla_events_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "ticket_slas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column(
            "metric",
            sa.Enum(
                "first_response",
                "next_response",
                "resolution",
                name="sla_metric",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "paused",
                "achieved",
                "breached",
                name="sla_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("target_minutes", sa.Integer(), nullable=False),
        sa.Column("started_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("target_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "pauses",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("achieved_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("breached_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "warned",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("token", sa.Integer(), nullable=False),
        sa.Column("updated_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["sla_policies.id"],
            name=op.f("fk_ticket_slas_policy_id_sla_policies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_slas_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_slas")),
        sa.UniqueConstraint("ticket_id", "metric", name=op.f("uq_ticket_slas_ticket_id")),
    )
    with op.batch_alter_table("ticket_slas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_slas_policy_id"), ["policy_id"], unique=False)
        batch_op.create_index("ix_ticket_slas_status_target", ["status", "target_at"], unique=False)

    op.create_table(
        "followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("open", "done", name="followup_status", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("due_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("breached_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_followups_assignee_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["csat_surveys.id"],
            name=op.f("fk_followups_survey_id_csat_surveys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_followups_team_id_teams"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_followups_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followups")),
        sa.UniqueConstraint("survey_id", name=op.f("uq_followups_survey_id")),
    )
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followups_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index("ix_followups_status_due", ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_followups_ticket_id"), ["ticket_id"], unique=False)

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sla_next_breach_at", csops.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_tickets_sla_next_breach_at"), ["sla_next_breach_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_sla_next_breach_at"))
        batch_op.drop_column("sla_next_breach_at")

    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followups_ticket_id"))
        batch_op.drop_index("ix_followups_status_due")
        batch_op.drop_index(batch_op.f("ix_followups_assignee_id"))

    op.drop_table("followups")
    with op.batch_alter_table("ticket_slas", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_slas_status_target")
        batch_op.drop_index(batch_op.f("ix_ticket_slas_policy_id"))

    op.drop_table("ticket_slas")
    with op.batch_alter_table("sla_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_events_ticket_id"))
        batch_op.drop_index("ix_sla_events_kind_at")

    op.drop_table("sla_events")
    with op.batch_alter_table("feedback_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_events_ticket_id"))
        batch_op.drop_index("ix_feedback_events_kind_at")

    op.drop_table("feedback_events")
    with op.batch_alter_table("csat_surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_csat_surveys_sent_at"))
        batch_op.drop_index(batch_op.f("ix_csat_surveys_customer_id"))
        batch_op.drop_index(batch_op.f("ix_csat_surveys_answered_at"))

    op.drop_table("csat_surveys")
    with op.batch_alter_table("nps_surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nps_surveys_organization_id"))

    op.drop_table("nps_surveys")
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_policies_position"))
        batch_op.drop_index(batch_op.f("ix_sla_policies_calendar_id"))

    op.drop_table("sla_policies")
    op.drop_table("nps_programs")
    op.drop_table("sla_calendars")
