"""alerts, changes, clusters, spikes, suspected incidents

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import csops.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _dt(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, csops.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "signal_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("group_key", sa.String(length=500), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "firing",
                "resolved",
                name="signal_alert_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("service_name", sa.String(length=100), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("labels", _json(), nullable=False),
        sa.Column("annotations", _json(), nullable=False),
        _dt("starts_at"),
        _dt("ends_at", True),
        _dt("last_received_at"),
        sa.Column("receive_count", sa.Integer(), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        _dt("created_at"),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_signal_alerts_service_id_services"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_alerts")),
    )
    with op.batch_alter_table("signal_alerts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_signal_alerts_lookup", ["source", "fingerprint", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signal_alerts_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "signal_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "deploy",
                "config",
                "flag",
                "canary",
                name="signal_change_kind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("service_name", sa.String(length=100), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.String(length=100), nullable=False),
        sa.Column("environment", sa.String(length=50), nullable=False),
        sa.Column("cohort", _json(), nullable=False),
        sa.Column("percentage", sa.Float(), nullable=True),
        sa.Column("commit", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        _dt("started_at"),
        _dt("finished_at", True),
        _dt("created_at"),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_signal_changes_service_id_services"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_changes")),
        sa.UniqueConstraint("external_id", name=op.f("uq_signal_changes_external_id")),
    )
    with op.batch_alter_table("signal_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signal_changes_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signal_changes_started_at"), ["started_at"], unique=False
        )

    op.create_table(
        "signal_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("label_pinned", sa.Boolean(), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("centroid", sa.LargeBinary(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("terms", _json(), nullable=False),
        sa.Column("cannot_link", _json(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        _dt("last_at"),
        _dt("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_clusters")),
    )
    with op.batch_alter_table("signal_clusters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signal_clusters_last_at"), ["last_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_signal_clusters_merged_into_id"), ["merged_into_id"], unique=False
        )

    op.create_table(
        "signal_cluster_tickets",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        _dt("created_at"),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["signal_clusters.id"],
            name=op.f("fk_signal_cluster_tickets_cluster_id_signal_clusters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_signal_cluster_tickets_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_signal_cluster_tickets")),
    )
    with op.batch_alter_table("signal_cluster_tickets", schema=None) as batch_op:
        for col in ("cluster_id", "created_at", "organization_id", "service_id"):
            batch_op.create_index(
                batch_op.f(f"ix_signal_cluster_tickets_{col}"), [col], unique=False
            )

    op.create_table(
        "signal_engine_state",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("state", _json(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=True),
        _dt("updated_at"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_signal_engine_state")),
    )

    op.create_table(
        "signal_suspects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "confirmed",
                "dismissed",
                name="signal_suspect_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        _dt("started_at"),
        _dt("detected_at"),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("causes", _json(), nullable=False),
        sa.Column("ticket_ids", _json(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        _dt("decided_at", True),
        _dt("created_at"),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["signal_clusters.id"],
            name=op.f("fk_signal_suspects_cluster_id_signal_clusters"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_signal_suspects_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_signal_suspects_service_id_services"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_suspects")),
    )
    with op.batch_alter_table("signal_suspects", schema=None) as batch_op:
        for col in ("cluster_id", "decided_by_id", "incident_id", "key", "service_id", "status"):
            batch_op.create_index(batch_op.f(f"ix_signal_suspects_{col}"), [col], unique=False)


def downgrade() -> None:
    op.drop_table("signal_suspects")
    op.drop_table("signal_engine_state")
    op.drop_table("signal_cluster_tickets")
    op.drop_table("signal_clusters")
    op.drop_table("signal_changes")
    op.drop_table("signal_alerts")
