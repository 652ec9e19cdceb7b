"""Which language a person reads: ?lang=, then a cookie, then Accept-Language; and
times and dates shown in it."""
from functools import lru_cache

from flask import current_app, g, has_app_context, has_request_context, request
from markupsafe import Markup

from grouptools.core.kept import kept

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


def labelled(label, text):
    """"手机号：不是有效的手机号码。", "Phone: Not a valid phone number.": a label and what
    it says, with the reader's colon, so that a message keeps to one punctuation style
    (full-width in Chinese, ASCII in English)."""
    return gettext("%(label)s: %(text)s", label=label, text=text)


def sentences(parts):
    """Messages that each end a sentence, one after the other as the reader's language
    writes them: with a space in English, without one in Chinese."""
    joined = ""
    for part in parts:
        joined = gettext("%(first)s %(then)s", first=joined, then=part) if joined else part
    return joined


def html_lang():
    """The page's `lang` attribute, so phones pick Chinese glyph forms and voices."""
    return "zh-Hans" if current_language() == "zh_Hans" else "en"


@lru_cache(maxsize=16)
def _datetime_patterns(locale):
    """(this year's date, another year's date, the time, how the two join) in `locale`:
    what Babel's format_skeleton and format_time would match and parse again on every
    call, done once per language (a receipts page shows a hundred times)."""
    from babel.dates import get_time_format, match_skeleton, parse_pattern

    def date_pattern(skeleton):
        skeletons = locale.datetime_skeletons
        if skeleton not in skeletons:
            skeleton = match_skeleton(skeleton, skeletons) or skeleton
        return parse_pattern(skeletons[skeleton])

    return (date_pattern("MMMEd"), date_pattern("yMMMEd"), get_time_format("short", locale),
            locale.datetime_formats["medium"])


def format_local(group, at):
    """A time as the group reads it: its own time zone, the reader's language
    ("12月1日周二 20:00", "Tue, Dec 1, 8:00 PM"); the year only when it is not this one.
    In templates: `{{ at|local_datetime(group) }}`."""
    from grouptools.core.timeutil import local_time, utcnow

    if at is None:
        return ""
    # Already shifted (local_time never fails on a stored value): Babel keeps its zone.
    local, locale = local_time(group, at), current_locale()
    same_year = local.year == local_time(group, utcnow()).year
    this_year, other_year, time, joined = _datetime_patterns(locale)
    date = (this_year if same_year else other_year).apply(local, locale)
    return joined.format(time.apply(local, locale, reference_date=local.date()), date)


def local_datetime(at, group):
    """The Jinja filter every template shows a time with."""
    return format_local(group, at)


def local_date(at, group):
    """The day of `at` as the group reads it, in the reader's language: `{{ at|local_date(group) }}`."""
    from flask_babel import format_date

    from grouptools.core.timeutil import local_time

    return format_date(local_time(group, at).date()) if at is not None else ""


def current_catalogue():
    """The request's catalogue, found once per request and locale: Flask-Babel finds it
    again for every `_()` a template calls (its context, its locale, the locale's name),
    which cost a page of 40 of them about 0.3 ms. The locale is Flask-Babel's own, kept
    on its namespace in `g`: a `force_locale` gets its own catalogue."""
    from flask_babel import get_translations

    kept = g.get("_catalogue")  # (Flask-Babel's namespace, its locale then, catalogue)
    if kept is not None and getattr(kept[0], "babel_locale", None) is kept[1]:
        return kept[2]
    translations = get_translations()
    g._catalogue = (g.get("_flask_babel"), current_locale(), translations)
    return translations


def gettext(string, **variables):
    """Flask-Babel's `gettext` on the request's catalogue found once (current_catalogue):
    Flask-Babel's own finds its context, domain, locale and catalogue again on every
    call, about as much as a small database read for the few strings a page writes in
    Python. Outside an app context, Flask-Babel's own."""
    if not has_app_context():
        from flask_babel import gettext as babel_gettext

        return babel_gettext(string, **variables)
    text = current_catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular, plural, num, **variables):
    """Flask-Babel's `ngettext` (`num` among the variables) as `gettext` above."""
    if not has_app_context():
        from flask_babel import ngettext as babel_ngettext

        return babel_ngettext(singular, plural, num, **variables)
    variables.setdefault("num", num)
    return current_catalogue().ungettext(singular, plural, num) % variables


def current_locale():
    """Flask-Babel's `get_locale()`, read where Flask-Babel keeps it once it is found
    for the request (its namespace in `g`, which `force_locale` changes too): its own
    goes through `g` three times a call to find it, and a page asks a dozen times."""
    if has_app_context():
        kept = getattr(g.get("_flask_babel"), "babel_locale", None)
        if kept is not None:
            return kept
    from flask_babel import get_locale

    return get_locale()


def current_language():
    """The name of the language the request reads ("zh_Hans", "en")."""
    return str(current_locale())


FRAGMENTS_KEPT = 2048


def fragment(name, **values):
    """The template `name` rendered with `values` alone, in the reader's language: kept
    per worker, language and values (the last FRAGMENTS_KEPT of them), so that a piece
    every page shows (base.html's header, a share sheet) costs a lookup, not its `_()`,
    `url_for` and macro calls, after its first time.

    Only for templates whose output is a function of their values and the language:
    they see no request, session, `g` or CSRF token (a context processor's values
    either), and their `url_for` builds paths, which the app's rules and root fix. A
    value is part of the key with its type (`Markup("<b>")` and `"<b>"` differ), so
    must be hashable. With the debugger (templates reloaded) nothing is kept."""
    app = current_app._get_current_object()
    # The values as given: a template's call passes its names in the same order each
    # time (another order would only keep a second copy), with their types.
    key = (name, current_language(), request.script_root, tuple(values.items()),
           tuple(map(type, values.values())))
    if app.debug:
        return _render_fragment(app, name, values)
    return kept("fragments", key, lambda: _render_fragment(app, name, values), FRAGMENTS_KEPT)


def _render_fragment(app, name, values):
    return Markup(app.jinja_env.get_template(name).render(values))


def init_app(app):
    from flask_babel import format_date

    from grouptools.core.timeutil import local_time

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_catalogue().ugettext(s),
        ngettext=lambda s, p, n: current_catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: current_catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_catalogue().unpgettext(c, s, p, n),
        newstyle=True)

    app.jinja_env.globals.update(html_lang=html_lang, format_date=format_date,
                                 local_time=local_time, fragment=fragment)
    app.jinja_env.filters.update(local_datetime=local_datetime, local_date=local_date)
