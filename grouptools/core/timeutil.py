"""Time as the project keeps it: aware UTC in storage, the group's zone for people."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow():
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores UTC and returns aware UTC datetimes on every database.

    SQLite hands back naive datetimes even for DateTime(timezone=True); comparing
    those with aware ones raises TypeError, so both directions are normalised here."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware datetimes only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def local_time(group, at):
    """`at` in the group's own time zone: what its members mean by "today" and "20:00"."""
    return at.astimezone(ZoneInfo(group.timezone)) if at is not None else None
