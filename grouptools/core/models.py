"""Tables every widget stands on, and the mixins that give rows a public id and times."""
import hashlib
import re
import secrets
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from grouptools.core.timeutil import UTCDateTime, utcnow
from grouptools.extensions import db

PUBLIC_ID_LENGTH = 10


PUBLIC_ID_PATTERN = r"[A-Za-z0-9_-]{10}"


def is_public_id(value):
    return isinstance(value, str) and re.fullmatch(PUBLIC_ID_PATTERN, value) is not None


def new_public_id():
    """10 URL-safe random characters: what URLs and the API call a row."""
    return secrets.token_urlsafe(8)[:PUBLIC_ID_LENGTH]


def hash_secret(secret):
    """Tokens and sign-in secrets are stored only as their SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def belongs_to(table, index=False):
    """The foreign key of a row that lives and dies with its `table` row (a poll's
    option, a relay's entry, a member's vote): deleting the owner deletes it, in the
    database, on both SQLite and PostgreSQL."""
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"), nullable=False,
                         index=index)


class PublicIdMixin:
    public_id: Mapped[str] = mapped_column(
        String(PUBLIC_ID_LENGTH), unique=True, nullable=False, default=new_public_id
    )


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )


class Person(PublicIdMixin, TimestampMixin, db.Model):
    """A human: a display name, no password. Known by a cookie or a Bearer token."""

    __tablename__ = "person"

    NAME_MAX = 64

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # Carried in the session cookie; bumping it ends every session of this person.
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    def __repr__(self):
        return f"<Person {self.public_id} {self.name!r}>"



class Group(PublicIdMixin, TimestampMixin, db.Model):
    """A chat group's home here: its widgets, members and how strangers may join."""

    __tablename__ = "group"

    NAME_MAX = 80
    DESCRIPTION_MAX = 2000
    RULES_MAX = 4000
    QUESTION_MAX = 200
    JOIN_POLICIES = ("open", "approval")
    DEFAULT_TIMEZONE = "Asia/Shanghai"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    rules: Mapped[str] = mapped_column(Text, nullable=False, default="")
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default=DEFAULT_TIMEZONE)
    join_policy: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    join_question: Mapped[str | None] = mapped_column(String(QUESTION_MAX))
    members_can_create: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Moved when its settings or its roster change (core.conditional): names, roles and
    # who is a member show on every widget page, so every ETag in the group has it.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    # How many of its memberships are active, kept by every write that makes one active
    # or ends one (core.groups.counting): pages read it instead of counting the roster.
    member_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                              server_default="0")

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint("join_policy IN ('open', 'approval')", name="join_policy"),
    )


class GroupClock(db.Model):
    """The group's widgets' clock (core.groupclock), in a row of its own: moved whenever
    any widget of the group is created, changed or deleted, and the next moment (a
    deadline, an event's start) whose passing changes what its widgets show — no earlier
    moment of theirs is still to come; NULL when none is. What the group page's ETag is
    made of, instead of reading every widget. Not on the group's row: writers that
    change a widget move it last, as they commit, and a writer holding the group's row
    first (a member joining, a notice's audience) must not wait for them in between."""
    __tablename__ = "group_clock"

    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"),
                                          primary_key=True)
    widgets_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1,
                                                 server_default="1")
    next_moment: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Membership(PublicIdMixin, TimestampMixin, db.Model):
    """A person in a group: a role, a status and a nickname. Only active members act."""

    __tablename__ = "membership"

    ROLES = ("owner", "admin", "member")
    MANAGER_ROLES = ("owner", "admin")
    STATUSES = ("pending", "active", "left", "removed")
    NICKNAME_MAX = 64
    ANSWER_MAX = 500

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("group.id", ondelete="CASCADE"), nullable=False, index=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="member")
    # Its old value is kept when it is set (core.groups.counting counts active members).
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active",
                                        active_history=True)
    nickname: Mapped[str | None] = mapped_column(String(NICKNAME_MAX))
    answer: Mapped[str | None] = mapped_column(String(ANSWER_MAX))
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the membership is made and moved by every action (the dashboard's index).
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    # Brought in by importing a group (core.groups.importzip): the member's place, held by
    # a person nobody signed in as yet, until a manager hands it out with a one-time link.
    placeholder: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                              server_default=false())

    group: Mapped[Group] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship()

    __table_args__ = (
        UniqueConstraint("group_id", "person_id"),
        # A group's active members in the order they joined: the first 200 who have not
        # read or voted are found by walking it, not by sorting the whole group (bench/).
        Index("ix_membership_group_id_status_joined_at", "group_id", "status", "joined_at", "id"),
        # The dashboard's quiet members and its roster by last activity, read off an index
        # rather than by sorting the whole group (bench/growth.py). Every membership has
        # `last_active_at` from the moment it is made.
        Index("ix_membership_group_id_status_last_active_at", "group_id", "status",
              "last_active_at", "joined_at", "id"),
        CheckConstraint("role IN ('owner', 'admin', 'member')", name="role"),
        CheckConstraint("status IN ('pending', 'active', 'left', 'removed')", name="status"),
    )

    @property
    def display_name(self):
        return self.nickname or self.person.name

    @property
    def is_active(self):
        return self.status == "active"

    @property
    def is_manager(self):
        return self.is_active and self.role in self.MANAGER_ROLES


