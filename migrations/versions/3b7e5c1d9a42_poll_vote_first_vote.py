"""a poll vote says whether the member's first vote stored it

The same vote sent twice within a minute of a first vote (a double tap) answers as the
first did; a vote changed since does not.

Revision ID: 3b7e5c1d9a42
Revises: e6aab34c18c9
Create Date: 2026-12-03 04:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7e5c1d9a42'
down_revision = 'e6aab34c18c9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('poll_vote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_vote', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('poll_vote', schema=None) as batch_op:
        batch_op.drop_column('first_vote')
