"""Time as the project keeps it: aware UTC in storage, the group's zone for people; and
the range of times the app accepts at all."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

# What a person may set (docs/api.md#times): a deadline from yesterday (a poll closed "since
# yesterday" is still an honest deadline) up to five years ahead; other dates and times
# (a habit's start, an event) from 2000 on. Beyond these, a time is a typo or an attack:
# year 9999 shown in a zone east of UTC overflows Python's calendar.
DEADLINE_PAST = timedelta(days=1)
HORIZON = timedelta(days=5 * 365 + 1)
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)


def utcnow():
    return datetime.now(timezone.utc)


def deadline_bounds(now=None):
    """(earliest, latest) instant a deadline may be set to."""
    now = now or utcnow()
    return now - DEADLINE_PAST, now + HORIZON


def schedule_bounds(now=None):
    """(earliest, latest) instant of any other time a person sets (event times)."""
    return EARLIEST, (now or utcnow()) + HORIZON


def schedule_date_bounds(today=None):
    """(earliest, latest) calendar date a person sets (a habit's `starts_on`)."""
    today = today or utcnow().date()
    return EARLIEST.date(), today + HORIZON


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


def group_zone(group):
    """The group's zone; UTC should a stored name ever stop being known to this system."""
    try:
        return ZoneInfo(group.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def local_time(group, at):
    """`at` in the group's own time zone: what its members mean by "today" and "20:00".

    Never fails on a stored value: a time at the edge of the calendar (year 9999 east
    of UTC, year 1 west of it) cannot be shifted into the zone, and is given as stored,
    in UTC — a page shows it rather than answering 500 for everyone."""
    if at is None:
        return None
    try:
        return at.astimezone(group_zone(group))
    except (OverflowError, ValueError):
        return at



def local_today(group, now=None):
    """The calendar date it is in the group's zone at `now` (default: this instant):
    what "today" means for its check-ins, whatever the server's or the client's clock."""
    return local_time(group, now or utcnow()).date()