class SigninLink(TimestampMixin, db.Model):
    """A one-time link a manager issued for a member who changed phones.

    It names one membership, never a person: opening it moves that membership (in that
    one group) to the device, and nothing else of the person who held it."""

    __tablename__ = "signin_link"

    LIFETIME_DAYS = 7

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), nullable=False, index=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("group.id", ondelete="CASCADE"), nullable=False, index=True
    )
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    membership: Mapped[Membership] = relationship()


class MembershipEvent(db.Model):
    """The group's member history: what happened to a membership that the roster alone
    does not say (so far: it moved to another device), shown to the group's managers."""

    __tablename__ = "membership_event"

    KINDS = ("moved_device",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("group.id", ondelete="CASCADE"), nullable=False, index=True
    )
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(24), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # The manager who issued the link.
    by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # Who held the membership before: they are told where it went on their next visit.
    old_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )

    by: Mapped[Person | None] = relationship(foreign_keys=[by_id])

    __table_args__ = (CheckConstraint("kind IN ('moved_device')", name="kind"),)


class Image(PublicIdMixin, TimestampMixin, db.Model):
    """An uploaded picture, normalised (upright, sRGB, no metadata) with a thumbnail.

    It records who uploaded it and the group it is used in, so deleting the group
    deletes its pictures; pictures with no group (avatars) belong to their uploader."""

    __tablename__ = "image"
    # The clean-up of pictures no widget uses looks for old ones (core.image_cleanup).
    __table_args__ = (Index("ix_image_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("group.id", ondelete="CASCADE"), index=True
    )
    uploader_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True
    )
    mime: Mapped[str] = mapped_column(String(32), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    thumb_mime: Mapped[str] = mapped_column(String(32), nullable=False)
    thumb_width: Mapped[int] = mapped_column(Integer, nullable=False)
    thumb_height: Mapped[int] = mapped_column(Integer, nullable=False)
    thumb_data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    # Content hash: the ETag, and what lets a client skip re-downloading.
    digest: Mapped[str] = mapped_column(String(64), nullable=False)

    group: Mapped[Group | None] = relationship()


class PersonAvatar(db.Model):
    """A person's photo avatar: one picture (an upload with no group, theirs alone)
    shown wherever their initials would be (core.avatars). Deleting the picture
    deletes the row, and the person is back to their initials."""

    __tablename__ = "person_avatar"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    image_id: Mapped[int] = mapped_column(
        ForeignKey("image.id", ondelete="CASCADE"), nullable=False, index=True
    )


# The photo's public id, read with the person in the same statement: pages that list
# hundreds of members draw each avatar without another query.
Person.avatar_image_public_id = column_property(
    select(Image.public_id).join(PersonAvatar, PersonAvatar.image_id == Image.id)
    .where(PersonAvatar.person_id == Person.id).correlate_except(Image, PersonAvatar)
    .scalar_subquery(),
    deferred=False,
)
