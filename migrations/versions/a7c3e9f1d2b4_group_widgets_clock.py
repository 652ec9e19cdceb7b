"""the group's widgets' clock: group.widgets_version and group.next_moment

The group page's ETag was worked out from every widget of the group (~24 correlated
subqueries); it is now read off the group's row (core.groupclock). Existing groups get
version 1 and a next moment already past: the first reader of each group's page works
out the real one and stores it, as it does whenever the stored one has passed.

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
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.add_column(sa.Column('widgets_version', sa.Integer(), server_default='1',
                                      nullable=False))
        batch_op.add_column(sa.Column('next_moment', sa.DateTime(timezone=True),
                                      nullable=True))
    # Already past: "work it out at the next read" (core.groupclock.widgets_clock).
    past = datetime(2000, 1, 1, tzinfo=timezone.utc)
    if op.get_bind().dialect.name == 'sqlite':
        past = past.replace(tzinfo=None)  # stored as core.timeutil.UTCDateTime stores it
    group = sa.table('group', sa.column('next_moment', sa.DateTime(timezone=True)))
    op.execute(group.update().values(next_moment=sa.bindparam('past', past)))


def downgrade():
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.drop_column('next_moment')
        batch_op.drop_column('widgets_version')
