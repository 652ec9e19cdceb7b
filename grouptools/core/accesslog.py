"""gunicorn's access log without secrets: sign-in links, ticket links, tokens and cookies
are masked.

A sign-in link is a password in a URL; it reaches the log in the request line and, on
the confirm page's POST, in the Referer."""
import re
from urllib.parse import quote, unquote

from gunicorn.glogging import Logger

# Paths whose last part is a secret: sign-in links, and relay tickets (whoever holds a
# ticket's link holds the place at the door). Repeated slashes are tolerated: the
# router answers them too (with a redirect that would log the secret).
SECRET_PATHS = re.compile(
    r"(/signin/+(?:once/+)?|/r/+[A-Za-z0-9_-]{10}/+tickets/+)[^/?#\s]+")
MASK = "[redacted]"
SECRET_HEADERS = ("{authorization}i", "{cookie}i", "{x-csrftoken}i", "{set-cookie}o")
# What a re-encoded line keeps as it is; anything else decoded (a newline) is encoded
# again, so a crafted path cannot write lines of its own into the log.
LOGGED_AS_IS = " /?#&=:;,+@!$'()*~[]"


def redact(text):
    """`text` with every secret masked, also where the URL spells it percent-encoded
    (`/r/…/%74ickets/…`, `/%73ignin/…`): the server decodes before routing, so the log
    must decode before matching."""
    if not isinstance(text, str):
        return text
    if "%" in text:
        decoded = unquote(text)
        hidden = SECRET_PATHS.sub(rf"\1{MASK}", decoded)
        if hidden != decoded:
            return quote(hidden, safe=LOGGED_AS_IS)
    return SECRET_PATHS.sub(rf"\1{MASK}", text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            atoms[key] = redact(atoms.get(key))
        for key in SECRET_HEADERS:
            if key in atoms:
                atoms[key] = MASK
        return atoms
