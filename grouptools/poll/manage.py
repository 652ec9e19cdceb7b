"""Organisers' poll pages: create (text or photo options), edit (closing, reopening,
copying and deleting are the kit's: core.widgetpages). Every action is a plain form that redirects (303); a form with
mistakes comes back (422) with what was typed. core.access decides who gets in."""
from flask import flash, redirect, render_template, request, url_for

from grouptools.core.access import Action, authorize
from grouptools.core.errors import DomainError
from grouptools.core.forms import deadline_input, shown_on_form
from grouptools.core.groups.service import find_group
from grouptools.core.i18n import gettext
from grouptools.core.identity import require_person
from grouptools.core.loaders import load_widget
from grouptools.core.pickedphotos import (
    PUBLISH_NOW_FIELD,
    limit_photo_uploads,
    photo_value,
    store_captioned_photos,
)
from grouptools.core.ratelimits import rate_limited
from grouptools.core.uploads import TooManyPixelsAtOnce
from grouptools.poll import forms, service
from grouptools.poll.blueprints import bp
from grouptools.poll.models import Poll

# --- Creating ---------------------------------------------------------------------------

def _upload_photos(person, group, values):
    """Save the photos picked in this submission, all in one go; (how many, their
    mistakes). Raises TooManyPixelsAtOnce, having stored nothing."""
    photos, problems = store_captioned_photos(
        person, group, Poll.OPTIONS_MAX - len(values["photos"]),
        gettext("A poll has at most 50 options."))
    values["photos"] += [photo_value(image, caption) for image, caption in photos]
    return len(photos), problems


def _create_page(group, values, errors, status=200):
    """The form; shown again with photos kept, it is step 2 of 2 (captions, then publish)
    and says so plainly: the poll is not out yet."""
    return render_template("poll/create.html", group=group, values=values, errors=errors,
                           option_inputs=_option_inputs(values)), status


def _option_inputs(values):
    """What was typed, then empty inputs: a few on a new form, one more beside photos."""
    typed = values.get("options", [])
    count = len(typed) + 1 if values.get("photos") else max(forms.TEXT_OPTION_INPUTS, len(typed) + 2)
    return (typed + [""] * count)[:min(count, Poll.OPTIONS_MAX)]


@bp.route("/g/<pid:gid>/polls/new", methods=["GET", "POST"])
@rate_limited("create_widget")
@limit_photo_uploads()
def create_poll(gid):
    group = find_group(gid)
    person = require_person()
    authorize(person, Action.CREATE_WIDGET, group)
    if request.method == "GET":
        return _create_page(group, {"results_visibility": "", "photos": [], "options": []}, {})
    values = forms.typed_create_form(group)
    try:
        added, problems = _upload_photos(person, group, values)
    except TooManyPixelsAtOnce as error:
        return _create_page(group, values, {"photos": [str(error.message)]}, error.status)
    data, errors, values = forms.read_create_form(group, values)
    # With JavaScript (static/js/photopicker.js) the captions came with the photos, typed
    # beside their previews: the poll is published in this one request. Without it, the
    # photos just picked are shown so each may get a caption first: step 2 of 2.
    publish_now = request.form.get(PUBLISH_NOW_FIELD) == "1"
    if problems or (added and not publish_now):
        errors = {"photos": problems} if problems else {}
        return _create_page(group, values, errors, 422 if problems else 200)
    if errors:
        return _create_page(group, values, errors, 422)
    try:
        poll = service.create_poll(person, group, **data)
    except DomainError as error:
        if not shown_on_form(error):
            raise
        return _create_page(group, values, forms.form_errors(error, values), error.status)
    flash(gettext("Your poll is ready. Share its link or QR code in the chat."), "success")
    return redirect(url_for("poll_pages.show_poll", pid=poll.public_id), code=303)


# --- Managing ---------------------------------------------------------------------------

@bp.route("/p/<pid:pid>/edit", methods=["GET", "POST"])
def edit_poll(pid):
    poll, person, _ = load_widget(Poll, pid, Action.MANAGE_WIDGET)
    values = {"title": poll.title, "description": poll.description,
              "results_visibility": poll.results_visibility,
              "deadline": deadline_input(poll.group, poll.deadline)}
    errors, status = {}, 200
    if request.method == "POST":
        data, errors, values = forms.read_edit_form(poll.group, poll.deadline)
        status = 422
        if not errors:
            try:
                service.update_poll(person, poll, **data)
            except DomainError as error:
                if not shown_on_form(error):
                    raise
                errors, status = forms.form_errors(error, values), error.status
            else:
                flash(gettext("Changes saved."), "success")
                return redirect(url_for("poll_pages.show_poll", pid=pid), code=303)
    return render_template("poll/edit.html", poll=poll, group=poll.group, values=values,
                           errors=errors), status
