"""Browser-facing safety: the headers every response carries, and the language switch,
whose only risk is redirecting somewhere it should not."""
import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import abort, current_app, make_response, redirect, request

from grouptools.core.i18n import LANG_COOKIE, normalise_language

# No inline script or style anywhere (docs/security.md): every asset comes from this app, so a
# script injected through user text has nothing to run. `data:` images are for small
# icons drawn by the stylesheet and for QR codes rendered in place; `blob:` ones are the
# previews of photos picked on a form, shown before anything is uploaded
# (static/js/photopicker.js).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Widget links carry ids worth keeping inside the site; other sites learn only our origin.
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # frame-ancestors for browsers that know CSP, this for old chat-app WebViews that do not.
    "X-Frame-Options": "DENY",
}

# With an https base URL the site is HTTPS only: browsers remember it for a year and
# never try plain HTTP first (where a session cookie or a sign-in link could be read).
HSTS = "max-age=31536000"

# Pages show one person's view (their name, their vote, their sign-in link): a shared
# proxy must never keep them, and the browser must ask again before reusing one.
PAGE_CACHE_CONTROL = "private, no-cache"

LANG_COOKIE_AGE = timedelta(days=365)


_SECURITY_ITEMS = [(name.lower(), name, value) for name, value in SECURITY_HEADERS.items()]
_HSTS_ITEMS = [*_SECURITY_ITEMS, ("strict-transport-security", "Strict-Transport-Security", HSTS)]


def add_security_headers(response):
    """SECURITY_HEADERS (and HSTS on https) where the answer has not set its own; a page
    also `PAGE_CACHE_CONTROL` unless it has one, and varies on the cookie and the
    language (the same address answers in another language for another
    Accept-Language). The answer's headers are looked through once, not once a name."""
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    https = (current_app.config.get("BASE_URL") or "").startswith("https://")
    for lowered, name, value in _HSTS_ITEMS if https else _SECURITY_ITEMS:
        if lowered not in present:
            headers.add(name, value)
    if response.mimetype == "text/html":
        if "cache-control" not in present:
            headers.add("Cache-Control", PAGE_CACHE_CONTROL)
        vary_on_cookie_and_language(response, "vary" in present)
    return response


_VARIES_ON_BOTH = ("Cookie, Accept-Language", "Accept-Language, Cookie")


def vary_on_cookie_and_language(response, has_vary=True):
    """`Vary: Cookie, Accept-Language` added to what the answer varies on already: set
    at once when it varies on nothing yet, as HeaderSet would, and left as it is when it
    names both already (a page's ETag and its security headers both ask), without
    parsing the header again for each name."""
    vary = response.headers.get("Vary") if has_vary else None
    if vary is None:
        response.headers.add("Vary", "Cookie, Accept-Language")
    elif vary not in _VARIES_ON_BOTH:
        response.vary.update(("Cookie", "Accept-Language"))


def no_store(body, status=200):
    """A page that shows a secret (a sign-in link): kept by no cache, not even the browser's."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _set_language_cookie(response, language):
    response.set_cookie(
        LANG_COOKIE,
        language,
        max_age=int(LANG_COOKIE_AGE.total_seconds()),
        path="/",
        samesite="Lax",
        httponly=True,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )


def remember_language_from_query(response):
    """A link shared as `…?lang=en` keeps its reader in English on the next page too."""
    language = normalise_language(request.args.get("lang"))
    if language and request.cookies.get(LANG_COOKIE) != language:
        _set_language_cookie(response, language)
    return response


# A backslash or a control character (tab, newline, DEL…): browsers read a path with one
# as another host.
_NOT_IN_A_LOCAL_PATH = re.compile(r"[\\\x00-\x1f\x7f]")


def local_path(target):
    """`target` if it stays on this site, else None.

    Browsers read `//host`, `/\\host` and paths with tabs or newlines in them as another
    host, so anything but a plain absolute path is refused."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if _NOT_IN_A_LOCAL_PATH.search(target):
        return None
    if "?" not in target and "#" not in target and ":" not in target:
        return target  # a plain path: nothing to drop, nothing to read as a host
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    # Drop a ?lang= in the target: it would switch the reader straight back.
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(key, value) for key, value in pairs if key != "lang"])
    return urlunsplit(("", "", parts.path, query, parts.fragment))


def set_language(code):
    """GET /lang/<code>?next=/path: a plain link, so it works without JS in any chat app."""
    language = normalise_language(code)
    if language is None:
        abort(404)
    response = redirect(local_path(request.args.get("next")) or "/", 303)
    _set_language_cookie(response, language)
    return response


def language_switch_target():
    """Where the language switch of the page being rendered leads back to: this page
    (without a `?lang=`), or the home page. base.html's footer builds the switch links
    to it once per page and language (core.i18n.fragment)."""
    here = request.full_path.rstrip("?") if request.method == "GET" else request.path
    return local_path(here) or "/"


def init_app(app):
    app.after_request(add_security_headers)
    app.after_request(remember_language_from_query)
    app.add_url_rule("/lang/<code>", "set_language", set_language)
    app.jinja_env.globals["language_switch_target"] = language_switch_target
