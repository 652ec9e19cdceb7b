"""a manager's one-time link names a membership, not a person; member history

Revision ID: 5e1f0a7c3b21
Revises: c08d9422a54d
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0a7c3b21'
down_revision = 'c08d9422a54d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('membership_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('old_person_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('moved_device')", name=op.f('ck_membership_event_kind')),
    sa.ForeignKeyConstraint(['by_id'], ['person.id'], name=op.f('fk_membership_event_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], name=op.f('fk_membership_event_group_id_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_membership_event_membership_id_membership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['old_person_id'], ['person.id'], name=op.f('fk_membership_event_old_person_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_event'))
    )
    with op.batch_alter_table('membership_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_event_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_event_membership_id'), ['membership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_event_old_person_id'), ['old_person_id'], unique=False)

    with op.batch_alter_table('signin_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('membership_id', sa.Integer(), nullable=True))
    # A link issued before this version named the person; it now names their membership
    # in the link's group. A link whose member is no longer in the group could move nothing.
    op.execute(
        'UPDATE signin_link SET membership_id = (SELECT membership.id FROM membership '
        'WHERE membership.group_id = signin_link.group_id '
        'AND membership.person_id = signin_link.person_id)'
    )
    op.execute('DELETE FROM signin_link WHERE membership_id IS NULL')
    with op.batch_alter_table('signin_link', schema=None) as batch_op:
        batch_op.alter_column('membership_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index(batch_op.f('ix_signin_link_person_id'))
        batch_op.drop_constraint(batch_op.f('fk_signin_link_person_id_person'), type_='foreignkey')
        batch_op.drop_column('person_id')
        batch_op.create_index(batch_op.f('ix_signin_link_membership_id'), ['membership_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_signin_link_membership_id_membership'), 'membership', ['membership_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('signin_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
    op.execute(
        'UPDATE signin_link SET person_id = (SELECT membership.person_id FROM membership '
        'WHERE membership.id = signin_link.membership_id)'
    )
    with op.batch_alter_table('signin_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_signin_link_membership_id_membership'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_signin_link_membership_id'))
        batch_op.drop_column('membership_id')
        batch_op.alter_column('person_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_signin_link_person_id'), ['person_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_signin_link_person_id_person'), 'person', ['person_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('membership_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_event_old_person_id'))
        batch_op.drop_index(batch_op.f('ix_membership_event_membership_id'))
        batch_op.drop_index(batch_op.f('ix_membership_event_group_id'))

    op.drop_table('membership_event')
