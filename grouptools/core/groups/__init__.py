"""Groups: create, settings, joining, roster and roles."""
from grouptools.core.http import Blueprint

blp = Blueprint("groups", __name__, url_prefix="/api/v1", description="Groups and membership")

from grouptools.core.groups import api  # noqa: E402,F401  (registers the routes)
