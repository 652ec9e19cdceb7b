"""indexes that keep a notice's receipts flat as the group grows

A group's active members in the order they joined, and one revision's receipts in the
order managers see them (bench/README.md, "Notice receipts").

Revision ID: 7c2d4e9a1f30
Revises: 9abeba9c6cef
Create Date: 2026-12-03 17:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2d4e9a1f30'
down_revision = '9abeba9c6cef'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index('ix_membership_group_id_status_joined_at',
                              ['group_id', 'status', 'joined_at', 'id'], unique=False)
    with op.batch_alter_table('notice_receipt', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_receipt_notice_id_revision')
        batch_op.create_index('ix_notice_receipt_notice_id_revision_confirmed_at',
                              ['notice_id', 'revision', 'confirmed_at', 'membership_id'],
                              unique=False)
        batch_op.create_index('ix_notice_receipt_opened',
                              ['notice_id', 'revision', 'viewed_at', 'membership_id'],
                              unique=False, sqlite_where=sa.text('confirmed_at IS NULL'),
                              postgresql_where=sa.text('confirmed_at IS NULL'))


def downgrade():
    with op.batch_alter_table('notice_receipt', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_receipt_opened')
        batch_op.drop_index('ix_notice_receipt_notice_id_revision_confirmed_at')
        batch_op.create_index('ix_notice_receipt_notice_id_revision',
                              ['notice_id', 'revision'], unique=False)
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index('ix_membership_group_id_status_joined_at')
