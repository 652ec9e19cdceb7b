"""What the check-in API accepts and answers (docs/api.md#routes). Who sees what is
decided by the services (service.HabitState, stats.HabitStats) and shown here."""
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from grouptools.checkin.models import Checkin, Habit
from grouptools.core.fields import (
    LIST_MESSAGES,
    ClockTime,
    Integer,
    ScheduleDate,
    Schema,
    Text,
    VisibleText,
    page_number,
    public_id,
    public_ids,
)
from grouptools.core.links import absolute_url, avatar_url, image_urls
from grouptools.core.widgetpages import widget_link

MILESTONES_MAX = 20


def _listed(field, minimum, maximum):
    return fields.List(field, error_messages=LIST_MESSAGES, validate=[validate.Length(
        min=minimum, max=maximum, error=_l("Give {min} to {max}."))])


class HabitFieldsSchema(Schema):
    title = VisibleText(min_length=1, max_length=Habit.TITLE_MAX)
    description = Text(max_length=Habit.DESCRIPTION_MAX)
    proof = Text(max_length=16, validate=[validate.OneOf(
        Habit.PROOFS, error=_l("Choose one of: {choices}."))], metadata={
        "description": "What a check-in brings: none, text, photo or text_photo"})
    weekdays = _listed(Integer(minimum=1, maximum=7), 1, 7)
    window_start = ClockTime(allow_none=True, metadata={
        "description": "\"HH:MM\" in the group's zone, inclusive; with window_end"})
    window_end = ClockTime(allow_none=True, metadata={
        "description": "\"HH:MM\", exclusive: 09:00 takes check-ins until 08:59"})
    starts_on = ScheduleDate(allow_none=True)
    ends_on = ScheduleDate(allow_none=True)
    makeups_per_month = Integer(minimum=0, maximum=31)
    makeup_days_back = Integer(minimum=0, maximum=31)
    milestones = _listed(Integer(minimum=1, maximum=3650), 0, MILESTONES_MAX)


class HabitCreateSchema(HabitFieldsSchema):
    title = VisibleText(required=True, min_length=1, max_length=Habit.TITLE_MAX)


class HabitUpdateSchema(HabitFieldsSchema):
    pass


def _date(value):
    return value.isoformat() if value else None


def _clock(value):
    return value.strftime("%H:%M") if value else None


class MyFiguresSchema(Schema):
    done_today = fields.Boolean()
    current_streak = fields.Integer()
    longest_streak = fields.Integer()
    total_days = fields.Integer()
    makeups_left = fields.Integer(metadata={"description": "Left for this month"})


class HabitSchema(Schema):
    """A habit as one asker sees it (a service.HabitState)."""

    id = fields.Function(lambda s: s.habit.public_id)
    title = fields.Function(lambda s: s.habit.title)
    description = fields.Function(lambda s: s.habit.description)
    proof = fields.Function(lambda s: s.habit.proof)
    weekdays = fields.Function(lambda s: s.habit.weekdays)
    window_start = fields.Function(lambda s: _clock(s.habit.window_start))
    window_end = fields.Function(lambda s: _clock(s.habit.window_end))
    starts_on = fields.Function(lambda s: _date(s.habit.starts_on))
    ends_on = fields.Function(lambda s: _date(s.habit.ends_on))
    makeups_per_month = fields.Function(lambda s: s.habit.makeups_per_month)
    makeup_days_back = fields.Function(lambda s: s.habit.makeup_days_back)
    milestones = fields.Function(lambda s: s.habit.milestones)
    today = fields.Function(lambda s: _date(s.today), metadata={
        "description": "The date it is in the group's time zone"})
    me = fields.Nested(MyFiguresSchema, allow_none=True, metadata={
        "description": "The asker's own figures; null for anyone not an active member"})
    closed = fields.Function(lambda s: s.habit.is_closed())
    can_manage = fields.Boolean(attribute="manager")
    url = fields.Function(lambda s: widget_link(s.habit))


class CheckinCreateSchema(Schema):
    text = Text(max_length=Checkin.TEXT_MAX)
    image_ids = public_ids(Checkin.IMAGES_MAX, metadata={
        "description": "Pictures uploaded with POST /api/v1/images for this group, in order"})
    date = ScheduleDate(metadata={
        "description": "The local day checked in; a past day is a make-up. Default: today"})


def checkin_images(checkin):
    return attached_images(checkin.images)


def attached_images(attached_list):
    """A check-in's CheckinImage rows as the API shows them."""
    return [dict(zip(("url", "thumb_url"), image_urls(attached.image, absolute=True)),
                 id=attached.image.public_id) for attached in attached_list]


