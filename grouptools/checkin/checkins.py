"""Checking in, making up a missed day (补卡) and undoing a check-in.

A check-in is for a day in the group's zone: today, or a past day within the habit's
make-up rules. "One a day" is the database's unique key: the check-in goes in with
ON CONFLICT DO NOTHING (core.database.insert_unless_present) under a lock on the
member's HabitMember row, so a double tap — even through two servers at once — makes
one check-in and the second tap answers it (200), and a member's figures and make-up
count are written by one request after another."""
from dataclasses import dataclass, field
from babel.dates import format_skeleton
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from grouptools.checkin.models import Achievement, Checkin, CheckinImage, HabitMember
from grouptools.checkin.service import makeups_in_month
from grouptools.checkin.streaks import on_weekday, refresh_member
from grouptools.core.access import Action, authorize, can
from grouptools.core.closing import WidgetClosed
from grouptools.core.database import (before_the_write, commit_or_conflict, insert_unless_present,
                                      unit_of_work)
from grouptools.core.errors import Conflict, Invalid, NotAllowed, NotFound
from grouptools.core.groups.service import record_activity
from grouptools.core.i18n import current_locale, gettext
from grouptools.core.models import Image, new_public_id
from grouptools.core.timeutil import local_time, local_today, utcnow
from grouptools.core.uploads import group_images
from grouptools.extensions import db


class DayRefused(Conflict):
    """409: this day cannot be checked in; the message says why."""


@dataclass
class CheckedIn:
    checkin: Checkin
    created: bool  # False: the day was checked in already, this is that check-in
    achievements: list = field(default_factory=list)  # earned by this check-in


def weekday_names(habit):
    """"Mon, Wed, Fri" in the reader's language."""
    locale = current_locale()
    names = locale.days["format"]["abbreviated"]
    return ", ".join(str(names[day - 1]) for day in habit.weekdays)


def weekday_choices():
    """[(1, "Monday"), …] in the reader's language, for the create form."""
    names = current_locale().days["format"]["wide"]
    return [(day, str(names[day - 1])) for day in range(1, 8)]


def _clock(at):
    return at.strftime("%H:%M")


def window_text(habit):
    return gettext("%(start)s–%(end)s", start=_clock(habit.window_start),
                   end=_clock(habit.window_end))


def joined_on(membership):
    """The member's first day: the local date they joined (their own days start there)."""
    if membership.joined_at is None:
        return None
    return local_today(membership.group, membership.joined_at)


def day_refusal(habit, membership, day, today, now):
    """Why `day` cannot be checked in by the member (a DayRefused), or None."""
    if habit.starts_on is not None and day < habit.starts_on:
        return DayRefused(_l("This habit starts on %(date)s.", date=format_date(habit.starts_on)))
    if habit.ends_on is not None and day > habit.ends_on:
        return DayRefused(_l("This habit ended on %(date)s.", date=format_date(habit.ends_on)))
    joined = joined_on(membership)
    if joined is not None and day < joined:
        return DayRefused(_l("You joined the group on %(date)s: days before that cannot be "
                             "checked in.", date=format_date(joined)))
    if not on_weekday(habit, day):
        return DayRefused(_l("%(date)s is not a check-in day: this habit runs on %(days)s.",
                             date=format_date(day), days=weekday_names(habit)))
    if day == today:
        return _window_refusal(habit, local_time(habit.group, now))
    return _makeup_refusal(habit, membership, day, today)


def _window_refusal(habit, local_now):
    """Check-ins are taken from window_start (inclusive) to window_end (exclusive)."""
    if habit.window_start is None:
        return None
    moment = local_now.time().replace(tzinfo=None)
    if habit.window_start <= moment < habit.window_end:
        return None
    return DayRefused(_l("Check-ins are open from %(window)s (time in %(zone)s).",
                         window=window_text(habit), zone=habit.group.timezone))


def _makeup_refusal(habit, membership, day, today):
    back = (today - day).days
    if back > habit.makeup_days_back:
        if habit.makeup_days_back == 0:
            return DayRefused(_l("This habit takes no make-ups: only today can be checked in."))
        return DayRefused(_l("A missed day can be made up within %(count)d days; %(date)s is "
                             "too long ago.", count=habit.makeup_days_back,
                             date=format_date(day)))
    if makeups_in_month(habit, membership.id, day) >= habit.makeups_per_month:
        month = format_skeleton("yMMMM", day, locale=current_locale())
        return DayRefused(_l("No make-ups left for %(month)s (%(count)d a month).",
                             month=month, count=habit.makeups_per_month))
    return None


def proof_errors(habit, text, image_ids):
    """{field: [message]} for the proof the habit asks for and the check-in lacks."""
    errors = {}
    if habit.needs_text and not text:
        errors["text"] = [str(_l("This habit asks for a few words with each check-in."))]
    if habit.needs_photo and not image_ids:
        errors["image_ids"] = [str(_l("This habit asks for a photo with each check-in."))]
    return errors


def lock_member(habit, membership_id):
    """The member's HabitMember row, made if missing and locked until the transaction
    ends: their check-ins, make-ups and deletions go one after another. One statement:
    an upsert whose update (of nothing) locks the row that is there on PostgreSQL; on
    SQLite the write transaction holds the database already (core.database)."""
    upsert = (postgresql_insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite_insert)
    statement = upsert(HabitMember).values(habit_id=habit.id, membership_id=membership_id,
                                          total_days=0, streak=0, longest_streak=0)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["habit_id", "membership_id"],
        set_={"total_days": HabitMember.total_days}))


