"""incidents, timeline, ticket links, postmortems, status page

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import csops.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "status_subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=2000), nullable=False),
        sa.Column("confirmed_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_subscribers")),
        sa.UniqueConstraint("brand", "kind", "target", name=op.f("uq_status_subscribers_brand")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "severity",
            sa.Enum(
                "SEV1",
                "SEV2",
                "SEV3",
                "SEV4",
                name="incident_severity",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "investigating",
                "identified",
                "monitoring",
                "resolved",
                name="incident_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("is_drill", sa.Boolean(), nullable=False),
        sa.Column(
            "resolution_policy",
            sa.Enum(
                "solve", "notify", name="incident_resolution_policy", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column(
            "keywords",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("started_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("detected_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("mitigated_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_incidents_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_status_started", ["status", "started_at"], unique=False)

    op.create_table(
        "incident_postmortems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column(
            "action_items",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("updated_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_postmortems_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_postmortems")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_incident_postmortems_incident_id")),
    )
    op.create_table(
        "incident_references",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_references_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_references")),
        sa.UniqueConstraint(
            "incident_id", "kind", "external_id", name=op.f("uq_incident_references_incident_id")
        ),
    )
    op.create_table(
        "incident_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "commander",
                "operations",
                "development",
                "test",
                "liaison",
                name="incident_role",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_roles_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_incident_roles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_roles")),
        sa.UniqueConstraint(
            "incident_id", "role", "user_id", name=op.f("uq_incident_roles_incident_id")
        ),
    )
    with op.batch_alter_table("incident_roles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_roles_user_id"), ["user_id"], unique=False)

    op.create_table(
        "incident_services",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_services_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_incident_services_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "service_id", name=op.f("pk_incident_services")),
    )
    with op.batch_alter_table("incident_services", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_services_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "incident_tracker_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("tracker", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("state", sa.String(length=50), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_tracker_issues_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_tracker_issues")),
        sa.UniqueConstraint("tracker", "key", name=op.f("uq_incident_tracker_issues_tracker")),
    )
    with op.batch_alter_table("incident_tracker_issues", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_tracker_issues_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "incident_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "investigating",
                "identified",
                "monitoring",
                "resolved",
                name="incident_status",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["users.id"],
            name=op.f("fk_incident_updates_author_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_updates_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_updates")),
    )
    with op.batch_alter_table("incident_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_updates_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "status_components",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_status_components_service_id_services"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_components")),
        sa.UniqueConstraint("brand", "name", name=op.f("uq_status_components_brand")),
    )
    with op.batch_alter_table("status_components", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_components_brand"), ["brand"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_status_components_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "incident_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column(
            "outbox_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_deliveries_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_incident_deliveries_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["incident_updates.id"],
            name=op.f("fk_incident_deliveries_update_id_incident_updates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_deliveries")),
        sa.UniqueConstraint(
            "update_id", "ticket_id", name=op.f("uq_incident_deliveries_update_id")
        ),
    )
    with op.batch_alter_table("incident_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_deliveries_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "incident_pii_reveals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_pii_reveals_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_incident_pii_reveals_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_incident_pii_reveals_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_pii_reveals")),
    )
    with op.batch_alter_table("incident_pii_reveals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_pii_reveals_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "incident_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "manual",
                "escalation",
                "bulk",
                "auto",
                "signal",
                name="incident_link_source",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("unlinked_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_tickets_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["linked_by_id"],
            ["users.id"],
            name=op.f("fk_incident_tickets_linked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_incident_tickets_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_tickets")),
        sa.UniqueConstraint(
            "incident_id", "ticket_id", name=op.f("uq_incident_tickets_incident_id")
        ),
    )
    with op.batch_alter_table("incident_tickets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_tickets_ticket_id"), ["ticket_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_tickets_ticket_id"))

    op.drop_table("incident_tickets")
    with op.batch_alter_table("incident_pii_reveals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_pii_reveals_incident_id"))

    op.drop_table("incident_pii_reveals")
    with op.batch_alter_table("incident_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_deliveries_incident_id"))

    op.drop_table("incident_deliveries")
    with op.batch_alter_table("status_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_components_service_id"))
        batch_op.drop_index(batch_op.f("ix_status_components_brand"))

    op.drop_table("status_components")
    with op.batch_alter_table("incident_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_updates_incident_id"))

    op.drop_table("incident_updates")
    with op.batch_alter_table("incident_tracker_issues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_tracker_issues_incident_id"))

    op.drop_table("incident_tracker_issues")
    with op.batch_alter_table("incident_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_services_service_id"))

    op.drop_table("incident_services")
    with op.batch_alter_table("incident_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_roles_user_id"))

    op.drop_table("incident_roles")
    op.drop_table("incident_references")
    op.drop_table("incident_postmortems")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_status_started")

    op.drop_table("incidents")
    op.drop_table("status_subscribers")
