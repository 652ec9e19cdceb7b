"""card search grams

The folder's search looks up each card's grams (card/search.py) instead of reading
every card's search text; existing cards get theirs from their stored search texts.

Revision ID: a7c4e2f19b35
Revises: d4e7a1b2c3f5
Create Date: 2026-12-03 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c4e2f19b35'
down_revision = 'd4e7a1b2c3f5'
branch_labels = None
depends_on = None

# As grouptools/card/search.py made them on the day of this migration (a migration
# keeps its own copy: the app's code moves on).
GRAM_LENGTH = 16
BATCH = 500


def _grams_of(text):
    return {word[i:i + GRAM_LENGTH].encode(): None
            for word in text.split() for i in range(len(word))}


def _rows(card_id, folder_id, search_visible, search_all):
    visible = _grams_of(search_visible)
    return [{"card_id": card_id, "folder_id": folder_id, "gram": gram,
             "visible": gram in visible} for gram in _grams_of(search_all)]


def upgrade():
    gram_table = op.create_table('card_search_gram',
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('gram', sa.LargeBinary(length=64), nullable=False),
    sa.Column('folder_id', sa.Integer(), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['card.id'], name=op.f('fk_card_search_gram_card_id_card'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['folder_id'], ['card_folder.id'], name=op.f('fk_card_search_gram_folder_id_card_folder'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('card_id', 'gram', name=op.f('pk_card_search_gram'))
    )
    with op.batch_alter_table('card_search_gram', schema=None) as batch_op:
        batch_op.create_index('ix_card_search_gram_folder_id_gram', ['folder_id', 'gram', 'visible', 'card_id'], unique=False)

    card = sa.table('card', sa.column('id', sa.Integer()), sa.column('folder_id', sa.Integer()),
                    sa.column('search_visible', sa.Text()), sa.column('search_all', sa.Text()))
    connection = op.get_bind()
    last_id = 0
    while True:
        cards = connection.execute(
            sa.select(card.c.id, card.c.folder_id, card.c.search_visible, card.c.search_all)
            .where(card.c.id > last_id).order_by(card.c.id).limit(BATCH)).all()
        if not cards:
            break
        rows = [row for c in cards for row in _rows(c.id, c.folder_id, c.search_visible,
                                                      c.search_all)]
        if rows:
            connection.execute(gram_table.insert(), rows)
        last_id = cards[-1].id


def downgrade():
    with op.batch_alter_table('card_search_gram', schema=None) as batch_op:
        batch_op.drop_index('ix_card_search_gram_folder_id_gram')
    op.drop_table('card_search_gram')
