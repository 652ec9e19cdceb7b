"""Habits and events carried in their group's zip (core.transfer).

A habit: its rules, every check-in with its photos, each member's running figures and
the achievements earned. An event: its times and roster, who signed in and when; its
code secret is never written (the imported event makes a new one)."""
from sqlalchemy import select

from grouptools.checkin.eventexport import attendance_csv
from grouptools.checkin.eventmodels import Event, EventRoster, EventSignin
from grouptools.checkin.models import Achievement, Checkin, CheckinImage, Habit, HabitMember
from grouptools.core.transfer import WidgetTransfer, refs_of, rows_of
from grouptools.extensions import db

HABIT_NESTED = ("created_by", "checkins", "figures", "achievements")
EVENT_NESTED = ("created_by", "roster_members", "signins")
EVENT_SECRETS = ("code_secret",)


def _rows(model, key, *order):
    return db.session.scalars(select(model).where(key).order_by(*order)).all()


def export_habit(habit, refs):
    checkins = _rows(Checkin, Checkin.habit_id == habit.id, Checkin.id)
    photos = {}
    for row in _rows(CheckinImage, CheckinImage.checkin_id.in_([c.id for c in checkins]),
                     CheckinImage.checkin_id, CheckinImage.position):
        photos.setdefault(row.checkin_id, []).append(
            {**refs.columns(row), "image": refs.image(row.image_id)})
    return {
        **refs.columns(habit), "created_by": refs.person(habit.created_by_id),
        "checkins": [{**refs.columns(checkin), "member": refs.member(checkin.membership_id),
                      "photos": photos.get(checkin.id, [])} for checkin in checkins],
        "figures": [{**refs.columns(row), "member": refs.member(row.membership_id)}
                    for row in _rows(HabitMember, HabitMember.habit_id == habit.id,
                                     HabitMember.membership_id)],
        "achievements": [{**refs.columns(row), "member": refs.member(row.membership_id)}
                         for row in _rows(Achievement, Achievement.habit_id == habit.id,
                                          Achievement.id)],
    }


def import_habit(group, data, refs):
    habit = Habit(group=group, created_by_id=refs.person_id(data.get("created_by")),
                  **refs.columns(Habit, data, without=HABIT_NESTED))
    db.session.add(habit)
    db.session.flush()
    for row in rows_of(data, "checkins"):
        checkin = Checkin(habit_id=habit.id, membership_id=refs.member(row.get("member")).id,
                          **refs.columns(Checkin, row, without=("member", "photos")))
        db.session.add(checkin)
        db.session.flush()
        for photo in rows_of(row, "photos"):
            db.session.add(CheckinImage(checkin_id=checkin.id,
                                        image_id=refs.image(photo.get("image")).id,
                                        **refs.columns(CheckinImage, photo, without=("image",))))
    for row in rows_of(data, "figures"):
        db.session.add(HabitMember(habit_id=habit.id, membership_id=refs.member(row.get("member")).id,
                                   **refs.columns(HabitMember, row, without=("member",))))
    for row in rows_of(data, "achievements"):
        db.session.add(Achievement(habit_id=habit.id, membership_id=refs.member(row.get("member")).id,
                                   **refs.columns(Achievement, row, without=("member",))))
    return habit


def export_event(event, refs):
    return {
        **refs.columns(event, skip=EVENT_SECRETS), "created_by": refs.person(event.created_by_id),
        "roster_members": [refs.member(row.membership_id)
                   for row in _rows(EventRoster, EventRoster.event_id == event.id,
                                    EventRoster.membership_id)],
        "signins": [{**refs.columns(row), "member": refs.member(row.membership_id)}
                    for row in _rows(EventSignin, EventSignin.event_id == event.id,
                                     EventSignin.signed_in_at, EventSignin.membership_id)],
    }


def import_event(group, data, refs):
    event = Event(group=group, created_by_id=refs.person_id(data.get("created_by")),
                  **refs.columns(Event, data, skip=EVENT_SECRETS, without=EVENT_NESTED))
    db.session.add(event)
    db.session.flush()
    db.session.add_all(EventRoster(event_id=event.id, membership_id=refs.member(ref).id)
                       for ref in refs_of(data, "roster_members"))
    for row in rows_of(data, "signins"):
        db.session.add(EventSignin(event_id=event.id, membership_id=refs.member(row.get("member")).id,
                                   **refs.columns(EventSignin, row, without=("member",))))
    return event


# Habits have no CSV export of their own yet: their zip entry carries the data only.
HABIT_TRANSFER = WidgetTransfer(export_data=export_habit, import_data=import_habit)
EVENT_TRANSFER = WidgetTransfer(export_data=export_event, import_data=import_event,
                                export_csv=attendance_csv)
