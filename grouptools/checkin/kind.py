"""What core knows of check-ins: two registrations (core.widgets.WidgetKind) — habits
(CHECKIN) and event sign-ins (EVENT) — and, from each, the pages every widget has beneath
/h/<hid> and /e/<eid> (core.widgetpages).

No `on_member_gone` hook: a member's check-ins and achievements are history and stay
when they leave, and every count, leaderboard and roll call is taken over the group's
active members, so a departed member drops out of them with nothing to withdraw."""
from datetime import timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l

from grouptools.checkin import activity
from grouptools.checkin import eventlisting, events, service
from grouptools.checkin.blueprints import blp, bp, event_blp, event_bp
from grouptools.checkin.certpages import certificates_on_me
from grouptools.checkin.eventmodels import Event
from grouptools.checkin.export import export_for_group
from grouptools.checkin.grouplines import EVENT_LINES, HABIT_LINES
from grouptools.checkin.listing import checkins_to_do, create_link, group_listing
from grouptools.checkin.models import Habit
from grouptools.checkin.poster import event_poster_facts, habit_poster_facts
from grouptools.checkin.transfer import EVENT_TRANSFER, HABIT_TRANSFER
from grouptools.core.i18n import gettext
from grouptools.core.timeutil import utcnow
from grouptools.core.widgetpages import add_widget_pages
from grouptools.core.widgets import WidgetKind, WidgetTexts


def habit_page(habit, **values):
    return url_for("checkin_pages.show_habit", hid=habit.public_id, **values)


def public_lines(habit):
    return (gettext("Join the group to check in with the others."),)


def sample_habit(person, group):
    return service.create_habit(person, group, title="每天跑步 5 公里",
                                description="跑完打卡，写一句今天的感受。", proof="none",
                                milestones=[7, 21, 30, 100])


CHECKIN = WidgetKind(
    key="checkin", label=_l("Check-in"), model=Habit, path="h", pages=bp.name, page=habit_page,
    api=blp.name, lister=group_listing, lines=HABIT_LINES, create_link=create_link,
    exporter=export_for_group,
    close=service.close_habit, public_lines=public_lines, sample=sample_habit,
    assets=("css/checkin.css", "js/photos.js"), on_me_page=certificates_on_me,
    poster_facts=habit_poster_facts, my_open_items=checkins_to_do, copy=service.copy_habit,
    activity_counts=activity.habit_activity_counts, activity_times=activity.habit_activity_times,
    transfer=HABIT_TRANSFER,
    texts=WidgetTexts(
        in_group=_l("A check-in in %(group)s"),
        closed=_l("The check-in is closed: it takes no more check-ins."),
        reopened=_l("The check-in is open again."),
        refused=_l("This check-in is closed: it takes no more check-ins."),
        confirm_delete=_l("Tick the box to confirm that the habit, its check-ins and "
                          "achievements will be deleted."),
    ),
)
add_widget_pages(bp, CHECKIN)


def event_page(event, **values):
    return url_for("event_pages.show_event", eid=event.public_id, **values)


def event_public_lines(event):
    return (gettext("Join the group to sign in at the event."),)


def sample_event(person, group):
    now = utcnow()
    return events.create_event(person, group, title="周六读书会签到",
                               starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2),
                               late_after=now + timedelta(minutes=10))


EVENT = WidgetKind(
    key="event", label=_l("Event sign-in"), model=Event, path="e", pages=event_bp.name,
    page=event_page, api=event_blp.name, lister=eventlisting.group_listing,
    lines=EVENT_LINES,
    create_link=eventlisting.create_link, my_open_items=eventlisting.events_to_sign_in,
    exporter=eventlisting.export_for_group, on_member_gone=events.leave_chosen_rosters,
    close=events.close_event, public_lines=event_public_lines, sample=sample_event,
    poster_facts=event_poster_facts, copy=events.copy_event,
    activity_counts=activity.event_activity_counts, activity_times=activity.event_activity_times,
    assets=("css/checkin.css", "js/event-display.js"),
    transfer=EVENT_TRANSFER,
    texts=WidgetTexts(
        in_group=_l("An event sign-in in %(group)s"),
        closed=_l("The sign-in is closed: nobody more can sign in."),
        reopened=_l("The sign-in is open again."),
        refused=_l("This sign-in is closed: nobody more can sign in."),
        confirm_delete=_l("Tick the box to confirm that the event and its sign-ins will be "
                          "deleted."),
    ),
)
add_widget_pages(event_bp, EVENT)
