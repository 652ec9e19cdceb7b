"""Every habit of a group for the owner's export of the group: each as its managers see
it, with every check-in and achievement stored — departed members' included, since the
export is the group's history."""
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import raiseload

from grouptools.checkin import service
from grouptools.checkin.models import Achievement, Checkin, CheckinImage, Habit
from grouptools.checkin.schemas import HabitSchema, attached_images
from grouptools.core.models import Membership
from grouptools.extensions import db


def export_for_group(group, person):
    """("habits", [habit with its "checkins" and "achievements"])."""
    habits = db.session.scalars(select(Habit).where(Habit.group_id == group.id)
                                .order_by(Habit.id)).all()
    exported = []
    for habit in habits:
        item = HabitSchema().dump(service.habit_state(person, habit))
        images = _images_of(habit)
        item["checkins"] = [
            {"id": checkin.public_id, "member_id": member.public_id, "name": member.display_name,
             "date": checkin.day.isoformat(), "makeup": checkin.makeup, "text": checkin.text,
             "images": attached_images(images.get(checkin.id, ())),
             "created_at": checkin.created_at.isoformat()}
            for checkin, member in db.session.execute(
                select(Checkin, Membership).join(Membership, Membership.id == Checkin.membership_id)
                .where(Checkin.habit_id == habit.id).order_by(Checkin.day, Checkin.id)
                .options(raiseload(Checkin.images)))]
        item["achievements"] = [
            {"id": achievement.public_id, "member_id": member_id, "days": achievement.days,
             "earned_on": achievement.earned_on.isoformat()}
            for achievement, member_id in db.session.execute(
                select(Achievement, Membership.public_id)
                .join(Membership, Membership.id == Achievement.membership_id)
                .where(Achievement.habit_id == habit.id).order_by(Achievement.id))]
        exported.append(item)
    return "habits", exported


def _images_of(habit):
    """{check-in id: its attached images in order}, in one statement for the whole habit
    (the check-ins' own `selectin` loading would add one per 500 check-ins)."""
    images = defaultdict(list)
    for attached in db.session.scalars(
            select(CheckinImage).join(Checkin, Checkin.id == CheckinImage.checkin_id)
            .where(Checkin.habit_id == habit.id)
            .order_by(CheckinImage.checkin_id, CheckinImage.position)):
        images[attached.checkin_id].append(attached)
    return images
