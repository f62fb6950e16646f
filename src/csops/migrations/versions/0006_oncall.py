"""schedules, escalation policies, pages, drills, maintenance

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import csops.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oncall_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column(
            "role",
            sa.Enum("primary", "backup", name="schedule_role", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_oncall_schedules_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_schedules")),
        sa.UniqueConstraint("name", name=op.f("uq_oncall_schedules_name")),
    )
    with op.batch_alter_table("oncall_schedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oncall_schedules_team_id"), ["team_id"], unique=False)

    op.create_table(
        "oncall_layers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "participant_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "rotation",
            sa.Enum(
                "daily", "weekly", "custom", name="rotation_kind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("shift_hours", sa.Integer(), nullable=False),
        sa.Column("starts_local", sa.String(length=19), nullable=False),
        sa.Column(
            "restrictions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["oncall_schedules.id"],
            name=op.f("fk_oncall_layers_schedule_id_oncall_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_layers")),
    )
    with op.batch_alter_table("oncall_layers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_layers_schedule_id"), ["schedule_id"], unique=False
        )

    op.create_table(
        "oncall_maintenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_oncall_maintenance_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_maintenance")),
    )
    with op.batch_alter_table("oncall_maintenance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_maintenance_ends_at"), ["ends_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oncall_maintenance_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oncall_maintenance_starts_at"), ["starts_at"], unique=False
        )

    op.create_table(
        "oncall_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("replaces_user_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("swap_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["replaces_user_id"],
            ["users.id"],
            name=op.f("fk_oncall_overrides_replaces_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["oncall_schedules.id"],
            name=op.f("fk_oncall_overrides_schedule_id_oncall_schedules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_oncall_overrides_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_overrides")),
    )
    with op.batch_alter_table("oncall_overrides", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_overrides_schedule_id"), ["schedule_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oncall_overrides_starts_at"), ["starts_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_oncall_overrides_user_id"), ["user_id"], unique=False)

    op.create_table(
        "oncall_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("repeat", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_oncall_policies_service_id_services"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_oncall_policies_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_policies")),
        sa.UniqueConstraint("name", name=op.f("uq_oncall_policies_name")),
    )
    with op.batch_alter_table("oncall_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_policies_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_oncall_policies_team_id"), ["team_id"], unique=False)

    op.create_table(
        "oncall_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("dedup_key", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "triggered",
                "acknowledged",
                "resolved",
                name="page_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("is_drill", sa.Boolean(), nullable=False),
        sa.Column("trigger_count", sa.Integer(), nullable=False),
        sa.Column("level_index", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("timer_token", sa.String(length=32), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_triggered_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("joined_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("joined_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_oncall_pages_acknowledged_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["joined_by_id"],
            ["users.id"],
            name=op.f("fk_oncall_pages_joined_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["oncall_policies.id"],
            name=op.f("fk_oncall_pages_policy_id_oncall_policies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_oncall_pages_resolved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_oncall_pages_service_id_services"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_oncall_pages_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_pages")),
    )
    with op.batch_alter_table("oncall_pages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_pages_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_oncall_pages_dedup_key"), ["dedup_key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_oncall_pages_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oncall_pages_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_oncall_pages_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_oncall_pages_team_id"), ["team_id"], unique=False)

    op.create_table(
        "oncall_policy_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("timeout_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "targets",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["oncall_policies.id"],
            name=op.f("fk_oncall_policy_levels_policy_id_oncall_policies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_policy_levels")),
    )
    with op.batch_alter_table("oncall_policy_levels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_policy_levels_policy_id"), ["policy_id"], unique=False
        )

    op.create_table(
        "oncall_suppressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("maintenance_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("dedup_key", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["maintenance_id"],
            ["oncall_maintenance.id"],
            name=op.f("fk_oncall_suppressions_maintenance_id_oncall_maintenance"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_oncall_suppressions_service_id_services"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_suppressions")),
    )
    with op.batch_alter_table("oncall_suppressions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_suppressions_maintenance_id"), ["maintenance_id"], unique=False
        )

    op.create_table(
        "oncall_drills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "scheduled",
                "running",
                "completed",
                "cancelled",
                name="drill_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("scheduled_for", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=True),
        sa.Column("started_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("joined_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("seconds_to_ack", sa.Integer(), nullable=True),
        sa.Column("seconds_to_join", sa.Integer(), nullable=True),
        sa.Column("levels_reached", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_oncall_drills_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["oncall_pages.id"],
            name=op.f("fk_oncall_drills_page_id_oncall_pages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_oncall_drills_service_id_services"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_oncall_drills_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_drills")),
    )
    with op.batch_alter_table("oncall_drills", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_drills_scheduled_for"), ["scheduled_for"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_oncall_drills_team_id"), ["team_id"], unique=False)

    op.create_table(
        "oncall_page_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("level_index", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["oncall_pages.id"],
            name=op.f("fk_oncall_page_notifications_page_id_oncall_pages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_oncall_page_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_page_notifications")),
    )
    with op.batch_alter_table("oncall_page_notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_page_notifications_page_id"), ["page_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oncall_page_notifications_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("oncall_page_notifications")
    op.drop_table("oncall_drills")
    op.drop_table("oncall_suppressions")
    op.drop_table("oncall_policy_levels")
    op.drop_table("oncall_pages")
    op.drop_table("oncall_policies")
    op.drop_table("oncall_overrides")
    op.drop_table("oncall_maintenance")
    op.drop_table("oncall_layers")
    op.drop_table("oncall_schedules")
