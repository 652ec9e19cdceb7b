"""group_member_count: a group's active members kept on its row, a card folder's cards and
complete cards kept on its row; the roster by last activity

Pages counted a group's active members (linear in the group: bench/growth.py); the
writes that make a membership active or end one now keep `group.member_count`
(grouptools/core/groups/counting.py), filled here from the roster. Every membership gets
a `last_active_at` (when it was made, if nothing since), and an index on it serves the
dashboard's quiet members and its roster by last activity. A card folder keeps how many
cards it holds and how many are complete (grouptools/card/counting.py).

Revision ID: a3c5e7f9b1d2
Revises: 5c1e8f3a7b92
Create Date: 2026-12-03 12:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = '5c1e8f3a7b92'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_count', sa.Integer(), server_default='0',
                                      nullable=False))
    op.execute('UPDATE "group" SET member_count = (SELECT count(*) FROM membership '
               "WHERE membership.group_id = \"group\".id AND membership.status = 'active')")
    op.execute('UPDATE membership SET last_active_at = coalesce(joined_at, created_at) '
               'WHERE last_active_at IS NULL')
    with op.batch_alter_table('card_folder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_count', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('complete_count', sa.Integer(), server_default='0',
                                      nullable=False))
    op.execute('UPDATE card_folder SET card_count = (SELECT count(*) FROM card '
               'WHERE card.folder_id = card_folder.id), complete_count = (SELECT count(*) '
               'FROM card WHERE card.folder_id = card_folder.id AND card.complete)')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index('ix_membership_group_id_status_last_active_at',
                              ['group_id', 'status', 'last_active_at', 'joined_at', 'id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index('ix_membership_group_id_status_last_active_at')
    with op.batch_alter_table('card_folder', schema=None) as batch_op:
        batch_op.drop_column('complete_count')
        batch_op.drop_column('card_count')
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.drop_column('member_count')
