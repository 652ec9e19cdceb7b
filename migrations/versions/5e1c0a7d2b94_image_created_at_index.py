"""image created_at index, for deleting pictures no widget uses

Revision ID: 5e1c0a7d2b94
Revises: 5e1f0a7c3b21
Create Date: 2026-12-02 12:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e1c0a7d2b94'
down_revision = '5e1f0a7c3b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('image', schema=None) as batch_op:
        batch_op.create_index('ix_image_created_at', ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('image', schema=None) as batch_op:
        batch_op.drop_index('ix_image_created_at')
