"""the group's widgets' clock: group_clock (widgets_version, next_moment)

The group page's ETag was worked out from every widget of the group (~24 correlated
subqueries); it is now read off one row per group (core.groupclock), not the group's own
row (writers that change a widget move it as they commit; one that holds the group's row
first must not wait for them). Existing groups get version 1 and a next moment already
past: the first reader of each group's page works out the real one and stores it, as it
does whenever the stored one has passed.

Revision ID: a7c3e9f1d2b4
Revises: c4e8a1f3b7d2
Create Date: 2026-12-03 22:00:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1d2b4'
down_revision = 'c4e8a1f3b7d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'group_clock',
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('widgets_version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('next_moment', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['group_id'], ['group.id'],
                                name=op.f('fk_group_clock_group_id_group'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('group_id', name=op.f('pk_group_clock')),
    )
    # Already past: "work it out at the next read" (core.groupclock.widgets_clock).
    past = datetime(2000, 1, 1, tzinfo=timezone.utc)
    if op.get_bind().dialect.name == 'sqlite':
        past = past.replace(tzinfo=None)  # stored as core.timeutil.UTCDateTime stores it
    group = sa.table('group', sa.column('id', sa.Integer()))
    clock = sa.table('group_clock', sa.column('group_id', sa.Integer()),
                     sa.column('next_moment', sa.DateTime(timezone=True)))
    op.execute(clock.insert().from_select(
        ['group_id', 'next_moment'],
        sa.select(group.c.id, sa.bindparam('past', past, type_=sa.DateTime(timezone=True)))))


def downgrade():
    op.drop_table('group_clock')
