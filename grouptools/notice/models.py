"""The tables of notices (群通知): the notice, its pictures, the members it is addressed
to, its earlier revisions, and who has read and confirmed which revision.

The text members read is `body`, not the kit's `description`: a widget's description is
what strangers see on its public card, and a notice's text (times, places, phone
numbers) is for its audience only. `description` stays empty, so the card shows the title.

A notice's `deadline` closes nothing (`DEADLINE_CLOSES`): it is when confirmations are
due. A member may still confirm after it; their receipt is then late."""
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    exists,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grouptools.core.models import Image, Membership
from grouptools.core.timeutil import UTCDateTime, utcnow
from grouptools.core.widgetbase import WidgetMixin
from grouptools.extensions import db


class Notice(WidgetMixin, db.Model):
    """An announcement to the group or to chosen members, confirmed revision by revision."""

    __tablename__ = "notice"

    TITLE_MAX = 200
    BODY_MAX = 5000
    IMAGES_MAX = 9
    AUDIENCES = ("all", "chosen")
    DEADLINE_CLOSES = False

    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    require_confirmation: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    pinned: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    audience: Mapped[str] = mapped_column(String(8), nullable=False, default="all")
    # Receipts belong to a revision: a new one asks everyone to confirm again.
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # When the current revision was published (a correction keeps it).
    revised_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    # Read when something shows them, not with every load: an unchanged notice's 304 and
    # a confirmation show no picture (docs/architecture.md#speed).
    images: Mapped[list["NoticeImage"]] = relationship(
        order_by="NoticeImage.position", cascade="all, delete-orphan", passive_deletes=True,
    )

    __table_args__ = (
        CheckConstraint("audience IN ('all', 'chosen')", name="audience"),
        CheckConstraint("revision >= 1", name="revision"),
    )

    @classmethod
    def addressed_to_clause(cls, membership_id):
        """`addressed_to` as SQL: everyone, or a chosen member."""
        chosen = exists().where(NoticeAudience.notice_id == cls.id,
                                NoticeAudience.membership_id == membership_id)
        return or_(cls.audience == "all", chosen)

    def addressed_to(self, membership):
        """core.access asks it: a member outside a chosen audience sees no such notice."""
        if self.audience == "all":
            return True
        return db.session.scalar(select(exists().where(
            NoticeAudience.notice_id == self.id, NoticeAudience.membership_id == membership.id)))

    def audience_members(self, *columns):
        """SELECT `columns` over the current audience: the group's active members (those
        who joined later included), or the chosen ones still active."""
        query = select(*columns).select_from(Membership).where(
            Membership.group_id == self.group_id, Membership.status == "active")
        if self.audience == "chosen":
            query = query.where(exists().where(NoticeAudience.notice_id == self.id,
                                               NoticeAudience.membership_id == Membership.id))
        return query


class NoticeImage(db.Model):
    """A picture of a notice, in the order it was given (at most Notice.IMAGES_MAX)."""

    __tablename__ = "notice_image"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notice.id", ondelete="CASCADE"), nullable=False
    )
    image_id: Mapped[int] = mapped_column(
        ForeignKey("image.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)

    image: Mapped[Image] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("notice_id", "position"),
        UniqueConstraint("notice_id", "image_id"),
    )


class NoticeAudience(db.Model):
    """A member a notice with a chosen audience is addressed to. Being chosen is not
    something the member did: moving their membership to another device ignores it."""

    __tablename__ = "notice_audience"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notice.id", ondelete="CASCADE"), primary_key=True
    )
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    __table_args__ = {"info": {"not_activity": True}}


class NoticeRevision(db.Model):
    """An earlier revision's text, kept when a new revision replaced it (history; the
    current revision's text is the notice's own)."""

    __tablename__ = "notice_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notice.id", ondelete="CASCADE"), nullable=False
    )
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(Notice.TITLE_MAX), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (UniqueConstraint("notice_id", "revision"),)


class NoticeReceipt(db.Model):
    """That a member opened one revision of a notice, and when they confirmed it.
    One per (notice, member, revision): the database keeps "once", not Python. Rows of
    members who left stay as history; counts only ever read the current audience."""

    __tablename__ = "notice_receipt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notice.id", ondelete="CASCADE"), nullable=False
    )
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), nullable=False, index=True
    )
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("notice_id", "membership_id", "revision"),
        # One revision's receipts in the order managers see them, so each page of
        # each list is read off an index and counting reads nothing else: who confirmed
        # by time of confirming; who only opened it by time of opening (a partial index:
        # PostgreSQL orders by a column after "IS NULL" only as a sort).
        Index("ix_notice_receipt_notice_id_revision_confirmed_at", "notice_id", "revision",
              "confirmed_at", "membership_id"),
        Index("ix_notice_receipt_opened", "notice_id", "revision", "viewed_at",
              "membership_id", sqlite_where=text("confirmed_at IS NULL"),
              postgresql_where=text("confirmed_at IS NULL")),
    )


class NoticeTally(db.Model):
    """How many receipts one revision of a notice has: opened (those who confirmed
    included) and confirmed, kept by the statements that insert or confirm a receipt, in
    their transaction (receipts.tally), so the counts a manager sees are read off one row
    instead of counting every receipt (bench/README.md, "Growth from 100 to 100,000
    rows"). Like the receipts it counts every member's, those who left included; the
    counts take away the receipts of the few members who are not active."""

    __tablename__ = "notice_tally"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notice.id", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    opened: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    confirmed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class NoticePending(db.Model):
    """A member of a notice's current audience who has not confirmed its current
    revision, and whether they opened it: the managers' lists of who has not opened it
    and who to remind are a page of this table's index, whatever the size of the group
    and however many opened it (bench/README.md, "Growth from 100 to 100,000 rows").

    Kept in the writers' transactions (grouptools/notice/pending.py): filled for the
    audience at publishing, at a new revision and when the chosen audience changes; a
    row added or taken away as a membership becomes active or stops being so (the kit's
    core.groups.counting.watch_active_members); `opened` set at the first opening of the
    revision; the row deleted at the confirmation. `joined_at` is the member's, copied so
    the lists keep their order (the order they joined) off the index."""

    __tablename__ = "notice_pending"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notice.id", ondelete="CASCADE"), primary_key=True
    )
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    opened: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # Who has not opened it, and who has not confirmed it, each in joining order.
        Index("ix_notice_pending_unopened", "notice_id", "revision", "opened", "joined_at",
              "membership_id"),
        Index("ix_notice_pending_unconfirmed", "notice_id", "revision", "joined_at",
              "membership_id"),
        # Bookkeeping, not something the member did (core.groups.moves.has_activity).
        {"info": {"not_activity": True}},
    )