def achievement_links(achievement, habit):
    """The certificate picture and its public verification page (docs/api.md#routes)."""
    return {"card_url": absolute_url(f"/h/{habit.public_id}/a/{achievement.public_id}/card.png"),
            "verify_url": absolute_url(f"/a/{achievement.public_id}")}


class AchievementSchema(Schema):
    """An (achievement, membership) pair; `habit` given when dumping."""

    id = fields.Function(lambda pair: pair[0].public_id)
    member_id = fields.Function(lambda pair: pair[1].public_id)
    name = fields.Function(lambda pair: pair[1].display_name)
    days = fields.Function(lambda pair: pair[0].days)
    earned_on = fields.Function(lambda pair: _date(pair[0].earned_on))
    card_url = fields.Function(lambda pair: achievement_links(pair[0], pair[2])["card_url"])
    verify_url = fields.Function(lambda pair: achievement_links(pair[0], pair[2])["verify_url"])


class CheckinSchema(Schema):
    """A checkins.CheckedIn: the check-in and what it earned."""

    id = fields.Function(lambda c: c.checkin.public_id)
    date = fields.Function(lambda c: _date(c.checkin.day))
    makeup = fields.Function(lambda c: c.checkin.makeup)
    text = fields.Function(lambda c: c.checkin.text)
    images = fields.Function(lambda c: checkin_images(c.checkin))
    created_at = fields.Function(lambda c: c.checkin.created_at.isoformat())
    achievements = fields.Function(lambda c: [
        {"id": a.public_id, "days": a.days, "earned_on": _date(a.earned_on),
         **achievement_links(a, c.checkin.habit)} for a in c.achievements], metadata={
        "description": "Achievements this check-in earned: [{id, days, earned_on, card_url, "
                       "verify_url}]"})


class FeedItemSchema(Schema):
    """A (checkin, membership) pair."""

    id = fields.Function(lambda pair: pair[0].public_id)
    member_id = fields.Function(lambda pair: pair[1].public_id)
    name = fields.Function(lambda pair: pair[1].display_name)
    avatar_url = fields.Function(lambda pair: avatar_url(pair[1], absolute=True))
    date = fields.Function(lambda pair: _date(pair[0].day))
    makeup = fields.Function(lambda pair: pair[0].makeup)
    text = fields.Function(lambda pair: pair[0].text)
    images = fields.Function(lambda pair: checkin_images(pair[0]))
    created_at = fields.Function(lambda pair: pair[0].created_at.isoformat())


class CalendarArgsSchema(Schema):
    month = Text(max_length=7, validate=[validate.Regexp(
        r"^\d{4}-(0[1-9]|1[0-2])$", error=_l("Use a month like 2026-03."))])
    member_id = public_id()


class CalendarDaySchema(Schema):
    date = fields.String()
    makeup = fields.Boolean()


class CalendarSchema(Schema):
    month = fields.String()
    days = fields.List(fields.Nested(CalendarDaySchema))
    current_streak = fields.Integer()
    longest_streak = fields.Integer()
    total_days = fields.Integer()


class FeedArgsSchema(Schema):
    date = ScheduleDate()


class StatsArgsSchema(Schema):
    page = page_number(metadata={"description": "Which page of `not_done`, 50 names a page"})


class StatsSchema(Schema):
    """A stats.HabitStats."""

    today = fields.Function(lambda s: _date(s.today))
    scheduled_today = fields.Boolean(metadata={"description": "Today is a check-in day"})
    done_count = fields.Integer()
    member_count = fields.Integer(metadata={"description": "The group's active members"})
    # Rows written straight to dicts: a nested schema per row would cost more than the
    # query that read them (bench/README.md).
    leaderboard = fields.Function(lambda s: [row._asdict() for row in s.leaderboard], metadata={
        "description": "By total days, then current streak: the first 100 "
                       "[{member_id, name, total_days, current_streak, longest_streak, "
                       "done_today}]"})
    not_done = fields.Function(
        lambda s: None if s.not_done is None else [row._asdict() for row in s.not_done],
        allow_none=True, metadata={"description": "Managers: who has not checked in today, "
                                                  "in the order they joined, 50 a page "
                                                  "([{member_id, name}]); null for members"})
    not_done_count = fields.Integer(allow_none=True, metadata={
        "description": "Managers: how many have not checked in today; null for members"})
    page = fields.Integer()
    pages = fields.Integer(metadata={"description": "Pages of `not_done` (at least 1)"})
    roll_call_text = fields.String(allow_none=True, metadata={
        "description": "Managers: 已打卡 23/30，未打卡：@… (the first 200) and the link; null "
                       "on a day off"})
