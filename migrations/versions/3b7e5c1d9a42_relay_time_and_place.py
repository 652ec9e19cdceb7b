"""relay time and place

Revision ID: 3b7e5c1d9a42
Revises: e6aab34c18c9
Create Date: 2026-12-03 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7e5c1d9a42'
down_revision = 'e6aab34c18c9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('relay', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('place', sa.String(length=200), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('relay', schema=None) as batch_op:
        batch_op.drop_column('place')
        batch_op.drop_column('starts_at')
