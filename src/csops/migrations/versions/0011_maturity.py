"""maturity assessments and answers

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import csops.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "maturity_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "completed", name="assessment_status", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", csops.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_maturity_assessments_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maturity_assessments")),
    )
    op.create_table(
        "maturity_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.String(length=20), nullable=False),
        sa.Column(
            "answer",
            sa.Enum(
                "not_in_place",
                "partly",
                "in_place",
                name="maturity_answer",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("evidence_link", sa.String(length=500), nullable=False),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", csops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["maturity_assessments.id"],
            name=op.f("fk_maturity_answers_assessment_id_maturity_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maturity_answers")),
        sa.UniqueConstraint(
            "assessment_id", "practice_id", name=op.f("uq_maturity_answers_assessment_id")
        ),
    )
    with op.batch_alter_table("maturity_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maturity_answers_assessment_id"), ["assessment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("maturity_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maturity_answers_assessment_id"))
    op.drop_table("maturity_answers")
    op.drop_table("maturity_assessments")
