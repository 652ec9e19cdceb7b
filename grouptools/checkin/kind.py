"""What core knows of check-ins: the registration (core.widgets.WidgetKind) and, from
it, the pages every widget has beneath /h/<hid> (core.widgetpages).

No `on_member_gone` hook: a member's check-ins and achievements are history and stay
when they leave, and every count, leaderboard and roll call is taken over the group's
active members, so a departed member drops out of them with nothing to withdraw."""
from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from grouptools.checkin import service
from grouptools.checkin.blueprints import blp, bp
from grouptools.checkin.certpages import certificates_on_me
from grouptools.checkin.export import export_for_group
from grouptools.checkin.listing import create_link, group_listing
from grouptools.checkin.models import Habit
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
    api=blp.name, lister=group_listing, create_link=create_link, exporter=export_for_group,
    close=service.close_habit, public_lines=public_lines, sample=sample_habit,
    assets=("css/checkin.css",), on_me_page=certificates_on_me,
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
