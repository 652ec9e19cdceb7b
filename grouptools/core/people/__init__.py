"""People: created by typing a name, known by a cookie or a token."""
from grouptools.core.http import Blueprint

blp = Blueprint("people", __name__, url_prefix="/api/v1", description="People and the asker")

from grouptools.core.people import api  # noqa: E402,F401  (registers the routes)
