"""A poll option's picture on a page of its own (/p/<pid>/o/<oid>): large, with the
option's name, the previous and next pictures, and the vote button. It is what a tap on
a picture opens without JavaScript; with it, poll.js shows the same in a viewer on the
poll's page and this page stays the link's target."""
from flask import abort, render_template, url_for

from grouptools.core.identity import current_person
from grouptools.core.links import image_urls
from grouptools.core.widgetpages import member_page_or_public_card
from grouptools.poll import results
from grouptools.poll.blueprints import bp
from grouptools.poll.export import option_label
from grouptools.poll.kind import POLL


def picture_page(poll, option):
    """The address of an option's picture page."""
    return url_for("poll_pages.show_picture", pid=poll.public_id, oid=option.public_id)


@bp.get("/p/<pid:pid>/o/<pid:oid>")
def show_picture(pid, oid):
    return member_page_or_public_card(POLL, pid, lambda loaded: _picture(loaded.widget, oid))


def _picture(poll, oid):
    pictured = [option for option in poll.options if option.image is not None]
    option = next((o for o in pictured if o.public_id == oid), None)
    if option is None:
        abort(404)
    state = results.poll_state(current_person(), poll, with_results=False)
    at = pictured.index(option)
    neighbours = {name: picture_page(poll, pictured[index]) if 0 <= index < len(pictured) else None
                  for name, index in (("previous", at - 1), ("next", at + 1))}
    return render_template(
        "poll/picture.html", poll=poll, group=poll.group, state=state, option=option,
        label=option_label(option), picture=image_urls(option.image)[0], number=at + 1,
        count=len(pictured), chosen=option.public_id in (state.my_vote or []), **neighbours)
