"""event sign-ins

Event sign-ins (活动签到): the event with its times and the secret its rotating codes
are derived from (codes are never stored), the members chosen for its roster, and one
sign-in per (event, member), its primary key.

Revision ID: 5f379d3da920
Revises: c98da1568d66
Create Date: 2026-12-02 17:32:52.791873

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5f379d3da920'
down_revision = 'c98da1568d66'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event',
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('late_after', sa.DateTime(timezone=True), nullable=True),
    sa.Column('roster', sa.String(length=8), nullable=False),
    sa.Column('code_secret', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('public_id', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("roster IN ('group', 'chosen')", name=op.f('ck_event_roster')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_event_window')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_event_created_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], name=op.f('fk_event_group_id_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
    sa.UniqueConstraint('public_id', name=op.f('uq_event_public_id'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_group_id'), ['group_id'], unique=False)

    op.create_table('event_roster',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_roster_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_event_roster_membership_id_membership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'membership_id', name=op.f('pk_event_roster')),
    info={'not_activity': True}
    )
    with op.batch_alter_table('event_roster', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_roster_membership_id'), ['membership_id'], unique=False)

    op.create_table('event_signin',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('signed_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_signin_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_event_signin_membership_id_membership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'membership_id', name=op.f('pk_event_signin'))
    )
    with op.batch_alter_table('event_signin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_signin_membership_id'), ['membership_id'], unique=False)



def downgrade():
    with op.batch_alter_table('event_signin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_signin_membership_id'))

    op.drop_table('event_signin')
    with op.batch_alter_table('event_roster', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_roster_membership_id'))

    op.drop_table('event_roster')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_group_id'))
        batch_op.drop_index(batch_op.f('ix_event_created_by_id'))

    op.drop_table('event')
