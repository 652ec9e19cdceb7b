"""a day's check-ins in the order the feed shows them: (habit_id, day, created_at, id)

The habit page shows the newest few of today's check-ins; with the order in the index
it reads those few rather than sort the whole day (bench/README.md, "Check-in stats").
The index replaces (habit_id, day), which it begins with.

Revision ID: b3d9f2a6c481
Revises: a3c5e7f9b1d2
Create Date: 2026-12-03 12:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b3d9f2a6c481'
down_revision = 'a3c5e7f9b1d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.create_index('ix_checkin_habit_id_day_created_at',
                              ['habit_id', 'day', 'created_at', 'id'], unique=False)
        batch_op.drop_index('ix_checkin_habit_id_day')


def downgrade():
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.create_index('ix_checkin_habit_id_day', ['habit_id', 'day'], unique=False)
        batch_op.drop_index('ix_checkin_habit_id_day_created_at')
