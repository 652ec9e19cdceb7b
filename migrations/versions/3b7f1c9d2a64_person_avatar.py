"""a person's photo avatar

Revision ID: 3b7f1c9d2a64
Revises: 4c1d2e3f5a60
Create Date: 2026-12-03 04:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7f1c9d2a64'
down_revision = '4c1d2e3f5a60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('person_avatar',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('image_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['image_id'], ['image.id'], name=op.f('fk_person_avatar_image_id_image'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_avatar_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_person_avatar'))
    )
    with op.batch_alter_table('person_avatar', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_avatar_image_id'), ['image_id'], unique=False)


def downgrade():
    with op.batch_alter_table('person_avatar', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_avatar_image_id'))
    op.drop_table('person_avatar')
