"""Notice pages as the audience reads them: the notice with its pictures and the big
confirm button, what changed in a new revision and the history; for its managers, on the
same page, who has confirmed, who only opened it, who has not opened it, the reminder
and the export. Every action is a plain form that redirects.

Publishing and editing are manage.py; sharing, closing and deleting the kit's
(core.widgetpages)."""
from flask import flash, redirect, render_template, request, url_for

from grouptools.core.access import Action
from grouptools.core.database import before_the_write
from grouptools.core.fields import PAGE_MAX
from grouptools.core.i18n import gettext
from grouptools.core.loaders import load_widget
from grouptools.core.ratelimits import rate_limited
from grouptools.core.widgetpages import member_page_or_public_card, widget_link, widget_preview
from grouptools.notice import receipts, service
from grouptools.notice.blueprints import bp
from grouptools.notice.kind import NOTICE
from grouptools.notice.models import Notice


def _page_asked():
    """`?page=` of the receipts' lists; anything else than a page number shows the first."""
    page = request.args.get("page", 1, type=int)
    return page if 1 <= page <= PAGE_MAX else 1


def _show(loaded):
    state = service.notice_state(loaded.person, loaded.widget)
    notice = loaded.widget
    report = (receipts.receipts(loaded.person, notice, _page_asked(), state.counts)
              if state.manager else None)
    confirmed = bool(state.receipt and state.receipt.confirmed_at)
    # "Please confirm again": a member who confirmed an earlier revision of the text.
    again = (state.addressed and notice.require_confirmation and not confirmed
             and receipts.confirmed_earlier(notice, state.membership))
    return render_template(
        "notice/show.html", state=state, notice=notice, group=notice.group, report=report,
        reminder=receipts.reminder_text(report) if report else None, confirm_again=again,
        late=receipts.is_late(notice, state.receipt.confirmed_at) if confirmed else False,
        preview=widget_preview(notice), link=widget_link(notice))


@bp.get("/n/<pid:nid>")
def show_notice(nid):
    return member_page_or_public_card(NOTICE, nid, _show)


@bp.post("/n/<pid:nid>/confirm")
@rate_limited("confirm")
def confirm(nid):
    with before_the_write():  # the writer's turn held for the write alone
        notice, person, _ = load_widget(Notice, nid, Action.ACT)
    confirmation = receipts.confirm(person, notice)
    flash(gettext("Thank you: your confirmation was recorded.") if confirmation.first
          else gettext("You had confirmed already."), "success")
    return redirect(url_for("notice_pages.show_notice", nid=nid), code=303)


@bp.get("/n/<pid:nid>/revisions")
def revisions(nid):
    notice, person, _ = load_widget(Notice, nid)
    return render_template("notice/revisions.html", notice=notice, group=notice.group,
                           revisions=receipts.revisions(person, notice))
