"""a poll vote says whether the member's first vote stored it

The same vote sent twice within a minute of a first vote (a double tap) answers as the
first did; a vote changed since does not.

Revision ID: 4c1d2e3f5a60
Revises: 3f8a1c2d9b70
Create Date: 2026-12-03 04:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c1d2e3f5a60'
down_revision = '3f8a1c2d9b70'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('poll_vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_vote', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('poll_vote', schema=None) as batch_op:
        batch_op.drop_column('first_vote')
