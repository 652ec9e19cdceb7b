"""The tables of relays (群接龙): the relay and its reply format, its slots, the entries
with their places, and the change log everyone reads.

A relay's (and a slot's) `taken` counts the confirmed places, guests included; it only
ever moves through conditional UPDATEs (service/places.py) and a CHECK keeps it within
`capacity`, so no race can over-fill a list."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grouptools.core.models import Membership, PublicIdMixin, TimestampMixin, belongs_to
from grouptools.core.widgetbase import OwnedItem, WidgetMixin, WidgetPart
from grouptools.core.timeutil import UTCDateTime, utcnow
from grouptools.extensions import db

ACTIVE_STATUSES = ("confirmed", "waitlisted")
ENTRY_STATUSES = ("confirmed", "waitlisted", "withdrawn", "removed")
FIELD_TYPES = ("text", "number", "phone", "email", "choice", "date")


class Relay(WidgetMixin, db.Model):
    """A sign-up list: what each reply must contain, how many places, who waits (the
    columns every widget has: core.widgetbase)."""

    __tablename__ = "relay"

    TITLE_MAX = 200
    DESCRIPTION_MAX = 4000
    PLACE_MAX = 200
    CAPACITY_MAX = 100_000
    GUESTS_MAX = 20
    PER_MEMBER_MAX = 50
    FIELDS_MAX = 20
    SLOTS_MAX = 50
    # Reopening clears the manual close only: a list past its deadline stays closed.
    REOPEN_DROPS_PAST_DEADLINE = False

    # When and where it happens (optional): shown on the page, the poster, the tickets and
    # the chat text.
    # The page says whether it has begun (core.conditional's ETags).
    CLOCK_MOMENTS = ("deadline", "starts_at")
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(PLACE_MAX), nullable=False, default="",
                                       server_default="")
    # None: no limit. With slots, each slot has its own capacity and this stays None.
    capacity: Mapped[int | None] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    waitlist: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    guests_max: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    per_member_max: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    # Handed out under the relay's row lock: the order of confirmations and of the
    # waitlist, which numbers and waitlist positions are counted from.
    seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    fields: Mapped[list["RelayField"]] = relationship(
        back_populates="relay", order_by="RelayField.position",
        cascade="all, delete-orphan", passive_deletes=True,
    )
    slots: Mapped[list["RelaySlot"]] = relationship(
        back_populates="relay", order_by="RelaySlot.position",
        cascade="all, delete-orphan", passive_deletes=True,
    )

    __table_args__ = (
        CheckConstraint("taken >= 0", name="taken"),
        CheckConstraint("capacity IS NULL OR taken <= capacity", name="within_capacity"),
        CheckConstraint("guests_max >= 0", name="guests_max"),
        CheckConstraint("per_member_max >= 1", name="per_member_max"),
    )


class RelayField(WidgetPart, db.Model):
    """One part of the reply format: "手机号, a phone number, only organisers see it"."""

    __tablename__ = "relay_field"

    KEY_MAX = 32
    LABEL_MAX = 60
    HINT_MAX = 100
    PATTERN_MAX = 100
    CHOICES_MAX = 50
    CHOICE_MAX = 100

    relay_id: Mapped[int] = belongs_to("relay", index=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX), nullable=False)
    label: Mapped[str] = mapped_column(String(LABEL_MAX), nullable=False)
    type: Mapped[str] = mapped_column(String(16), nullable=False, default="text")
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    pattern: Mapped[str | None] = mapped_column(String(PATTERN_MAX))
    hint: Mapped[str] = mapped_column(String(HINT_MAX), nullable=False, default="")
    choices: Mapped[list | None] = mapped_column(JSON)
    private: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    relay: Mapped[Relay] = relationship(back_populates="fields")

    __table_args__ = (
        UniqueConstraint("relay_id", "key"),
        CheckConstraint("type IN ('text', 'number', 'phone', 'email', 'choice', 'date')",
                        name="type"),
    )


class RelaySlot(WidgetPart, PublicIdMixin, db.Model):
    """A time slot or an item to claim, with its own capacity, numbering and waitlist."""

    __tablename__ = "relay_slot"

    LABEL_MAX = 60

    relay_id: Mapped[int] = belongs_to("relay", index=True)
    label: Mapped[str] = mapped_column(String(LABEL_MAX), nullable=False)
    capacity: Mapped[int | None] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    relay: Mapped[Relay] = relationship(back_populates="slots")

    __table_args__ = (
        CheckConstraint("taken >= 0", name="taken"),
        CheckConstraint("capacity IS NULL OR taken <= capacity", name="within_capacity"),
    )


class RelayEntry(OwnedItem, PublicIdMixin, TimestampMixin, db.Model):
    """One reply: a party (the entrant and `guests` more) holding one number, or waiting.

    `membership` is whose entry it is: the member who signed up, or the organiser who
    added it for someone who replied in the chat (`for_name`) or imported it."""

    __tablename__ = "relay_entry"

    FOR_NAME_MAX = 64
    TICKET_SECRET_MAX = 32

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relay_id: Mapped[int] = belongs_to("relay")
    slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("relay_slot.id", ondelete="CASCADE"), index=True
    )
    membership_id: Mapped[int] = belongs_to("membership", index=True)
    for_name: Mapped[str | None] = mapped_column(String(FOR_NAME_MAX))
    values: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    guests: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    confirmed_seq: Mapped[int | None] = mapped_column(Integer)
    waitlist_seq: Mapped[int | None] = mapped_column(Integer)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The ticket's address: its own secret, so knowing an entry's id is not enough.
    ticket_secret: Mapped[str] = mapped_column(String(TICKET_SECRET_MAX), unique=True,
                                               nullable=False)

    relay: Mapped[Relay] = relationship()
    slot: Mapped[RelaySlot | None] = relationship()
    membership: Mapped[Membership] = relationship()

    __table_args__ = (
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'withdrawn', 'removed')",
                        name="status"),
        CheckConstraint("guests >= 0", name="guests"),
        CheckConstraint("status <> 'confirmed' OR confirmed_seq IS NOT NULL", name="numbered"),
        CheckConstraint("status <> 'waitlisted' OR waitlist_seq IS NOT NULL", name="queued"),
        UniqueConstraint("relay_id", "confirmed_seq"),
        UniqueConstraint("relay_id", "waitlist_seq"),
        Index("ix_relay_entry_relay_id_status", "relay_id", "status"),
        # A member's own entries on a relay (the places they hold), whatever its size.
        Index("ix_relay_entry_relay_id_membership_id", "relay_id", "membership_id"),
    )

    OWNER_REFUSAL = _l("Only the person who signed up and the organisers may change "
                       "this entry.")

    @property
    def widget(self):
        return self.relay

    @property
    def owner_membership_id(self):
        """The entrant's membership; none for an entry an organiser added for someone
        who replied in the chat (it is theirs to hold, not the organiser's own)."""
        return self.membership_id if self.for_name is None else None

    @property
    def name(self):
        return self.for_name or self.membership.display_name

    @property
    def places(self):
        return 1 + self.guests

    @property
    def is_active(self):
        return self.status in ACTIVE_STATUSES


class RelayLog(db.Model):
    """One line of the change log. Stored as a kind and numbers, written out in the
    reader's language when shown; it never holds a field's value."""

    __tablename__ = "relay_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relay_id: Mapped[int] = belongs_to("relay")
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("relay_entry.id", ondelete="SET NULL"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    params: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    entry: Mapped[RelayEntry | None] = relationship()

    __table_args__ = (Index("ix_relay_log_relay_id_id", "relay_id", "id"),)
