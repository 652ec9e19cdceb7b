"""gunicorn's access log without secrets: sign-in links, widgets' secret links (relay
tickets …), tokens and cookies are masked.

A sign-in link is a password in a URL; it reaches the log in the request line and, on
the confirm page's POST, in the Referer. Core knows only its own secret paths; each
widget names its own in its registration (`WidgetKind.secret_paths`), and every worker
reads them from the app it serves (`gunicorn.conf.py` calls `RedactingLogger.use_app`
once the worker has loaded the app; the arbiter logs no requests)."""
import re
from urllib.parse import quote, unquote

from gunicorn.glogging import Logger

# Paths whose last part is a secret, up to the slash before it. Repeated slashes are
# tolerated: the router answers them too (with a redirect that would log the secret).
CORE_SECRET_PATHS = (r"/signin/+(?:once/+)?",)
MASK = "[redacted]"
SECRET_HEADERS = ("{authorization}i", "{cookie}i", "{x-csrftoken}i", "{set-cookie}o")
# What a re-encoded line keeps as it is; anything else decoded (a newline) is encoded
# again, so a crafted path cannot write lines of its own into the log.
LOGGED_AS_IS = " /?#&=:;,+@!$'()*~[]"


def secret_paths_pattern(fragments=()):
    """One regex masking the segment after core's secret paths and after `fragments`."""
    alternatives = "|".join(f"(?:{fragment})" for fragment in (*CORE_SECRET_PATHS, *fragments))
    return re.compile(rf"(?P<path>{alternatives})[^/?#\s]+")


CORE_PATTERN = secret_paths_pattern()


def app_secret_paths(app):
    """The pattern for `app`: core's secret paths and every registered widget's."""
    from grouptools.core.widgets import registered_widgets

    return secret_paths_pattern(
        fragment for kind in registered_widgets(app) for fragment in kind.secret_paths)


def redact(text, secret_paths=CORE_PATTERN):
    """`text` with every secret masked, also where the URL spells it percent-encoded
    (`/r/…/%74ickets/…`, `/%73ignin/…`): the server decodes before routing, so the log
    must decode before matching."""
    if not isinstance(text, str):
        return text
    if "%" in text:
        decoded = unquote(text)
        hidden = secret_paths.sub(rf"\g<path>{MASK}", decoded)
        if hidden != decoded:
            return quote(hidden, safe=LOGGED_AS_IS)
    return secret_paths.sub(rf"\g<path>{MASK}", text)


class RedactingLogger(Logger):
    secret_paths = CORE_PATTERN  # until use_app: core's own paths only

    def use_app(self, app):
        """Mask the secret paths of every widget `app` registered (called in each worker
        after it loaded the app)."""
        if not hasattr(app, "extensions"):
            # Not our Flask app (gunicorn's stand-in after a failed reload): it
            # serves only an error page.
            self.warning("access log: %r has no widget registry; masking core's paths only", app)
            return
        self.secret_paths = app_secret_paths(app)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            atoms[key] = redact(atoms.get(key), self.secret_paths)
        for key in SECRET_HEADERS:
            if key in atoms:
                atoms[key] = MASK
        return atoms
