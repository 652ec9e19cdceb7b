"""The pages every widget has, written once: its share pictures (qr.png, qr.svg,
poster.png), closing, reopening, copying and deleting beneath `/<path>/<id>`; the branch of its
page between a member's view and a stranger's public card; its link preview; and the
widget's own CSS and JS on its pages.

A widget's `kind.py` calls `add_widget_pages(bp, KIND)` once, when it is imported; what
each page says comes from the registration (core.widgets.WidgetKind,
docs/architecture.md#adding-a-widget)."""
from types import SimpleNamespace

from flask import flash, has_request_context, redirect, render_template, request, url_for
from sqlalchemy import bindparam, select

from grouptools.core.access import Action
from grouptools.core.closing import delete_widget
from grouptools.core.conditional import shared_by_askers, uncached
from grouptools.core.copying import NotCopyable, copy_targets, copy_widget
from grouptools.core.errors import NotFound
from grouptools.core.groups.service import find_group
from grouptools.core.i18n import gettext
from grouptools.core.identity import current_person
from grouptools.core.models import Group, is_public_id
from grouptools.core.plainrows import first_plain_row
from grouptools.core.timeutil import local_today, utcnow
from grouptools.core.urlpatterns import page_url
from grouptools.core.ratelimits import rate_limited
from grouptools.core.links import absolute_url, image_urls
from grouptools.core.loaders import load_widget
from grouptools.core.shareroutes import Shared, add_share_routes, link_preview
from grouptools.core.widgets import kind_for_blueprint, kind_of, public_items

WIDGET_RULE = "/{path}/<pid:wid>"


def add_widget_pages(bp, kind):
    """Add the share pictures and the close, reopen, copy and delete forms' routes to the
    widget's page blueprint `bp` (endpoints qr_png, qr_svg, poster, close, reopen,
    copy, delete; the widget's id is the `wid` argument)."""
    rule = WIDGET_RULE.format(path=kind.path)
    add_share_routes(bp, rule, lambda wid: shared_widget(kind, kind.model.find(wid)),
                     key_for=lambda wid: widget_picture_key(kind.model, wid))

    def close(wid):
        return _set_closed(kind, wid, True)

    def reopen(wid):
        return _set_closed(kind, wid, False)

    def delete(wid):
        return _delete(kind, wid)

    def copy(wid):
        return _copy(kind, wid)

    copy.__name__ = copy.__qualname__ = f"copy_{kind.key}_page"  # Flask-Limiter's key
    limited_copy = rate_limited("create_widget")(copy)
    for name, view in (("close", close), ("reopen", reopen), ("delete", delete)):
        bp.add_url_rule(f"{rule}/{name}", name, view, methods=["POST"])
    # Its GET is the page with the choice of group (the rate limit counts the POST).
    bp.add_url_rule(f"{rule}/copy", "copy", limited_copy, methods=["GET", "POST"])


def shared_widget(kind, widget):
    """What the widget's pictures and link preview show: only what a stranger may see."""
    group = widget.group
    return Shared(group.name, widget.title, widget.description, widget_link(widget, kind),
                  preview_line=widget.description or kind.texts.in_group % {"group": group.name},
                  kind_label=str(kind.label), closed=widget.is_closed(),
                  poster_facts=lambda: kind.poster_facts(widget))


_PICTURE_KEYS = {}


def widget_picture_key(model, public_id):
    """(the widget, the versions of what its poster shows) for core.share's picture
    keys, in one light statement: its id; its and its group's `version` (every change to
    it, its rows or the group's settings and names moves one, core.conditional); which
    of its moments have passed (a deadline closes it) and the group's local date. The
    pictures are public, as `shared_widget` is: an unknown id is all that is refused.

    :raise 404: the id is unknown"""
    if model not in _PICTURE_KEYS:
        _PICTURE_KEYS[model] = (
            select(model.id, model.version, Group.version, Group.timezone,
                   *(getattr(model, name) for name in model.CLOCK_MOMENTS))
            .join(Group, Group.id == model.group_id)
            .where(model.public_id == bindparam("public_id")))
    row = first_plain_row(_PICTURE_KEYS[model], {"public_id": public_id})
    if row is None:
        raise NotFound()
    widget_id, version, group_version, zone, *moments = row
    now = utcnow()
    passed = tuple(moment is not None and moment <= now for moment in moments)
    today = local_today(SimpleNamespace(timezone=zone), now)
    # By its public id: random, so never the same in two databases (a test's apps share
    # the process) nor reused after a deletion, as a row id may be.
    return (model.__tablename__, public_id), (widget_id, version, group_version, passed, today)


