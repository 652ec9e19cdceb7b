"""Which language a person reads: ?lang=, then a cookie, then Accept-Language."""
from flask import current_app, has_request_context, request

LANG_COOKIE = "lang"


def normalise_language(tag):
    """Every zh* tag (zh-CN, zh-TW, zh-Hans-CN …) means Simplified Chinese here;
    Werkzeug's best_match would return None for most of them."""
    if not tag:
        return None
    tag = tag.strip().replace("-", "_")
    if tag.lower().startswith("zh"):
        return "zh_Hans"
    if tag.lower().startswith("en"):
        return "en"
    return None


def select_locale():
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        language = normalise_language(candidate)
        if language:
            return language
    for tag, _quality in request.accept_languages:
        language = normalise_language(tag)
        if language:
            return language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def html_lang():
    """The page's `lang` attribute, so phones pick Chinese glyph forms and voices."""
    from flask_babel import get_locale

    return "zh-Hans" if str(get_locale()) == "zh_Hans" else "en"


def format_local(group, at):
    """A time as the group reads it: its own time zone, the reader's language
    ("12月1日周二 20:00", "Tue, Dec 1, 8:00 PM"); the year only when it is not this one.
    In templates: `{{ at|local_datetime(group) }}`."""
    from babel.dates import format_skeleton, format_time
    from flask_babel import get_locale

    from grouptools.core.timeutil import local_time, utcnow

    if at is None:
        return ""
    # Already shifted (local_time never fails on a stored value): Babel keeps its zone.
    local, locale = local_time(group, at), get_locale()
    same_year = local.year == local_time(group, utcnow()).year
    date = format_skeleton("MMMEd" if same_year else "yMMMEd", local, locale=locale)
    time = format_time(local, "short", locale=locale)
    return locale.datetime_formats["medium"].format(time, date)


def local_datetime(at, group):
    """The Jinja filter every template shows a time with."""
    return format_local(group, at)


def local_date(at, group):
    """The day of `at` as the group reads it, in the reader's language: `{{ at|local_date(group) }}`."""
    from flask_babel import format_date

    from grouptools.core.timeutil import local_time

    return format_date(local_time(group, at).date()) if at is not None else ""


def init_app(app):
    from flask_babel import format_date

    from grouptools.core.timeutil import local_time

    app.jinja_env.globals.update(html_lang=html_lang, format_date=format_date, local_time=local_time)
    app.jinja_env.filters.update(local_datetime=local_datetime, local_date=local_date)
