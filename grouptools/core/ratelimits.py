"""Rate limits, declared once per action and applied with one decorator to every route
of that action, page and API alike: they draw from one budget (a Flask-Limiter shared
scope named after the action), so no route is a way around another.

Limits are per person where there is one; per address only for creating people and for
sign-in links, and generous there (a whole class of parents may share one school
network). Each limit can be changed with GROUPTOOLS_RATELIMIT_<ACTION>, e.g.
GROUPTOOLS_RATELIMIT_SIGN_UP="30 per minute" (Flask-Limiter's syntax)."""
import os
from dataclasses import dataclass

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many

from grouptools.core.identity import current_person
from grouptools.extensions import limiter

# Methods that change something: a page's GET shows its form and is never counted.
WRITES = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Limited:
    name: str
    default: str
    per_address: bool = False
    methods: tuple | None = WRITES  # None: every method, reading included


ACTIONS = {action.name: action for action in (
    Limited("create_person", "120 per minute;2000 per day", per_address=True),
    # Every /signin/ page, confirm pages included: the secret is in the URL.
    Limited("signin", "120 per minute;2000 per day", per_address=True, methods=None),
    Limited("create_group", "30 per hour"),
    Limited("join_group", "120 per hour"),
    Limited("create_widget", "60 per hour"),
    Limited("vote", "60 per minute"),
    Limited("sign_up", "60 per minute"),
    Limited("confirm", "60 per minute"),
    # Checking in and making up days; undoing one counts too.
    Limited("check_in", "60 per minute"),
    Limited("save_card", "60 per minute"),
    # Counted in pictures, not requests (core.uploads).
    Limited("upload", "300 per hour"),
)}

# Older names of an override, still honoured.
_OLD_NAMES = {"upload": "GROUPTOOLS_UPLOAD_RATE_LIMIT"}


def limits_from_environment(environ=os.environ):
    """Each action's limit: GROUPTOOLS_RATELIMIT_<ACTION> if set, else its default."""
    chosen = {}
    for name, action in ACTIONS.items():
        value = environ.get(f"GROUPTOOLS_RATELIMIT_{name.upper()}") or \
            environ.get(_OLD_NAMES.get(name, ""), "")
        chosen[name] = value.strip() or action.default
    return chosen


def limit_of(name):
    return current_app.config["RATE_LIMITS"][name]


def _signed_in():
    return current_person() is not None


def _stranger():
    return current_person() is None


def rate_limited(name, cost=1, exempt_when=None):
    """Decorate every route of the action `name`: its page and its API route alike."""
    action = ACTIONS[name]
    return limiter.shared_limit(
        lambda: limit_of(name), scope=name,
        key_func=get_remote_address if action.per_address else None,
        methods=list(action.methods) if action.methods else None,
        cost=cost, exempt_when=exempt_when)


def person_or_newcomer(name):
    """For a page whose form may create the asker on the way (a stranger's one screen:
    "your name" and the action): a stranger draws from create_person's budget (per
    address), a signed-in person from `name`'s."""
    as_newcomer = rate_limited("create_person", exempt_when=_signed_in)
    as_person = rate_limited(name, exempt_when=_stranger)

    def decorate(view):
        return as_newcomer(as_person(view))
    return decorate


def init_app(app):
    """Fill in the defaults of actions the configuration leaves out, and refuse to start
    with a limit Flask-Limiter cannot read (it would fail every request of the action)."""
    chosen = {**limits_from_environment(), **app.config.get("RATE_LIMITS", {})}
    unknown = set(chosen) - set(ACTIONS)
    if unknown:
        raise RuntimeError(f"unknown rate-limited actions: {', '.join(sorted(unknown))}")
    for name, value in chosen.items():
        try:
            parse_many(value)
        except ValueError:
            raise RuntimeError(f"GROUPTOOLS_RATELIMIT_{name.upper()} is not a rate limit: "
                               f"{value!r} (e.g. \"60 per hour\")") from None
    app.config["RATE_LIMITS"] = chosen
