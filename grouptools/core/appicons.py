"""The site's icons and web manifest: `/favicon.ico` (browsers ask for it whatever the
page says), and what a phone's "add to home screen" reads — the manifest with its name
in the reader's language, the home-screen icons, the touch icon. The pictures are drawn
by tools/draw_icons.py and committed under static/icons/."""
from flask import current_app, jsonify, send_from_directory, url_for

from grouptools.core.i18n import gettext, html_lang

ICONS = "icons"
# A day: a changed icon reaches returning visitors soon enough; the files are tiny.
ICON_MAX_AGE = 86400
BRAND_GREEN = "#0a7f55"
BACKGROUND = "#f4f6f5"


def favicon():
    return send_from_directory(f"{current_app.static_folder}/{ICONS}", "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=ICON_MAX_AGE)


def manifest():
    def icon(name, size, purpose="any"):
        return {"src": url_for("static", filename=f"{ICONS}/{name}"), "sizes": f"{size}x{size}",
                "type": "image/png", "purpose": purpose}

    answer = jsonify({
        "name": "grouptools",
        "short_name": "grouptools",
        "description": gettext("Polls, sign-ups, notices, check-ins and member cards for "
                               "your group: no app, no account."),
        "lang": html_lang(),
        "start_url": url_for("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": BACKGROUND,
        "theme_color": BRAND_GREEN,
        "icons": [icon("icon-192.png", 192), icon("icon-512.png", 512),
                  icon("icon-maskable-512.png", 512, "maskable")],
    })
    answer.mimetype = "application/manifest+json"
    # Named in the reader's language: caches must keep one per language.
    answer.headers["Cache-Control"] = "public, max-age=3600"
    answer.vary.add("Accept-Language")
    answer.vary.add("Cookie")
    return answer


def init_app(app):
    from grouptools.extensions import limiter

    app.add_url_rule("/favicon.ico", "favicon", limiter.exempt(favicon))
    app.add_url_rule("/manifest.webmanifest", "web_manifest", limiter.exempt(manifest))
