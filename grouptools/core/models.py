"""Tables every widget stands on, and the mixins that give rows a public id and times."""
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from grouptools.core.timeutil import UTCDateTime, utcnow
from grouptools.extensions import db

PUBLIC_ID_LENGTH = 10


def new_public_id():
    """10 URL-safe random characters: what URLs and the API call a row."""
    return secrets.token_urlsafe(8)[:PUBLIC_ID_LENGTH]


def hash_secret(secret):
    """Tokens and sign-in secrets are stored only as their SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


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

