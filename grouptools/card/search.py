"""The folder's search: each card's search grams, kept when the card or the settings
change, and the condition that finds the cards holding every word of a query.

A query finds a card when each of its words (split at spaces, lower-cased, at most five)
is part of the card's search text — of what the reader may search: members the display
name and the non-private values, managers every value (settings.search_texts). A word
holds no space, so it lies inside one word of the text; and it is part of that word
exactly when some position of the word starts with it. So each card keeps, for every
position of every word of its text, the next GRAM_LENGTH characters (models.CardSearchGram),
and a query word is one range of the (folder, gram) index: the grams that start with it.
Searching reads the cards that match, not the folder (bench/card_folder.py): "上", "ohn"
and "星辰科技" are found as `LIKE '%…%'` found them. A word longer than a gram is looked
up by its first GRAM_LENGTH characters and then checked against those cards' texts."""
from sqlalchemy import bindparam, delete, insert, select

from grouptools.card.models import Card, CardSearchGram
from grouptools.extensions import db

GRAM_LENGTH = CardSearchGram.GRAM_LENGTH
WORDS_MAX = 5
BATCH = 500  # card ids per DELETE … IN
# Above every byte of UTF-8: `gram < prefix + AFTER` keeps exactly the grams that start
# with `prefix`, compared byte by byte as both databases compare binary values.
AFTER = b"\xff"


def grams_of(text):
    """{gram: None} of every position of every word of `text` (a search text)."""
    return {word[i:i + GRAM_LENGTH].encode(): None
            for word in text.split() for i in range(len(word))}


def card_grams(search_visible, search_all):
    """{gram: visible} of a card: every gram of what managers search, marked whether
    members may search it too."""
    visible = grams_of(search_visible)
    return {gram: gram in visible for gram in grams_of(search_all)}


def gram_rows(card_id, folder_id, search_visible, search_all):
    return [{"card_id": card_id, "folder_id": folder_id, "gram": gram, "visible": shown}
            for gram, shown in card_grams(search_visible, search_all).items()]


def search_texts_of(card):
    return card.search_visible, card.search_all


def keep_grams(cards_and_texts_before):
    """Write again the grams of each card whose search texts changed (its values, the
    fields' privacy or the display name), given [(card, search_texts_of(card) before)]:
    a settings change that leaves a card's texts as they were writes nothing for it,
    and one that changes 2,000 cards writes their grams in a handful of statements."""
    changed = [card for card, before in cards_and_texts_before
               if card.id is None or search_texts_of(card) != before]
    if not changed:
        return
    db.session.flush()  # new cards get their ids
    ids = [card.id for card in changed]
    for start in range(0, len(ids), BATCH):
        db.session.execute(delete(CardSearchGram)
                           .where(CardSearchGram.card_id.in_(ids[start:start + BATCH])))
    rows = [row for card in changed
            for row in gram_rows(card.id, card.folder_id, *search_texts_of(card))]
    if rows:  # the table's own INSERT, as one executemany: no ORM bookkeeping per row
        db.session.execute(insert(CardSearchGram.__table__), rows)


def query_words(query):
    return query.lower().split()[:WORDS_MAX]


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def holding_every_word(folder, words, manager):
    """The condition on Card for the cards of `folder` that hold every word, among what
    a manager (or a member) may search."""
    conditions = []
    for word in words:
        start = word[:GRAM_LENGTH].encode()
        grams = select(CardSearchGram.card_id).where(
            CardSearchGram.folder_id == folder.id, CardSearchGram.gram >= start,
            CardSearchGram.gram < start + AFTER)
        if not manager:
            grams = grams.where(CardSearchGram.visible.is_(True))
        conditions.append(Card.id.in_(grams))
        if len(word) > GRAM_LENGTH:  # the grams found the cards it may be in; check them
            column = Card.search_all if manager else Card.search_visible
            conditions.append(column.like(f"%{_escape_like(word)}%", escape="\\"))
    return conditions


def search_shape(words, manager):
    """What the statement of a search depends on beyond its values: who searches, and
    which words are longer than a gram (checked against the texts too)."""
    return manager, tuple(len(word) > GRAM_LENGTH for word in words)


def holding_every_word_with_parameters(folder_id, shape):
    """`holding_every_word` for any query of this `search_shape`, its words as parameters
    (`word_parameters`), so the statement is built once per shape (bench/inprocess.py)."""
    manager, longer = shape
    conditions = []
    for n, long_word in enumerate(longer):
        grams = select(CardSearchGram.card_id).where(
            CardSearchGram.folder_id == folder_id,
            CardSearchGram.gram >= bindparam(f"word{n}_from"),
            CardSearchGram.gram < bindparam(f"word{n}_to"))
        if not manager:
            grams = grams.where(CardSearchGram.visible.is_(True))
        conditions.append(Card.id.in_(grams))
        if long_word:
            column = Card.search_all if manager else Card.search_visible
            conditions.append(column.like(bindparam(f"word{n}_like"), escape="\\"))
    return conditions


def word_parameters(words):
    values = {}
    for n, word in enumerate(words):
        start = word[:GRAM_LENGTH].encode()
        values[f"word{n}_from"], values[f"word{n}_to"] = start, start + AFTER
        if len(word) > GRAM_LENGTH:
            values[f"word{n}_like"] = f"%{_escape_like(word)}%"
    return values
