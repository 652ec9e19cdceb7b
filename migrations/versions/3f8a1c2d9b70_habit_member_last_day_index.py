"""an index that counts a habit's check-ins of the day without reading every member's figures

Today's count on the stats reads the members whose latest check-in is today off
(habit_id, last_day, membership_id) (bench/README.md, "Check-in stats").

Revision ID: 3f8a1c2d9b70
Revises: 3b7e5c1d9a42
Create Date: 2026-12-03 04:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3f8a1c2d9b70'
down_revision = '3b7e5c1d9a42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('habit_member', schema=None) as batch_op:
        batch_op.create_index('ix_habit_member_habit_id_last_day',
                              ['habit_id', 'last_day', 'membership_id'], unique=False)


def downgrade():
    with op.batch_alter_table('habit_member', schema=None) as batch_op:
        batch_op.drop_index('ix_habit_member_habit_id_last_day')
