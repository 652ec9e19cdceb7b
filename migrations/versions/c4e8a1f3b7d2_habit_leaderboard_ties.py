"""the leaderboard's ties read in the order shown: (habit_id, total_days, membership_id)
and (habit_id, total_days, streak_end, streak DESC, membership_id)

A tie at the leaderboard's last place (a thousand members who checked in on as many
days) was sorted whole by current streak; each of its parts is now read off an index in
the order the board shows it (bench/README.md, "Check-in stats"). The first index replaces
(habit_id, total_days), which it begins with.

Revision ID: c4e8a1f3b7d2
Revises: 6e2b8d4f1a37
Create Date: 2026-12-03 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e8a1f3b7d2'
down_revision = '6e2b8d4f1a37'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('habit_member', schema=None) as batch_op:
        batch_op.drop_index('ix_habit_member_leaderboard')
        batch_op.create_index('ix_habit_member_leaderboard',
                              ['habit_id', 'total_days', 'membership_id'], unique=False)
        batch_op.create_index('ix_habit_member_leaderboard_streak',
                              ['habit_id', 'total_days', 'streak_end', sa.literal_column('streak').desc(),
                               'membership_id'], unique=False)


def downgrade():
    with op.batch_alter_table('habit_member', schema=None) as batch_op:
        batch_op.drop_index('ix_habit_member_leaderboard_streak')
        batch_op.drop_index('ix_habit_member_leaderboard')
        batch_op.create_index('ix_habit_member_leaderboard', ['habit_id', 'total_days'],
                              unique=False)
