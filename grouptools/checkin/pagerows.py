"""The habit page's lists drawn in one pass here, not by the template: today's feed (also
/today's) and the leaderboard. A template loop body with `_()`, `url_for` and a macro
per row cost more than reading the rows (bench/inprocess.py, docs/architecture.md#speed);
what a row says is the same markup either way.

Translations are looked up per language and figure, once per worker (`_standing`), as
the calendar's day labels are (calendar._cell_label)."""
from functools import lru_cache

from flask import url_for
from markupsafe import Markup, escape

from grouptools.core.i18n import current_language, gettext, ngettext
from grouptools.core.timeutil import group_zone

_SENTINEL = "0000000000"  # a public id's shape: routes are built once, ids put in after


@lru_cache(maxsize=4096)
def _standing(language, total_days, streak):
    return str(escape(ngettext("%(num)d day · streak %(streak)d",
                               "%(num)d days · streak %(streak)d", total_days, streak=streak)))


def leaderboard_rows(leaderboard):
    """The `<li>` of each stats.Standing, numbered from 1."""
    language = current_language()
    rows = []
    for place, row in enumerate(leaderboard, 1):
        done = '<span class="list-end">✓</span>' if row.done_today else ""
        rows.append(
            f'<li class="list-item"><span class="list-number">{place}</span>'
            f'<span class="list-main">\n      <span class="list-title">{escape(row.name)}</span>'
            f'\n      <span class="list-meta">'
            f'{_standing(language, row.total_days, row.current_streak)}</span>\n    </span>'
            f'{done}</li>')
    return Markup("\n    ".join(rows))


def feed_rows(feed, group):
    """The `<li>` of each stats.FeedItem: who (made up or not), their words, their
    pictures' thumbnails, the time in the group's zone."""
    if not feed:
        return Markup("")
    made_up = f" · {escape(gettext('made up'))}"
    alt = escape(gettext("Photo of the check-in"))
    image_url = thumb_url = None
    zone = group_zone(group)
    rows = []
    for item in feed:
        parts = [f'<li class="list-item"><span class="list-main">\n    <span class="list-title">'
                 f'{escape(item.name)}{made_up if item.makeup else ""}</span>']
        if item.text:
            parts.append(f'<span class="list-meta prewrap">{escape(item.text)}</span>')
        if item.image_ids:
            if image_url is None:
                image_url = escape(url_for("images.show_image", iid=_SENTINEL))
                thumb_url = escape(url_for("images.show_thumb", iid=_SENTINEL))
            parts.append('<span class="habit-photos">')
            for iid in item.image_ids:
                iid = escape(iid)
                parts.append(f'<a href="{image_url.replace(_SENTINEL, iid)}"><img class="habit-photo" '
                             f'src="{thumb_url.replace(_SENTINEL, iid)}" width="64" height="64" '
                             f'alt="{alt}"></a>')
            parts.append("</span>")
        parts.append(f'\n  </span><span class="list-end">{_clock(item.created_at, zone)}</span></li>')
        rows.append("".join(parts))
    return Markup("\n  ".join(rows))


def _clock(at, zone):
    try:
        return at.astimezone(zone).strftime("%H:%M")
    except (OverflowError, ValueError):  # as core.timeutil.local_time: shown as stored
        return at.strftime("%H:%M")
