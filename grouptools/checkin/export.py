"""Every habit of a group for the owner's export of the group: each as its managers see
it, with every check-in and achievement stored — departed members' included, since the
export is the group's history."""
from sqlalchemy import select

from grouptools.checkin import service
from grouptools.checkin.models import Achievement, Checkin, Habit
from grouptools.checkin.schemas import HabitSchema, checkin_images
from grouptools.core.models import Membership
from grouptools.extensions import db


def export_for_group(group, person):
    """("habits", [habit with its "checkins" and "achievements"])."""
    habits = db.session.scalars(select(Habit).where(Habit.group_id == group.id)
                                .order_by(Habit.id)).all()
    exported = []
    for habit in habits:
        item = HabitSchema().dump(service.habit_state(person, habit))
        item["checkins"] = [
            {"id": checkin.public_id, "member_id": member.public_id, "name": member.display_name,
             "date": checkin.day.isoformat(), "makeup": checkin.makeup, "text": checkin.text,
             "images": checkin_images(checkin), "created_at": checkin.created_at.isoformat()}
            for checkin, member in db.session.execute(
                select(Checkin, Membership).join(Membership, Membership.id == Checkin.membership_id)
                .where(Checkin.habit_id == habit.id).order_by(Checkin.day, Checkin.id))]
        item["achievements"] = [
            {"id": achievement.public_id, "member_id": member_id, "days": achievement.days,
             "earned_on": achievement.earned_on.isoformat()}
            for achievement, member_id in db.session.execute(
                select(Achievement, Membership.public_id)
                .join(Membership, Membership.id == Achievement.membership_id)
                .where(Achievement.habit_id == habit.id).order_by(Achievement.id))]
        exported.append(item)
    return "habits", exported