# A check-in with its pictures (never their bytes), read in one statement.
WITH_PICTURES = joinedload(Checkin.images).joinedload(CheckinImage.image).defer(
    Image.data).defer(Image.thumb_data)


def _checkin_of(habit, membership_id, day):
    return db.session.scalars(select(Checkin).options(WITH_PICTURES).where(
        Checkin.habit_id == habit.id, Checkin.membership_id == membership_id,
        Checkin.day == day).execution_options(populate_existing=True)).unique().first()


def check_in(person, habit, *, text="", image_ids=None, date=None, now=None):
    """Check the member in for `date` (default: today in the group's zone). The same day
    again answers the check-in already there (created False), whatever was sent.

    :raise Invalid (422): a day still to come; the proof the habit asks is missing
    :raise DayRefused (409): before the start, after the end, before joining, not a
        check-in weekday, outside the window (today), beyond the make-up rules (a past day)
    :raise WidgetClosed (409): the habit is closed"""
    membership = authorize(person, Action.ACT, habit)
    now = now or utcnow()
    today = local_today(habit.group, now)
    day = date or today
    text = (text or "").strip()
    if day > today:
        raise Invalid({"date": [str(_l("That day has not come yet."))]})
    # A second tap (the common case in a busy chat) is answered from one read, without
    # locking or writing anything (nor, on SQLite, taking the writer's turn); a first goes
    # on under the member's lock and looks again.
    with before_the_write():
        existing = _checkin_of(habit, membership.id, day)
    if existing is not None:
        return CheckedIn(existing, created=False)
    with unit_of_work():
        lock_member(habit, membership.id)
        existing = _checkin_of(habit, membership.id, day)
        if existing is not None:
            db.session.commit()
            return CheckedIn(existing, created=False)
        if habit.is_closed(now):
            raise WidgetClosed(habit)
        refusal = day_refusal(habit, membership, day, today, now)
        if refusal is not None:
            raise refusal
        errors = proof_errors(habit, text, image_ids)
        if errors:
            raise Invalid(errors)
        if len(set(image_ids or ())) != len(image_ids or ()):
            raise Invalid({"image_ids": [str(_l("Each picture only once."))]})
        images = group_images(habit.group, image_ids or [])
        inserted = insert_unless_present(
            Checkin, public_id=new_public_id(), habit_id=habit.id, membership_id=membership.id,
            day=day, makeup=day < today, text=text, created_at=now)
        checkin = _checkin_of(habit, membership.id, day)
        if not inserted:  # another request of the member's got there first
            db.session.commit()
            return CheckedIn(checkin, created=False)
        db.session.add_all(CheckinImage(checkin_id=checkin.id, image_id=image.id, position=i)
                           for i, image in enumerate(images))
        worked_out = refresh_member(habit, membership.id)
        earned = award_milestones(habit, membership.id, worked_out.total_days, today)
        record_activity(membership)
    commit_or_conflict()
    return CheckedIn(checkin, created=True, achievements=earned)


def award_milestones(habit, membership_id, total_days, today):
    """Achievements for every milestone the member's total has reached and that they
    have not earned yet: each once, ever (make-ups count; deleting never takes one back)."""
    earned = set(db.session.scalars(select(Achievement.days).where(
        Achievement.habit_id == habit.id, Achievement.membership_id == membership_id)))
    reached = [days for days in habit.milestones if days <= total_days and days not in earned]
    for days in reached:
        insert_unless_present(Achievement, public_id=new_public_id(), habit_id=habit.id,
                              membership_id=membership_id, days=days, earned_on=today)
    if not reached:
        return []
    return db.session.scalars(select(Achievement).where(
        Achievement.habit_id == habit.id, Achievement.membership_id == membership_id,
        Achievement.days.in_(reached)).order_by(Achievement.days)).all()


def find_checkin(habit, public_id):
    checkin = db.session.scalar(select(Checkin).where(Checkin.habit_id == habit.id,
                                                      Checkin.public_id == public_id))
    if checkin is None:
        raise NotFound()
    return checkin


def delete_checkin(person, habit, public_id, now=None):
    """Undo a check-in: its member may undo today's; the habit's managers any. The
    member's figures are worked out again; achievements already earned stay.

    :raise 404: no such check-in in this habit (or the habit is not the asker's to see)
    :raise 403: another member's check-in, or a member's own of an earlier day"""
    authorize(person, Action.VIEW_GROUP, habit)
    checkin = find_checkin(habit, public_id)
    membership = authorize(person, Action.CHANGE_OWN_ITEM, checkin)
    manager = can(person, Action.MANAGE_WIDGET, habit, membership)
    if not manager:
        if checkin.day != local_today(habit.group, now):
            raise NotAllowed(_l("Only today's check-in can be undone. Ask an organiser to "
                                "remove an earlier one."))
        if habit.is_closed(now):
            raise WidgetClosed(habit)
    member_id = checkin.membership_id
    with unit_of_work():
        lock_member(habit, member_id)
        db.session.execute(delete(Checkin).where(Checkin.id == checkin.id))
        refresh_member(habit, member_id)
    commit_or_conflict()
