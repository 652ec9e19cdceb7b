"""notice_pending: who of a notice's audience has not confirmed its current revision

The managers' lists of who has not opened a notice and who to remind walked the group's
members, one probe each, until they filled a page: 21 ms at 20,000 members when nearly
everyone opened it (6.5× and 10.3× slower at 100,000 members than at 100). A row per
audience member who has not confirmed the current revision, kept by the writes
(grouptools/notice/pending.py), makes each list a page of an index; this fills the rows
of the notices there are (bench/README.md, "Growth from 100 to 100,000 rows").

Revision ID: 6e2b8d4f1a37
Revises: b3d9f2a6c481
Create Date: 2026-12-03 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '6e2b8d4f1a37'
down_revision = 'b3d9f2a6c481'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_pending',
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('opened', sa.Boolean(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_notice_pending_membership_id_membership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['notice_id'], ['notice.id'], name=op.f('fk_notice_pending_notice_id_notice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('notice_id', 'membership_id', name=op.f('pk_notice_pending'))
    )
    with op.batch_alter_table('notice_pending', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_pending_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index('ix_notice_pending_unconfirmed', ['notice_id', 'revision', 'joined_at', 'membership_id'], unique=False)
        batch_op.create_index('ix_notice_pending_unopened', ['notice_id', 'revision', 'opened', 'joined_at', 'membership_id'], unique=False)
    op.execute(
        "INSERT INTO notice_pending (notice_id, membership_id, revision, opened, joined_at) "
        "SELECT n.id, m.id, n.revision, "
        "EXISTS (SELECT 1 FROM notice_receipt r WHERE r.notice_id = n.id "
        "AND r.membership_id = m.id AND r.revision = n.revision), m.joined_at "
        "FROM notice n JOIN membership m ON m.group_id = n.group_id "
        "WHERE m.status = 'active' AND (n.audience = 'all' OR EXISTS (SELECT 1 FROM "
        "notice_audience a WHERE a.notice_id = n.id AND a.membership_id = m.id)) "
        "AND NOT EXISTS (SELECT 1 FROM notice_receipt r WHERE r.notice_id = n.id "
        "AND r.membership_id = m.id AND r.revision = n.revision "
        "AND r.confirmed_at IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('notice_pending', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_pending_unopened')
        batch_op.drop_index('ix_notice_pending_unconfirmed')
        batch_op.drop_index(batch_op.f('ix_notice_pending_membership_id'))
    op.drop_table('notice_pending')
