"""indexes that keep the group page flat: a member's own relay entries, complete cards

The group page asks how many places the asker holds on each relay: with only
(relay_id, status) SQLite read every confirmed entry of the relay to find them. It also
counts a folder's complete cards, which read every card row; (folder_id, complete,
owner_membership_id) answers it from the index (bench/README.md, "Growth from 100 to
100,000 rows").

Revision ID: 8d4e2a6c1f57
Revises: 7e2a9c4b1d58
Create Date: 2026-12-03 08:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '8d4e2a6c1f57'
down_revision = '7e2a9c4b1d58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('relay_entry', schema=None) as batch_op:
        batch_op.create_index('ix_relay_entry_relay_id_membership_id',
                              ['relay_id', 'membership_id'], unique=False)
    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.create_index('ix_card_folder_id_complete',
                              ['folder_id', 'complete', 'owner_membership_id'], unique=False)


def downgrade():
    with op.batch_alter_table('card', schema=None) as batch_op:
        batch_op.drop_index('ix_card_folder_id_complete')
    with op.batch_alter_table('relay_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_relay_entry_relay_id_membership_id')