def widget_link(widget, kind=None):
    """The absolute link people share: what QR codes, posters and chat texts carry."""
    return absolute_url((kind or kind_of(widget)).page(widget))


def widget_preview(widget):
    """The link-preview values `_share.html` reads, for the widget's pages: the same for
    every asker of the widget as it is (core.conditional.shared_by_askers)."""
    kind = kind_of(widget)
    return shared_by_askers(widget, "link preview", lambda: link_preview(
        kind.pages, shared_widget(kind, widget), wid=widget.public_id))


def widget_url(widget, endpoint, **values):
    """The path of one of the kit's routes beneath the widget ("close", "qr_png", …)."""
    return page_url(f"{kind_of(widget).pages}.{endpoint}", wid=widget.public_id, **values)


def member_page_or_public_card(kind, public_id, member_page):
    """A widget's page: `member_page(loaded)` for its active members; for strangers and
    pending, left or removed members its public card — with the kind's public items
    where the group is open to all — and "your name → join", which leads back here
    (docs/security.md#who-can-see-what).

    :raise 404: the id is unknown
    """
    loaded = load_widget(kind.model, public_id, Action.VIEW_PUBLIC_CARD)
    if loaded.membership is None or not loaded.membership.is_active:
        widget = loaded.widget
        return render_template(
            "widgets/public.html", widget=widget, group=widget.group, kind=kind,
            person=loaded.person, mine=loaded.membership, preview=widget_preview(widget),
            in_group=kind.texts.in_group % {"group": widget.group.name},
            facts=kind.public_facts(widget), lines=kind.public_lines(widget),
            page=kind.page(widget),
            items=[(item, *image_urls(item.image)) for item in public_items(widget)])
    return member_page(loaded)


def page_assets():
    """The widget's own CSS and JS for a page of its blueprint (base.html links them)."""
    kind = kind_for_blueprint(request.blueprint) if has_request_context() else None
    return kind.assets if kind is not None else ()


def _set_closed(kind, wid, closing):
    widget, person, _ = load_widget(kind.model, wid, Action.MANAGE_WIDGET)
    widget = kind.close(person, widget, closing)
    if closing:
        flash(str(kind.texts.closed), "info")
    elif widget.is_closed():
        # Kinds that keep a past deadline on reopening (a relay's sign-up deadline).
        flash(gettext("It stays closed: its deadline has passed. Change the deadline to "
                      "open it again."), "error")
    else:
        flash(str(kind.texts.reopened), "success")
    return redirect(kind.page(widget), code=303)


@uncached  # it lists the other groups the asker manages, which the widget's ETag leaves out
def _copy(kind, wid):
    """The copy page: a GET shows the choice of group (the widget's own first, then the
    others the asker manages); the POST copies into the group picked (the widget's own
    when none is), then goes to the copy's page. The manage section links here, so a
    widget's page does not read the asker's other groups (docs/architecture.md#statement-budget)."""
    widget, person, _ = load_widget(kind.model, wid, Action.MANAGE_WIDGET)
    if request.method == "GET":
        if kind.copy is None:
            raise NotCopyable()  # as the POST answers
        return render_template("widgets/copy.html", widget=widget, kind=kind,
                               choices=copy_targets(person, widget))
    gid = request.form.get("group_id") or widget.group.public_id
    if not is_public_id(gid):
        raise NotFound()
    group = find_group(gid)
    copy = copy_widget(person, widget, group)
    if group.id == widget.group_id:
        flash(gettext("This is the copy: open, with the same settings and no responses."),
              "success")
    else:
        flash(gettext("This is the copy in %(group)s: open, with the same settings and no "
                      "responses.", group=group.name), "success")
    return redirect(kind.page(copy), code=303)


def copyable(widget):
    """Whether the manage section offers "Make a copy" (kinds without a copy hook: no)."""
    return kind_of(widget).copy is not None


def _delete(kind, wid):
    widget, person, _ = load_widget(kind.model, wid, Action.MANAGE_WIDGET)
    if request.form.get("confirm") != "1":
        flash(str(kind.texts.confirm_delete), "error")
        manage = kind.manage_link(widget) if kind.manage_link else kind.page(widget,
                                                                             _anchor="manage")
        return redirect(manage, code=303)
    group, title = widget.group, widget.title
    delete_widget(person, widget)
    flash(gettext("“%(title)s” was deleted.", title=title), "info")
    return redirect(url_for("group_pages.show_group", gid=group.public_id), code=303)


def init_app(app):
    for function in (page_assets, widget_preview, widget_url, copyable):
        app.add_template_global(function)
