"""gunicorn's access log without secrets: sign-in links, tokens and cookies are masked.

A sign-in link is a password in a URL; it reaches the log in the request line and, on
the confirm page's POST, in the Referer."""
import re

from gunicorn.glogging import Logger

SIGNIN_SECRET = re.compile(r"(/signin/(?:once/)?)[^/?#\s]+")
MASK = "[redacted]"
SECRET_HEADERS = ("{authorization}i", "{cookie}i", "{x-csrftoken}i", "{set-cookie}o")


def redact(text):
    return SIGNIN_SECRET.sub(rf"\1{MASK}", text) if isinstance(text, str) else text


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            atoms[key] = redact(atoms.get(key))
        for key in SECRET_HEADERS:
            if key in atoms:
                atoms[key] = MASK
        return atoms
