"""gunicorn's access log without secrets: sign-in links, ticket links, tokens and cookies
are masked.

A sign-in link is a password in a URL; it reaches the log in the request line and, on
the confirm page's POST, in the Referer."""
import re

from gunicorn.glogging import Logger

# Paths whose last part is a secret: sign-in links, and relay tickets (whoever holds a
# ticket's link holds the place at the door).
SECRET_PATHS = re.compile(r"(/signin/(?:once/)?|/r/[A-Za-z0-9_-]{10}/tickets/)[^/?#\s]+")
MASK = "[redacted]"
SECRET_HEADERS = ("{authorization}i", "{cookie}i", "{x-csrftoken}i", "{set-cookie}o")


def redact(text):
    return SECRET_PATHS.sub(rf"\1{MASK}", text) if isinstance(text, str) else text


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            atoms[key] = redact(atoms.get(key))
        for key in SECRET_HEADERS:
            if key in atoms:
                atoms[key] = MASK
        return atoms
