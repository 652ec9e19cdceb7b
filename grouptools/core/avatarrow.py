"""Avatars of many people at once, for the lists on widget pages (a poll option's first
voters, who has not voted yet): the same HTML as `_macros.html`'s `avatar` macro, built
in Python. A macro call costs about as much as a small database read, and a page that
draws a few dozen avatars paid for a few dozen of them (docs/architecture.md#statement-budget).

The photo's address is built by the route once per request; then only the id changes."""
from flask import g, url_for
from markupsafe import Markup, escape

from grouptools.core.avatars import avatar_of
from grouptools.core.links import MEMBER_PLACEHOLDER


def _thumb_url(photo_id):
    parts = g.get("avatar_thumb_url")
    if parts is None:
        parts = g.avatar_thumb_url = url_for(
            "images.show_thumb", iid=MEMBER_PLACEHOLDER).rsplit(MEMBER_PLACEHOLDER, 1)
    return f"{parts[0]}{photo_id}{parts[1]}"


def avatar_html(who, size=None):
    """One avatar: what `{{ ui.avatar(who, size) }}` draws."""
    a = avatar_of(who)
    sized = f" avatar-{size}" if size else ""
    if a.photo_id:
        inner = f'<img src="{escape(_thumb_url(a.photo_id))}" alt="" loading="lazy">'
    else:
        inner = escape(a.initial)
    return Markup(f'<span class="avatar{sized} avatar-c{a.colour}" aria-hidden="true">'
                  f'{inner}</span>')


def avatar_row(people, size=None):
    """Avatars of `people`, one after the other: `{% for m in people %}{{ ui.avatar(m,
    size) }}{% endfor %}` in one call."""
    return Markup("".join([avatar_html(who, size) for who in people]))


def register(blueprint):
    """Make avatar_html and avatar_row template globals (a widget's blueprint calls this)."""
    blueprint.add_app_template_global(avatar_html)
    blueprint.add_app_template_global(avatar_row)
