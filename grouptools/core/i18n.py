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


def init_app(app):
    from flask_babel import format_date

    from grouptools.core.timeutil import local_time

    app.jinja_env.globals.update(html_lang=html_lang, format_date=format_date, local_time=local_time)
