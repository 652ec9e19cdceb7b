"""The tables of member cards (群名片): one card folder per group, holding the group's
card settings, and one card per member in it.

A folder is the group's card widget (core.widgetbase.WidgetMixin): its settings say which
fields a card has, which are required or private, how a display name is built and who
may open the folder. A card is a member's item in it (core.widgetbase.OwnedItem): its
owner and the folder's managers may change it.

What the folder's list and search read is kept on the card row (`complete`, `missing`,
`search_visible`, `search_all`), recomputed whenever the card or the settings change,
so listing a 2,000-member folder reads one indexed table; searching it reads the
card's search grams (`CardSearchGram`, card/search.py) for the matches alone."""
from sqlalchemy import (JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grouptools.core.models import Membership, PublicIdMixin, TimestampMixin, belongs_to
from grouptools.core.widgetbase import OwnedItem, WidgetMixin
from grouptools.extensions import db

FIELD_TYPES = ("text", "phone", "email", "url", "choice")
VISIBILITIES = ("members", "managers")


class CardFolder(WidgetMixin, db.Model):
    """A group's member cards and their settings; one per group."""

    __tablename__ = "card_folder"

    TITLE_MAX = 200
    DESCRIPTION_MAX = 2000
    FIELDS_MAX = 20
    FORMAT_MAX = 100

    # [{key, label, type, required, private, pattern, hint, choices}] in their order.
    fields: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    display_name_format: Mapped[str] = mapped_column(String(FORMAT_MAX), nullable=False,
                                                     default="")
    folder_visibility: Mapped[str] = mapped_column(String(16), nullable=False,
                                                   default="members")
    # Its cards and, of them, the complete ones, kept by every write of a card
    # (card/counting.py): the folder's total and the group page's line read them and
    # take off the few cards of members who have gone, instead of counting the folder.
    card_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                            server_default="0")
    complete_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                                server_default="0")

    __table_args__ = (UniqueConstraint("group_id"),)


class Card(PublicIdMixin, TimestampMixin, OwnedItem, db.Model):
    """A member's card in their group's folder; one per (folder, member)."""

    __tablename__ = "card"

    VALUE_MAX = 200
    INTRO_MAX = 1000

    id: Mapped[int] = mapped_column(primary_key=True)
    folder_id: Mapped[int] = belongs_to("card_folder", index=True)
    owner_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), nullable=False, index=True)
    values: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    display_name: Mapped[str] = mapped_column(String(Membership.NICKNAME_MAX), nullable=False,
                                              default="")
    # Shown at /c/<cid> to anyone, its non-private values only: the owner's choice.
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Its old value is kept when it is set (card/counting.py).
    complete: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                           active_history=True)
    missing: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # Lower-cased values for the folder's search: members search what they may see.
    search_visible: Mapped[str] = mapped_column(Text, nullable=False, default="")
    search_all: Mapped[str] = mapped_column(Text, nullable=False, default="")

    folder: Mapped[CardFolder] = relationship()
    owner: Mapped[Membership] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("folder_id", "owner_membership_id"),
        # The folder's list is read in display-name order, a page at a time.
        Index("ix_card_folder_id_display_name", "folder_id", "display_name", "id"),
        # The group page's count of complete cards, read off this index alone.
        Index("ix_card_folder_id_complete", "folder_id", "complete", "owner_membership_id"),
    )

    @property
    def widget(self):
        return self.folder


class CardSearchGram(db.Model):
    """What the folder's search looks up, kept beside each card (card/search.py): for
    every position of every word of the card's search text, the next `GRAM_LENGTH`
    characters, lower-cased and UTF-8 encoded. A query word is in the card's text
    exactly when some gram starts with it, which one range of the (folder, gram) index
    answers; bytes, so that the range is a byte range on both databases whatever their
    collation. `visible`: the gram is in what members may search (no private field)."""

    __tablename__ = "card_search_gram"

    GRAM_LENGTH = 16  # characters; 4 UTF-8 bytes each at most

    card_id: Mapped[int] = mapped_column(ForeignKey("card.id", ondelete="CASCADE"),
                                         primary_key=True)
    gram: Mapped[bytes] = mapped_column(LargeBinary(4 * GRAM_LENGTH), primary_key=True)
    folder_id: Mapped[int] = mapped_column(ForeignKey("card_folder.id", ondelete="CASCADE"),
                                           nullable=False)
    visible: Mapped[bool] = mapped_column(Boolean, nullable=False)

    __table_args__ = (
        Index("ix_card_search_gram_folder_id_gram", "folder_id", "gram", "visible", "card_id"),
    )
