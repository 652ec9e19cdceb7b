"""notice_tally: how many opened and confirmed each revision of a notice, kept by the writes

The notice page and its receipts counted every receipt of the current revision to say
how many opened and confirmed it (linear in the audience: 6.9× and 9.5× slower at
100,000 receipts than at 100). The receipts' writes now add to a row per revision
(grouptools/notice/receipts.py, `tally`); this fills the rows from the receipts there are
(bench/README.md, "Growth from 100 to 100,000 rows").

Revision ID: 5c1e8f3a7b92
Revises: 8d4e2a6c1f57
Create Date: 2026-12-03 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e8f3a7b92'
down_revision = '8d4e2a6c1f57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_tally',
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('opened', sa.Integer(), nullable=False),
    sa.Column('confirmed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['notice.id'], name=op.f('fk_notice_tally_notice_id_notice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('notice_id', 'revision', name=op.f('pk_notice_tally'))
    )
    op.execute(
        "INSERT INTO notice_tally (notice_id, revision, opened, confirmed) "
        "SELECT notice_id, revision, count(*), count(confirmed_at) "
        "FROM notice_receipt GROUP BY notice_id, revision")


def downgrade():
    op.drop_table('notice_tally')
