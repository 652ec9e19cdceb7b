"""/api/v1 routes about people and the asker."""
from flask_wtf.csrf import generate_csrf

from grouptools.core.groups.service import my_groups
from grouptools.core.identity import require_person, sign_in
from grouptools.core.links import absolute_url
from grouptools.core.people import blp, service
from grouptools.core.people.schemas import (
    CsrfSchema,
    MeSchema,
    MyItemsSchema,
    PersonCreateSchema,
    PersonCreatedSchema,
    PersonSchema,
    PersonUpdateSchema,
    TokenSchema,
    UrlSchema,
)
from grouptools.core.ratelimits import rate_limited
from grouptools.core.widgets import my_items


def my_view(person):
    groups = [
        {"id": group.public_id, "name": group.name, "role": membership.role,
         "status": membership.status}
        for group, membership in my_groups(person)
    ]
    return {"public_id": person.public_id, "name": person.name, "groups": groups}


@blp.route("/csrf")
@blp.response(200, CsrfSchema)
def csrf_token():
    """The CSRF token a script sends as X-CSRFToken with cookie-authenticated writes."""
    return {"csrf_token": generate_csrf()}


@blp.route("/people", methods=["POST"])
@rate_limited("create_person")
@blp.arguments(PersonCreateSchema)
@blp.response(201, PersonCreatedSchema)
def create_person(data):
    """Create a person by name; answers the API token once and signs the browser in."""
    person, token = service.create_person(data["name"])
    sign_in(person)
    return {"public_id": person.public_id, "name": person.name, "token": token}


@blp.route("/me")
@blp.response(200, MeSchema)
def me():
    return my_view(require_person())


@blp.route("/me/items")
@blp.response(200, MyItemsSchema)
def my_open_items():
    """What waits for the asker in all their groups, newest first: polls not voted in,
    places and waitlist positions held, notices to confirm, today's check-ins."""
    person = require_person()
    return {"items": [{**vars(item), "url": absolute_url(item.url)} for item in my_items(person)]}


@blp.route("/me", methods=["PATCH"])
@blp.arguments(PersonUpdateSchema)
@blp.response(200, PersonSchema)
def rename_me(data):
    return service.rename_person(require_person(), data["name"])


@blp.route("/me/token", methods=["POST"])
@blp.response(201, TokenSchema)
def rotate_my_token():
    """A new API token; the old one stops working."""
    return {"token": service.rotate_token(require_person())}


@blp.route("/me/signout-everywhere", methods=["POST"])
@blp.response(200, TokenSchema)
def sign_out_everywhere():
    """End every other session, the old token and the old sign-in link; a new token."""
    person = require_person()
    token = service.sign_out_everywhere(person)
    sign_in(person)  # this browser stays signed in, under the new session version
    return {"token": token}


@blp.route("/me/signin-link")
@blp.response(200, UrlSchema)
def my_signin_link():
    """The personal link that signs this person in on another device (after a confirm)."""
    person = require_person()
    return {"url": absolute_url(f"/signin/{service.personal_signin_token(person)}")}
