"""a version on every widget and group: what their ETags are made of

Revision ID: 7e2a9c4b1d58
Revises: a7c4e2f19b35
Create Date: 2026-12-03 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7e2a9c4b1d58'
down_revision = 'a7c4e2f19b35'
branch_labels = None
depends_on = None

# The poll has had its version since its first migration.
TABLES = ('group', 'relay', 'notice', 'habit', 'event', 'card_folder')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                          server_default='1'))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
