"""CX assurance journeys, runs, drift snapshots

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import csops.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journey_deployments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("environment", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column(
            "passed",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "failed",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("gate_passed", sa.Boolean(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_deployments")),
    )
    with op.batch_alter_table("journey_deployments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journey_deployments_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_journey_deployments_environment"), ["environment"], unique=False
        )

    op.create_table(
        "journey_environments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=False),
        sa.Column(
            "variables",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("schedule", sa.String(length=100), nullable=True),
        sa.Column(
            "allowed_hosts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("timeout_s", sa.Float(), nullable=False),
        sa.Column("production", sa.Boolean(), nullable=False),
        sa.Column(
            "probes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "drift_allow",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("next_run_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_environments")),
        sa.UniqueConstraint("name", name=op.f("uq_journey_environments_name")),
    )
    op.create_table(
        "journey_drift_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("environment_id", sa.Integer(), nullable=False),
        sa.Column("probe", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("taken_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["journey_environments.id"],
            name=op.f("fk_journey_drift_snapshots_environment_id_journey_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_drift_snapshots")),
    )
    with op.batch_alter_table("journey_drift_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_journey_drift_snapshots_env_probe", ["environment_id", "probe"], unique=False
        )

    op.create_table(
        "journey_drift_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("probe", sa.String(length=100), nullable=False),
        sa.Column("env_a_id", sa.Integer(), nullable=False),
        sa.Column("env_b_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "added",
                "removed",
                "changed",
                name="journey_drift_kind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("value_a", sa.Text(), nullable=False),
        sa.Column("value_b", sa.Text(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["env_a_id"],
            ["journey_environments.id"],
            name=op.f("fk_journey_drift_warnings_env_a_id_journey_environments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["env_b_id"],
            ["journey_environments.id"],
            name=op.f("fk_journey_drift_warnings_env_b_id_journey_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_drift_warnings")),
    )
    with op.batch_alter_table("journey_drift_warnings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_journey_drift_warnings_open", ["resolved", "created_at"], unique=False
        )

    op.create_table(
        "journeys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("spec_text", sa.Text(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_journeys_service_id_services"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journeys")),
        sa.UniqueConstraint("name", name=op.f("uq_journeys_name")),
    )
    with op.batch_alter_table("journeys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journeys_service_id"), ["service_id"], unique=False)

    op.create_table(
        "journey_health",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=False),
        sa.Column("environment_id", sa.Integer(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column(
            "last_status",
            sa.Enum(
                "passed",
                "failed",
                "error",
                "skipped",
                name="journey_health_status",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("green_since", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failing_since", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["journey_environments.id"],
            name=op.f("fk_journey_health_environment_id_journey_environments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["journeys.id"],
            name=op.f("fk_journey_health_journey_id_journeys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_health")),
        sa.UniqueConstraint(
            "journey_id", "environment_id", name=op.f("uq_journey_health_journey_id")
        ),
    )
    op.create_table(
        "journey_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=False),
        sa.Column("environment_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "passed",
                "failed",
                "error",
                "skipped",
                name="journey_run_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("started_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column(
            "steps",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["journey_environments.id"],
            name=op.f("fk_journey_runs_environment_id_journey_environments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["journeys.id"],
            name=op.f("fk_journey_runs_journey_id_journeys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_runs")),
    )
    with op.batch_alter_table("journey_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journey_runs_environment_id"), ["environment_id"], unique=False
        )
        batch_op.create_index(
            "ix_journey_runs_pair_started",
            ["journey_id", "environment_id", "started_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_journey_runs_started_at"), ["started_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("journey_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journey_runs_started_at"))
        batch_op.drop_index("ix_journey_runs_pair_started")
        batch_op.drop_index(batch_op.f("ix_journey_runs_environment_id"))

    op.drop_table("journey_runs")
    op.drop_table("journey_health")
    with op.batch_alter_table("journeys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journeys_service_id"))

    op.drop_table("journeys")
    with op.batch_alter_table("journey_drift_warnings", schema=None) as batch_op:
        batch_op.drop_index("ix_journey_drift_warnings_open")

    op.drop_table("journey_drift_warnings")
    with op.batch_alter_table("journey_drift_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_journey_drift_snapshots_env_probe")

    op.drop_table("journey_drift_snapshots")
    op.drop_table("journey_environments")
    with op.batch_alter_table("journey_deployments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journey_deployments_environment"))
        batch_op.drop_index(batch_op.f("ix_journey_deployments_created_at"))

    op.drop_table("journey_deployments")
