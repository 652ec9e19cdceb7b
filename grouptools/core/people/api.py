"""/api/v1 routes about people and the asker."""
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import generate_csrf

from grouptools.core.identity import require_person, sign_in
from grouptools.core.people import blp, service
from grouptools.core.people.schemas import (
    CsrfSchema,
    MeSchema,
    PersonCreateSchema,
    PersonCreatedSchema,
    PersonSchema,
    PersonUpdateSchema,
    TokenSchema,
)
from grouptools.extensions import limiter

# Per address and generous: a whole class of parents may share one school network.
PEOPLE_CREATE_LIMIT = "120 per minute;2000 per day"


def my_view(person):
    # Groups join this view when memberships exist (issue 3).
    return {"public_id": person.public_id, "name": person.name, "groups": []}


@blp.route("/csrf")
@blp.response(200, CsrfSchema)
def csrf_token():
    """The CSRF token a script sends as X-CSRFToken with cookie-authenticated writes."""
    return {"csrf_token": generate_csrf()}


@blp.route("/people", methods=["POST"])
@limiter.limit(PEOPLE_CREATE_LIMIT, key_func=get_remote_address)
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
